import { createHash } from 'node:crypto';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfigModule, AppLoggingModule, type Environment } from '@idp/config';
import { PersistenceModule } from '@idp/persistence';
import { TemporalClientModule } from '@idp/temporal';
import { AccessGuard } from './auth/access.guard';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { SlidingWindowRateLimitStorage } from './common/rate-limit.storage';
import { DataCheckingModule } from './data-checking/data-checking.module';
import { HealthController } from './health/health.controller';
import { MigrationsModule } from './migrations/migrations.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    AppLoggingModule,
    PersistenceModule,
    TemporalClientModule,
    TerminusModule.forRoot({ logger: false }),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        throttlers: [{ ttl: 60_000, limit: config.getOrThrow('RATE_LIMIT_PER_MINUTE', { infer: true }) }],
        storage: new SlidingWindowRateLimitStorage(),
        // Per API key on the API (a supplier's integration and its staff share an address), else per address:
        // pages ignore the Authorization header, so a made-up one there must not buy a fresh allowance.
        getTracker: (raw: Record<string, unknown>) => {
          const req = raw as unknown as Request;
          const auth = req.headers.authorization;
          return req.path.startsWith('/v1/') && typeof auth === 'string' && auth.length > 20
            ? `key:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`
            : `ip:${req.ip}`;
        },
      }),
    }),
    OrganisationsModule,
    MigrationsModule,
    // After MigrationsModule: its rounds/current/outcome route must match before rounds/:round/outcome.
    DataCheckingModule,
    WebModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class ApiModule {}
