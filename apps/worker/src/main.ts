import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { Logger } from 'nestjs-pino';
import { exitOnBootFailure, validateEnvironment } from '@idp/config';
import { describeDatabaseError } from '@idp/persistence';

function routeTemporalLogsIntoNest(level: LogLevel): void {
  const sdk = new NestLogger('temporal-sdk');
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
  const env = validateEnvironment(process.env);
  routeTemporalLogsIntoNest(env.TEMPORAL_LOG_LEVEL);
  const { WorkerModule } = await import('./worker.module');
  const { TemporalWorkerService } = await import('./temporal-worker.service');
  // An application context, not an HTTP server: the worker only polls Temporal.
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false, abortOnError: false }).catch(
    (error: unknown) => {
      throw (error as { code?: string })?.code ? new Error(describeDatabaseError(error, env.DATABASE_URL)) : error;
    },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.get(TemporalWorkerService).start();
}

bootstrap().catch((error: unknown) => exitOnBootFailure('worker', error));
