import { randomUUID } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { migrateDatabase } from '@idp/persistence';
import { makeOwnedTempDir } from '../../infra/services/temp-dirs';
import { startApi, type RunningApi } from '../support/api-process';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { createParty, kickoffBody as kickoffBodyOf, type Party } from '../support/parties';
import { sessionCookie } from '../support/session-cookie';
import { timedRequest, type TimedAnswer } from '../support/timed-request';
import { eventually } from '../support/worker-harness';

/** An answer that took longer than this is a hang as far as a client is concerned. */
const PROMPT_MS = 10_000;

/*
 * The API against a Postgres of its own that is stopped under it and started again: every kind of request answers
 * 503 with Retry-After (never a 500, never a hang), and the API recovers by itself once Postgres is back.
 */
describe('when Postgres goes down under a running API', () => {
  const taskQueue = `pg-down-${randomUUID()}`;
  let dir: string;
  let postgres: OwnPostgres;
  let api: RunningApi;
  let icb: Party;
  let connection: Connection;
  let migrationId: string;

  const request = (method: string, route: string, body?: unknown, headers = icb.auth): Promise<TimedAnswer> =>
    timedRequest(api.baseUrl, method, route, { body, headers, hangAfterMs: PROMPT_MS * 2 });
  const kickoffBody = () => kickoffBodyOf(icb.code);
  /** Postgres on the same data directory and port, so the API's pool finds it where it was. */
  const startPostgres = (port?: number) => startOwnPostgres(path.join(dir, 'data'), port);

  beforeAll(async () => {
    dir = makeOwnedTempDir('idp-pg-down-');
    // As root Postgres runs as the postgres user, which must be able to pass through to data/.
    chmodSync(dir, 0o711);
    postgres = await startPostgres();
    await migrateDatabase(postgres.url);
    const db = await new DataSource({ type: 'postgres', url: postgres.url }).initialize();
    try {
      icb = await createParty(db, 'icb', 'QPD', 'Postgres-down test ICB');
    } finally {
      await db.destroy();
    }
    api = await startApi({ DATABASE_URL: postgres.url, TEMPORAL_TASK_QUEUE: taskQueue });
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  });

  afterAll(async () => {
    await api?.stop();
    if (migrationId) {
      await new Client({ connection }).workflow
        .getHandle(`idp-${migrationId}`)
        .terminate('test finished')
        .catch(() => undefined);
    }
    await connection?.close();
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After on every kind of route, says so on /health, and recovers when Postgres is back', async () => {
    const kickoff = await request('POST', '/v1/migrations', kickoffBody());
    expect(kickoff.status).toBe(201);
    migrationId = JSON.parse(kickoff.text).id;

    await postgres.stop();

    const unavailable = async (method: string, route: string, body?: unknown) => {
      const answer = await request(method, route, body);
      expect({ route, status: answer.status }).toEqual({ route, status: 503 });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 503, title: 'Service temporarily unavailable' });
      expect(answer.took).toBeLessThan(PROMPT_MS);
    };
    const everyKindOfRoute = async () => {
      await unavailable('POST', '/v1/migrations', kickoffBody());
      await unavailable('GET', '/v1/migrations');
      await unavailable('GET', `/v1/migrations/${migrationId}`);
      await unavailable('POST', `/v1/migrations/${migrationId}/milestones/extractRequested`, {});
      await unavailable('GET', `/v1/migrations/${migrationId}/test-criteria`);
      await unavailable('GET', `/v1/migrations/${migrationId}/figures`);
    };
    // At once, while the API still trusts the key it verified a moment ago: the routes themselves meet Postgres…
    await everyKindOfRoute();

    const health = await request('GET', '/health', undefined, {});
    expect(health.status).toBe(503);
    expect(health.took).toBeLessThan(PROMPT_MS);
    expect(JSON.parse(health.text).details).toMatchObject({ postgres: { status: 'down' }, temporal: { status: 'up' } });

    // People's pages: a plain page that says so, not a stack trace; for a signed-in person and for anyone signing in.
    const pages = [
      await request('GET', '/portfolio', undefined, { cookie: sessionCookie(randomUUID()) }),
      await request('GET', '/sign-in', undefined, {}),
    ];
    expect(pages.map((page) => page.status)).toEqual([503, 503]);
    for (const page of pages) {
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('cannot be reached right now');
      expect(page.text).not.toMatch(/\n\s+at /);
      expect(page.took).toBeLessThan(PROMPT_MS);
    }

    expect(api.process.exitCode).toBeNull();

    // …and once the key's verification has expired (API_KEY_CACHE_SECONDS, 5 s), the key check meets it first.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await everyKindOfRoute();

    postgres = await startPostgres(postgres.port);

    // The same API process, not restarted: its pool connects again.
    await eventually(async () => (await request('GET', '/health', undefined, {})).status === 200, 20_000, 250);
    expect((await request('GET', '/v1/migrations')).status).toBe(200);
    expect((await request('GET', `/v1/migrations/${migrationId}/test-criteria`)).status).toBe(200);
    expect((await request('GET', '/sign-in', undefined, {})).status).toBe(200);
    const again = await request('POST', '/v1/migrations', kickoffBody());
    expect(again.status).toBe(201);
    await new Client({ connection }).workflow.getHandle(`idp-${JSON.parse(again.text).id}`).terminate('test finished');
  });
});
