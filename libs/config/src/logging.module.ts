import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { Environment } from './environment';

/**
 * Structured JSON logs through pino (pretty when the output is a terminal), one request id per HTTP request.
 * Request logs keep the method, route and status only: no headers (API keys), no bodies, no query strings
 * (which could carry patient identifiers).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        pinoHttp: {
          level: config.getOrThrow('LOG_LEVEL', { infer: true }),
          transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
          genReqId: (req: IncomingMessage) => {
            const given = req.headers['x-request-id'];
            return typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : randomUUID();
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          redact: { paths: ['req.headers', 'authorization', '*.authorization', 'apiKey', '*.apiKey'], remove: true },
          // On every line once, not as pino-http's customProps: those are rebuilt and serialised twice per request.
          base: { pid: process.pid, hostname: hostname(), service: process.env.IDP_SERVICE_NAME ?? 'idp' },
        },
      }),
    }),
  ],
})
export class AppLoggingModule {}
