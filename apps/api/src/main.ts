import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { exitOnBootFailure, type Environment } from '@idp/config';
import { describeDatabaseError } from '@idp/persistence';
import { ApiModule } from './api.module';
import { setupApp } from './setup-app';

async function bootstrap(): Promise<void> {
  process.env.IDP_SERVICE_NAME ??= 'api';
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  }).catch((error: unknown) => {
    const url = process.env.DATABASE_URL;
    const e = error as { code?: string };
    throw url && e?.code ? new Error(describeDatabaseError(error, url)) : error;
  });
  app.useLogger(app.get(Logger));
  setupApp(app);
  const port = app.get(ConfigService<Environment, true>).getOrThrow('PORT', { infer: true });
  await app.listen(port);
}

bootstrap().catch((error: unknown) => exitOnBootFailure('api', error));
