import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an Idempotency-Key's first kickoff created the migration (201) or met an identical open one (200), so a
 * replay answers with the first answer's status. Keys recorded before this are taken as created: until now every
 * replay of them answered 201, and keeping that answer means no client sees a key's replay status change. The
 * default stays: during a rolling update the previous version's pods still insert records without the column.
 * This version always sets it.
 */
export class IdempotencyFirstStatus1764550000000 implements MigrationInterface {
  name = 'IdempotencyFirstStatus1764550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_record ADD COLUMN created_migration boolean NOT NULL DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_record DROP COLUMN created_migration`);
  }
}
