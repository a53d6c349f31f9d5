import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A kickoff made with an Idempotency-Key: the same key and body find the same migration again. */
@Entity({ name: 'idempotency_record' })
export class IdempotencyRecordEntity {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint: string;

  @Column({ name: 'migration_id', type: 'uuid' })
  migrationId: string;

  /** The key's first request created the migration (answered 201), or met an identical open one (200). */
  @Column({ name: 'created_migration', type: 'boolean' })
  createdMigration: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
