import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';
import { MigrationEntity } from './entities/migration.entity';
import { MilestoneEntity } from './entities/milestone.entity';
import { NotificationEntity } from './entities/notification.entity';
import { InitialSchema1764230400000 } from './migrations/1764230400000-initial-schema';
import { OrganisationsAndKeys1764316800000 } from './migrations/1764316800000-organisations-and-keys';
import { OrganisationIntegrations1764403200000 } from './migrations/1764403200000-organisation-integrations';
import { ApiKeyEntity } from './entities/api-key.entity';
import { IdempotencyRecordEntity } from './entities/idempotency-record.entity';
import { OrganisationEntity } from './entities/organisation.entity';
import { DigestSnapshotEntity } from './entities/digest-snapshot.entity';
import { WeeklyDigest1764500000000 } from './migrations/1764500000000-weekly-digest';
import {
  DataCheckIssueEntity,
  RecordCheckEntity,
  ReportFigureEntity,
  SelectedPatientEntity,
  SignOffDeclarationEntity,
  TestCriterionEntity,
} from './entities/data-checking.entity';
import { DataChecking1764520000000 } from './migrations/1764520000000-data-checking';
import { AppUserEntity } from './entities/app-user.entity';
import { SignInTokenEntity } from './entities/sign-in-token.entity';
import { PeopleAndSessions1764530000000 } from './migrations/1764530000000-people-and-sessions';
import { IdempotencyFirstStatus1764550000000 } from './migrations/1764550000000-idempotency-first-status';
import { pgPoolOptions, type DatabaseSettings } from './pool-options';

export const ENTITIES = [
  MigrationEntity,
  MilestoneEntity,
  AuditEventEntity,
  NotificationEntity,
  OrganisationEntity,
  ApiKeyEntity,
  IdempotencyRecordEntity,
  DigestSnapshotEntity,
  TestCriterionEntity,
  SelectedPatientEntity,
  ReportFigureEntity,
  RecordCheckEntity,
  DataCheckIssueEntity,
  SignOffDeclarationEntity,
  AppUserEntity,
  SignInTokenEntity,
];
/** Listed by class, not by glob, so the same list works from TypeScript sources (tests) and from dist/. */
export const MIGRATIONS = [
  InitialSchema1764230400000,
  OrganisationsAndKeys1764316800000,
  OrganisationIntegrations1764403200000,
  WeeklyDigest1764500000000,
  DataChecking1764520000000,
  PeopleAndSessions1764530000000,
  IdempotencyFirstStatus1764550000000,
];

/**
 * TypeORM options for a Postgres URL. Schema changes go through migrations only, never `synchronize`. Without
 * settings (migrations, tools) the pool has 10 connections and no time limit per statement.
 */
export function dataSourceOptions(url: string, settings: DatabaseSettings = { poolSize: 10 }): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: pgPoolOptions(settings),
  };
}

/** Runs pending migrations against `url`, with no time limit per statement; returns the names it applied. */
export async function migrateDatabase(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
