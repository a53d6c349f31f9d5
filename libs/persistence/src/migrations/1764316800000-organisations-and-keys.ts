import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrganisationsAndKeys1764316800000 implements MigrationInterface {
  name = 'OrganisationsAndKeys1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation (
        id uuid PRIMARY KEY,
        role text NOT NULL CHECK (role IN ('icb', 'delivery-partner', 'supplier', 'practice', 'operator')),
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        webhook_url text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_key_organisation_idx ON api_key (organisation_id)`);
    await q.query(`
      CREATE TABLE idempotency_record (
        organisation_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_fingerprint text NOT NULL,
        migration_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, idempotency_key)
      )`);
    // The delivery partner running a migration day to day: a participant organisation like the others.
    await q.query(`ALTER TABLE migration ADD COLUMN delivery_partner text`);
    await q.query(`CREATE INDEX migration_delivery_partner_idx ON migration (delivery_partner)`);
    await q.query(`CREATE INDEX migration_practice_idx ON migration (practice_ods_code)`);
    // Portfolio lists are newest first within each party's view.
    await q.query(`CREATE INDEX migration_icb_created_idx ON migration (icb_code, created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX migration_icb_created_idx`);
    await q.query(`DROP INDEX migration_practice_idx`);
    await q.query(`DROP INDEX migration_delivery_partner_idx`);
    await q.query(`ALTER TABLE migration DROP COLUMN delivery_partner`);
    await q.query(`DROP TABLE idempotency_record`);
    await q.query(`DROP TABLE api_key`);
    await q.query(`DROP TABLE organisation`);
  }
}
