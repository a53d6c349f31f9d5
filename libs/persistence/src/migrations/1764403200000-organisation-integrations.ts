import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How the installation reaches an organisation: webhook signing secret, supplier adapter, contact address. */
export class OrganisationIntegrations1764403200000 implements MigrationInterface {
  name = 'OrganisationIntegrations1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisation ADD COLUMN webhook_secret_encrypted text`);
    await q.query(`
      ALTER TABLE organisation ADD COLUMN supplier_adapter text NOT NULL DEFAULT 'none'
        CHECK (supplier_adapter IN ('none', 'webhook', 'sandbox'))`);
    await q.query(`ALTER TABLE organisation ADD COLUMN adapter_settings jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE organisation ADD COLUMN contact_email text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisation DROP COLUMN contact_email`);
    await q.query(`ALTER TABLE organisation DROP COLUMN adapter_settings`);
    await q.query(`ALTER TABLE organisation DROP COLUMN supplier_adapter`);
    await q.query(`ALTER TABLE organisation DROP COLUMN webhook_secret_encrypted`);
  }
}
