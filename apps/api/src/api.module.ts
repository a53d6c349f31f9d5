import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfigModule, AppLoggingModule } from '@idp/config';
import { PersistenceModule } from '@idp/persistence';
import { TemporalClientModule } from '@idp/temporal';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { HealthController } from './health/health.controller';
import { MigrationsModule } from './migrations/migrations.module';

@Module({
  imports: [
    AppConfigModule,
    AppLoggingModule,
    PersistenceModule,
    TemporalClientModule,
    TerminusModule.forRoot({ logger: false }),
    MigrationsModule,
  ],
  controllers: [HealthController],
  providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
export class ApiModule {}
