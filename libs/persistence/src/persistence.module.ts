import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Environment } from '@idp/config';
import { dataSourceOptions, ENTITIES } from './data-source';

/** The TypeORM connection for Nest apps, from DATABASE_URL; repositories of every entity are exported. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        ...dataSourceOptions(config.getOrThrow('DATABASE_URL', { infer: true })),
        // Fail fast at boot with our own message instead of TypeORM's ten silent retries.
        retryAttempts: 0,
      }),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  exports: [TypeOrmModule],
})
export class PersistenceModule {}
