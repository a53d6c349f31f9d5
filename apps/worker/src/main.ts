import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { Logger } from 'nestjs-pino';
import { exitOnBootFailure } from '@idp/config';
import { WorkerModule } from './worker.module';

function routeTemporalLogsIntoNest(): void {
  const sdk = new NestLogger('temporal-sdk');
  const level = (process.env.TEMPORAL_LOG_LEVEL ?? 'WARN') as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const entry = { msg: message, ...meta };
      if (l === 'ERROR') sdk.error(entry);
      else if (l === 'WARN') sdk.warn(entry);
      else if (l === 'DEBUG' || l === 'TRACE') sdk.debug(entry);
      else sdk.log(entry);
    }),
  });
}

async function bootstrap(): Promise<void> {
  process.env.IDP_SERVICE_NAME ??= 'worker';
  routeTemporalLogsIntoNest();
  // An application context, not an HTTP server: the worker only polls Temporal.
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

bootstrap().catch((error: unknown) => exitOnBootFailure('worker', error));
