import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { idp } from '@idp/workflows';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrateDatabase } from '@idp/persistence';
import { makeOwnedTempDir } from '../../infra/services/temp-dirs';
import { isUnavailable } from '../../apps/api/src/common/error-mapping';
import { startApi, type RunningApi } from '../support/api-process';
import { report } from '../support/idp-steps';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres';
import { createParty, kickoffBody as kickoffBodyOf, type Party } from '../support/parties';
import { exited, spawnApp } from '../support/processes';
import { sessionCookie } from '../support/session-cookie';
import { timedRequest, type TimedAnswer } from '../support/timed-request';
import { eventually } from '../support/worker-harness';

/** The API's DATABASE_QUERY_TIMEOUT_MS here: short, so the test is quick. */
const QUERY_TIMEOUT_MS = 2_000;
/** A request that needs a new connection waits for it this long (libs/persistence, pgPoolOptions). */
const CONNECT_TIMEOUT_MS = 5_000;
/** Slack for a busy machine between the database giving up and the answer arriving. */
const MARGIN_MS = 3_000;

/*
 * Postgres frozen with SIGSTOP, as a hung host or a partition that keeps connections open looks to a client: nothing
 * is refused, nothing answers. A stopped Postgres is postgres-down.e2e.spec.ts; a frozen one must not hang requests
 * or activities either (DATABASE_QUERY_TIMEOUT_MS), and everything carries on once it is continued.
 */
describe('when Postgres freezes under a running API and worker', () => {
  const taskQueue = `pg-frozen-${randomUUID()}`;
  let dir: string;
  let postgres: OwnPostgres;
  let api: RunningApi;
  let worker: ChildProcess | undefined;
  let icb: Party;
  let connection: Connection;
  const workflowIds: string[] = [];

  const request = (method: string, route: string, body?: unknown, headers = icb.auth): Promise<TimedAnswer> =>
    timedRequest(api.baseUrl, method, route, { body, headers, hangAfterMs: CONNECT_TIMEOUT_MS + 4 * MARGIN_MS });
  const kickoff = async () => {
    const answer = await request('POST', '/v1/migrations', kickoffBodyOf(icb.code));
    expect(answer.status).toBe(201);
    const { id } = JSON.parse(answer.text) as { id: string };
    workflowIds.push(`idp-${id}`);
    return id;
  };

  beforeAll(async () => {
    dir = makeOwnedTempDir('idp-pg-frozen-');
    // As root Postgres runs as the postgres user, which must be able to pass through to data/.
    chmodSync(dir, 0o711);
    postgres = await startOwnPostgres(path.join(dir, 'data'));
    await migrateDatabase(postgres.url);
    const db = await new DataSource({ type: 'postgres', url: postgres.url }).initialize();
    try {
      icb = await createParty(db, 'icb', 'QFZ', 'Frozen-Postgres test ICB');
      await db.query('CREATE TABLE frozen_probe (name text NOT NULL)');
    } finally {
      await db.destroy();
    }
    api = await startApi({
      DATABASE_URL: postgres.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
    });
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  });

  afterEach(() => postgres?.thaw());

  afterAll(async () => {
    // Continued before anything else: a frozen Postgres ignores the signal that stops it.
    postgres?.thaw();
    await api?.stop();
    if (worker) {
      worker.kill('SIGTERM');
      await exited(worker);
    }
    if (connection) {
      const client = new Client({ connection });
      for (const id of workflowIds) {
        await client.workflow
          .getHandle(id)
          .terminate('test finished')
          .catch(() => undefined);
      }
      await connection.close();
    }
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives up on a statement within the limit, and never reuses the connection it gave up on', async () => {
    const db = await new DataSource(
      dataSourceOptions(postgres.url, { poolSize: 1, queryTimeoutMs: QUERY_TIMEOUT_MS }),
    ).initialize();
    try {
      // Postgres itself cuts a statement at the limit too.
      expect(await db.query('SHOW statement_timeout')).toEqual([{ statement_timeout: `${QUERY_TIMEOUT_MS / 1000}s` }]);
      const [{ pid: before }] = await db.query('SELECT pg_backend_pid() AS pid');

      const started = Date.now();
      const failure = await db
        .transaction(async (manager) => {
          await manager.query(`INSERT INTO frozen_probe (name) VALUES ('abandoned')`);
          postgres.freeze();
          await manager.query('SELECT 1');
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect((failure as Error)?.message).toBe('Query read timeout');
      expect(isUnavailable(failure)).toBe(true);
      expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + MARGIN_MS);

      postgres.thaw();
      // The one connection of the pool is a new one: the old one, mid-transaction, was closed and rolled back. Kept,
      // it would have run this transaction inside the abandoned one and committed both.
      await db.transaction((manager) => manager.query(`INSERT INTO frozen_probe (name) VALUES ('after')`));
      expect(await db.query('SELECT name FROM frozen_probe ORDER BY name')).toEqual([{ name: 'after' }]);
      const [{ pid: after }] = await db.query('SELECT pg_backend_pid() AS pid');
      expect(after).not.toBe(before);
    } finally {
      postgres.thaw();
      await db.destroy();
    }
  });

  it('answers 503 with Retry-After within the limit, pages say so, and the same API recovers once Postgres is continued', async () => {
    const migrationId = await kickoff();
    // Warm: the API key is verified (and cached), the pools hold open connections to the server about to freeze.
    expect((await request('GET', '/v1/migrations')).status).toBe(200);
    expect((await request('GET', '/portfolio', undefined, { cookie: sessionCookie(randomUUID()) })).status).toBe(303);

    postgres.freeze();

    const unavailable = async (method: string, route: string, body?: unknown, withinMs?: number) => {
      const answer = await request(method, route, body);
      expect({ route, status: answer.status }).toEqual({ route, status: 503 });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 503, title: 'Service temporarily unavailable' });
      // At the statement's limit on a pooled connection; a request that needs a new one waits for the connect timeout.
      expect(answer.took).toBeLessThan((withinMs ?? Math.max(QUERY_TIMEOUT_MS, CONNECT_TIMEOUT_MS)) + MARGIN_MS);
    };
    // The first on a connection the pool already holds: cut at the statement's limit.
    await unavailable('GET', '/v1/migrations', undefined, QUERY_TIMEOUT_MS);
    await unavailable('POST', '/v1/migrations', kickoffBodyOf(icb.code));
    await unavailable('GET', `/v1/migrations/${migrationId}`);
    await unavailable('POST', `/v1/migrations/${migrationId}/milestones/extractRequested`, {});
    await unavailable('GET', `/v1/migrations/${migrationId}/test-criteria`);

    const health = await request('GET', '/health', undefined, {});
    expect(health.status).toBe(503);
    expect(JSON.parse(health.text).details).toMatchObject({ postgres: { status: 'down' }, temporal: { status: 'up' } });
    expect(health.took).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS);

    // People's pages: the page that says so, for a signed-in person and for anyone signing in.
    for (const page of [
      await request('GET', '/portfolio', undefined, { cookie: sessionCookie(randomUUID()) }),
      await request('GET', '/sign-in', undefined, {}),
    ]) {
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('cannot be reached right now');
      expect(page.took).toBeLessThan(CONNECT_TIMEOUT_MS + MARGIN_MS);
    }
    expect(api.process.exitCode).toBeNull();

    postgres.thaw();

    // The same API process, not restarted: its pools drop what they gave up on and connect again.
    await eventually(async () => (await request('GET', '/health', undefined, {})).status === 200, 20_000, 250);
    expect((await request('GET', '/v1/migrations')).status).toBe(200);
    expect((await request('GET', `/v1/migrations/${migrationId}/test-criteria`)).status).toBe(200);
    expect((await request('GET', '/sign-in', undefined, {})).status).toBe(200);
    await kickoff();
  }, 120_000);

  it("fails the worker's activities retryably while frozen, and Temporal's retries land them once it is continued", async () => {
    worker = spawnApp('worker', {
      DATABASE_URL: postgres.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
    });
    const migrationId = await kickoff();
    const events = async () => {
      const answer = await request('GET', `/v1/migrations/${migrationId}/events?pageSize=100`);
      return answer.status === 200 ? (JSON.parse(answer.text).items as { action: string }[]) : [];
    };
    // The worker has taken the kickoff: its activities wrote the audit trail, and none is still running, so the
    // worker's pool holds idle connections to the server about to freeze (it closes them after 10 s unused).
    await eventually(async () => (await events()).length > 0, 30_000, 250);
    const handle: WorkflowHandle<typeof idp> = new Client({ connection }).workflow.getHandle(`idp-${migrationId}`);
    await eventually(async () => ((await handle.describe()).raw.pendingActivities ?? []).length === 0, 30_000, 100);

    postgres.freeze();
    // Straight to Temporal (the API's own checks would meet the frozen database): the update waits for its audit entry.
    const reported = report(handle, 'new-supplier', 'extractRequested');
    const retried = await eventually(
      async () => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        return pending.find((a) => a.activityType?.name === 'appendAudit' && Number(a.attempt) >= 2);
      },
      30_000,
      250,
    );
    // The activity gave up by itself, with an outage it may be retried for: not cut by Temporal's own timeout.
    expect(retried.lastFailure?.timeoutFailureInfo).toBeFalsy();
    expect(retried.lastFailure?.applicationFailureInfo?.nonRetryable ?? false).toBe(false);
    expect(isUnavailable({ message: retried.lastFailure?.message })).toBe(true);
    expect(worker.exitCode).toBeNull();

    postgres.thaw();

    await expect(reported).resolves.toMatchObject({ milestone: 'extractRequested', duplicate: false });
    const reports = (await events()).filter((e) => e.action === 'milestone.reported');
    expect(reports).toHaveLength(1);
  }, 120_000);
});
