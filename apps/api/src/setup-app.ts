import { VersioningType, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { validationPipe } from './common/validation';

/** Everything main.ts applies to the app, shared with the e2e tests so they test the same API. */
export function setupApp(app: NestExpressApplication): INestApplication {
  // No upgrade-insecure-requests: the embedded default serves plain HTTP on addresses other than localhost too.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.useBodyParser('json', { limit: '256kb' });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('IDP Orchestrator API')
      .setDescription(
        'Initial Data Production of GP practice clinical system migrations in England, as a durable process.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'An API key of your organisation: idp_<prefix>_<secret>',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
