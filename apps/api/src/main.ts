import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ConfigurationError, exitOnBootFailure, validateEnvironment } from '@idp/config';
import { describeDatabaseError } from '@idp/persistence';
import { setupApp } from './setup-app';

async function bootstrap(): Promise<void> {
  process.env.IDP_SERVICE_NAME ??= 'api';
  // Checked before any module loads, so a bad variable is one clear message rather than a stack trace.
  const env = validateEnvironment(process.env);
  // The worker and the admin command need no session secret; the API serves the pages and does.
  if (!env.SESSION_SECRET) {
    throw new ConfigurationError([
      'SESSION_SECRET is required: at least 32 random characters that sign page sessions (openssl rand -base64 32)',
    ]);
  }
  const { ApiModule } = await import('./api.module');
  // Nest's own boot logger would print dependency failures with stack traces; ours reports them in one line.
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, {
    logger: false,
    abortOnError: false,
    bodyParser: false,
  }).catch((error: unknown) => {
    throw (error as { code?: string })?.code ? new Error(describeDatabaseError(error, env.DATABASE_URL)) : error;
  });
  app.useLogger(app.get(Logger));
  setupApp(app);
  await app.listen(env.PORT);
  app.get(Logger).log({ msg: 'API listening', port: env.PORT });
}

bootstrap().catch((error: unknown) => exitOnBootFailure('api', error));
