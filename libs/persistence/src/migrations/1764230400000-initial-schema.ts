import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764230400000 implements MigrationInterface {
  name = 'InitialSchema1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE migration (
        id uuid PRIMARY KEY,
        workflow_id text NOT NULL UNIQUE,
        practice_ods_code text NOT NULL,
        practice_name text NOT NULL,
        icb_code text NOT NULL,
        current_supplier text NOT NULL,
        new_supplier text NOT NULL,
        planned_go_live date NOT NULL,
        forecast_go_live date NOT NULL,
        status text NOT NULL,
        stage text NOT NULL,
        at_risk boolean NOT NULL DEFAULT false,
        overdue_count integer NOT NULL DEFAULT 0,
        round integer NOT NULL DEFAULT 1,
        graph_version integer NOT NULL,
        request_fingerprint text NOT NULL,
        created_by jsonb NOT NULL,
        snapshot jsonb,
        revision integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A practice has at most one IDP in flight: the business key that makes a repeated kickoff find the first one.
    await q.query(
      `CREATE UNIQUE INDEX migration_one_open_per_practice ON migration (practice_ods_code) WHERE status IN ('starting', 'active', 'paused')`,
    );
    await q.query(`CREATE INDEX migration_icb_stage_idx ON migration (icb_code, stage)`);
    await q.query(`CREATE INDEX migration_new_supplier_idx ON migration (new_supplier)`);
    await q.query(`CREATE INDEX migration_current_supplier_idx ON migration (current_supplier)`);
    await q.query(`CREATE INDEX migration_created_idx ON migration (created_at DESC, id)`);
    await q.query(`
      CREATE TABLE milestone (
        migration_id uuid NOT NULL REFERENCES migration (id) ON DELETE CASCADE,
        key text NOT NULL,
        title text NOT NULL,
        phase text NOT NULL,
        owner_role text NOT NULL,
        state text NOT NULL,
        round integer NOT NULL,
        due_at timestamptz,
        completed_at timestamptz,
        PRIMARY KEY (migration_id, key)
      )`);
    await q.query(`CREATE INDEX milestone_state_due_idx ON milestone (state, due_at)`);
    await q.query(`
      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_key text NOT NULL UNIQUE,
        migration_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_role text NOT NULL,
        actor_organisation text NOT NULL,
        actor_name text,
        action text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_event_migration_idx ON audit_event (migration_id, id)`);
    // Append-only: the database itself refuses to change or delete the trail.
    await q.query(`
      CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()`);
    await q.query(`
      CREATE TABLE notification (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        notification_key text NOT NULL UNIQUE,
        migration_id uuid NOT NULL,
        kind text NOT NULL,
        channel text NOT NULL,
        recipient_name text NOT NULL,
        recipient_role text NOT NULL,
        recipient_address text,
        subject text NOT NULL,
        body text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX notification_migration_idx ON notification (migration_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification`);
    await q.query(`DROP TRIGGER audit_event_append_only ON audit_event`);
    await q.query(`DROP FUNCTION audit_event_is_append_only`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP TABLE milestone`);
    await q.query(`DROP TABLE migration`);
  }
}
