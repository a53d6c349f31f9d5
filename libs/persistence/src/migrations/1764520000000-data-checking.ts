import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Data checking: criteria, selected patients (encrypted), report figures, record checks, issues, sign-off. */
export class DataChecking1764520000000 implements MigrationInterface {
  name = 'DataChecking1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE test_criterion (
        id uuid PRIMARY KEY,
        migration_id uuid NOT NULL REFERENCES migration (id) ON DELETE CASCADE,
        code text NOT NULL,
        description text NOT NULL,
        category text NOT NULL,
        patients_to_select integer NOT NULL CHECK (patients_to_select >= 0),
        provided_by_role text NOT NULL,
        provided_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (migration_id, code)
      )`);
    await q.query(`
      CREATE TABLE selected_patient (
        id uuid PRIMARY KEY,
        migration_id uuid NOT NULL REFERENCES migration (id) ON DELETE CASCADE,
        nhs_number_encrypted text NOT NULL,
        nhs_number_lookup text NOT NULL,
        criterion_id uuid REFERENCES test_criterion (id),
        reason text NOT NULL CHECK (reason IN ('criterion', 'random')),
        selected_by_role text NOT NULL,
        selected_by text NOT NULL,
        assisted boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (migration_id, nhs_number_lookup)
      )`);
    await q.query(`
      CREATE TABLE report_figure (
        id uuid PRIMARY KEY,
        migration_id uuid NOT NULL REFERENCES migration (id) ON DELETE CASCADE,
        round integer NOT NULL CHECK (round >= 1),
        figure_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('list-size', 'qof-register', 'target', 'other')),
        code text,
        name text NOT NULL,
        old_value integer CHECK (old_value >= 0),
        new_value integer CHECK (new_value >= 0),
        tolerance integer NOT NULL DEFAULT 0 CHECK (tolerance >= 0),
        old_source text,
        new_source text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (migration_id, round, figure_key)
      )`);
    await q.query(`
      CREATE TABLE record_check (
        id uuid PRIMARY KEY,
        migration_id uuid NOT NULL REFERENCES migration (id) ON DELETE CASCADE,
        patient_id uuid NOT NULL REFERENCES selected_patient (id) ON DELETE CASCADE,
        category text NOT NULL,
        round integer NOT NULL CHECK (round >= 1),
        result text NOT NULL CHECK (result IN ('match', 'mismatch', 'not-applicable')),
        missing boolean NOT NULL DEFAULT false,
        note text,
        checked_by_role text NOT NULL,
        checked_by text NOT NULL,
        checked_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (patient_id, category, round)
      )`);
    await q.query(`CREATE INDEX record_check_migration_idx ON record_check (migration_id, round)`);
    await q.query(`
      CREATE TABLE data_check_issue (
        id uuid PRIMARY KEY,
        migration_id uuid NOT NULL REFERENCES migration (id) ON DELETE CASCADE,
        number integer NOT NULL,
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        category text NOT NULL,
        round integer NOT NULL CHECK (round >= 1),
        status text NOT NULL CHECK (status IN ('open', 'fixed-by-supplier', 're-checked', 'closed')),
        description text NOT NULL,
        supplier_reference text,
        record_check_id uuid UNIQUE REFERENCES record_check (id) ON DELETE SET NULL,
        patient_id uuid REFERENCES selected_patient (id) ON DELETE SET NULL,
        raised_by_role text NOT NULL,
        raised_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (migration_id, number)
      )`);
    await q.query(`
      CREATE TABLE sign_off_declaration (
        migration_id uuid PRIMARY KEY REFERENCES migration (id) ON DELETE CASCADE,
        clinical_lead_name text NOT NULL,
        declaration text NOT NULL,
        accepted_open_issues jsonb NOT NULL DEFAULT '[]'::jsonb,
        not_migrated text,
        note text,
        signed_by text NOT NULL,
        signed_at timestamptz NOT NULL,
        countersigned_by_name text,
        countersigned_by text,
        countersigned_at timestamptz,
        countersign_note text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'sign_off_declaration',
      'data_check_issue',
      'record_check',
      'report_figure',
      'selected_patient',
      'test_criterion',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
