import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The weekly digest: what each organisation was last told about each migration's forecast go-live, and outbox
 * rows about no single migration (the digest itself).
 */
export class WeeklyDigest1764500000000 implements MigrationInterface {
  name = 'WeeklyDigest1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification ALTER COLUMN migration_id DROP NOT NULL`);
    await q.query(`
      CREATE TABLE digest_snapshot (
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        migration_id uuid NOT NULL,
        forecast_go_live date NOT NULL,
        digest_run text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, migration_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE digest_snapshot`);
    await q.query(`DELETE FROM notification WHERE migration_id IS NULL`);
    await q.query(`ALTER TABLE notification ALTER COLUMN migration_id SET NOT NULL`);
  }
}
