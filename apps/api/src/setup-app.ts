import { VersioningType, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { createOpenApiDocument } from './common/openapi';
import { RejectNulPipe } from './common/reject-nul.pipe';
import { validationPipe } from './common/validation';
import { scriptNonce, setupWebPages } from './web/setup-web';

/** Everything main.ts applies to the app, shared with the e2e tests so they test the same API. */
export function setupApp(app: NestExpressApplication): INestApplication {
  // No upgrade-insecure-requests: the embedded default serves plain HTTP on addresses other than localhost too.
  app.use(
    helmet({
      contentSecurityPolicy: {
        // Pages load only their own assets; the one inline script of the design system carries the page's nonce.
        directives: { upgradeInsecureRequests: null, scriptSrc: ["'self'", scriptNonce], formAction: ["'self'"] },
      },
    }),
  );
  app.useBodyParser('json', { limit: '256kb' });
  // CSV uploads of selected patients and report figures (the only routes taking text bodies).
  app.useBodyParser('text', { type: ['text/csv', 'text/plain'], limit: '2mb' });
  setupWebPages(app);
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(new RejectNulPipe(), validationPipe());
  app.enableShutdownHooks();
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
