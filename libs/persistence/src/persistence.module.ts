import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Environment } from '@idp/config';
import { dataSourceOptions, ENTITIES } from './data-source';

/** TypeORM's root connection from DATABASE_URL and DATABASE_POOL_SIZE, with or without the time limit per statement. */
const connection = (limited: boolean) =>
  TypeOrmModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService<Environment, true>) => ({
      ...dataSourceOptions(config.getOrThrow('DATABASE_URL', { infer: true }), {
        poolSize: config.getOrThrow('DATABASE_POOL_SIZE', { infer: true }),
        queryTimeoutMs: limited ? config.getOrThrow('DATABASE_QUERY_TIMEOUT_MS', { infer: true }) : undefined,
      }),
      // Fail fast at boot with our own message instead of TypeORM's ten silent retries.
      retryAttempts: 0,
    }),
  });

/**
 * The TypeORM connection of the API and the worker; repositories of every entity are exported. A statement gets
 * DATABASE_QUERY_TIMEOUT_MS: a frozen Postgres makes a request answer 503 and an activity retry, never hang.
 */
@Module({
  imports: [connection(true), TypeOrmModule.forFeature(ENTITIES)],
  exports: [TypeOrmModule],
})
export class PersistenceModule {}

/**
 * The same for the admin command, without the time limit: `data-key rotate` and `status` read whole tables and an
 * operator watches them run (and may interrupt them), where a request or an activity must give up.
 */
@Module({
  imports: [connection(false), TypeOrmModule.forFeature(ENTITIES)],
  exports: [TypeOrmModule],
})
export class AdminPersistenceModule {}
