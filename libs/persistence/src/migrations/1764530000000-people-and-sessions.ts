import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People who sign in to the pages: users of an organisation, emailed sign-in links, and their sessions. */
export class PeopleAndSessions1764530000000 implements MigrationInterface {
  name = 'PeopleAndSessions1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE CHECK (email = lower(email)),
        name text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_signed_in_at timestamptz
      )`);
    await q.query(`CREATE INDEX app_user_organisation_idx ON app_user (organisation_id)`);
    await q.query(`
      CREATE TABLE sign_in_token (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sign_in_token_expires_idx ON sign_in_token (expires_at)`);
    // The table connect-pg-simple expects (its own table.sql), made here rather than at runtime.
    await q.query(`
      CREATE TABLE user_session (
        sid varchar NOT NULL PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await q.query(`CREATE INDEX user_session_expire_idx ON user_session (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_session`);
    await q.query(`DROP TABLE sign_in_token`);
    await q.query(`DROP TABLE app_user`);
  }
}
