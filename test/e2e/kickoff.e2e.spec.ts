import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrateDatabase, MIGRATIONS } from '@idp/persistence';
import { call, freePort, startApi, type RunningApi } from '../support/api-process';
import { collect, exited, spawnApp } from '../support/processes';
import { createParty, kickoffBody as kickoffBodyOf, type Party } from '../support/parties';
import { eventually } from '../support/worker-harness';

let icb: Party;
const kickoffBody = (overrides: Record<string, unknown> = {}) => kickoffBodyOf(icb.code, overrides);

describe('the walking skeleton, end to end (built API and worker processes, real Temporal and Postgres)', () => {
  const taskQueue = `e2e-${randomUUID()}`;
  const env = { TEMPORAL_TASK_QUEUE: taskQueue };
  let api: RunningApi;
  let worker: ChildProcess;
  let db: DataSource;
  let connection: Connection;

  beforeAll(async () => {
    worker = spawnApp('worker', env);
    api = await startApi(env);
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
    icb = await createParty(db, 'icb', 'QK1', 'Kickoff test ICB');
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  });
  afterAll(async () => {
    await api?.stop();
    worker?.kill('SIGTERM');
    if (worker) await exited(worker);
    await db?.destroy();
    await connection?.close();
  });

  it('reports Postgres and Temporal separately on /health', async () => {
    const res = await call(api.baseUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.details).toMatchObject({ postgres: { status: 'up' }, temporal: { status: 'up' } });
  });

  it('kicks off a migration: a workflow in Temporal, a row and an audit event in Postgres, live status by query', async () => {
    const body = kickoffBody();
    const res = await call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/migrations/${res.body.id}`);
    expect(res.body.workflowId).toBe(`idp-${res.body.id}`);

    const described = await new Client({ connection }).workflow.getHandle(res.body.workflowId).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.typedSearchAttributes.getAll().map((p) => p.key.name)).toEqual(
      expect.arrayContaining(['IcbCode', 'PracticeOdsCode']),
    );

    const rows = await eventually(async () => {
      const r = await db.query(`SELECT status, practice_ods_code, revision FROM migration WHERE id = $1`, [
        res.body.id,
      ]);
      return r[0]?.status === 'active' && r[0].revision > 0 && r;
    });
    expect(rows[0].practice_ods_code).toBe(body.practiceOdsCode);
    const audit = await eventually(async () => {
      const a = await db.query(`SELECT action, actor_role FROM audit_event WHERE migration_id = $1`, [res.body.id]);
      return a.length > 0 && a;
    });
    expect(audit[0]).toEqual({ action: 'migration.kicked-off', actor_role: 'icb' });

    const detail = await call(api.baseUrl, 'GET', `/v1/migrations/${res.body.id}`, undefined, icb.auth);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: res.body.id,
      source: 'workflow',
      stage: 'preparing',
      status: 'active',
      practiceOdsCode: body.practiceOdsCode,
    });
    expect(detail.body.process.nextActions['new-supplier'].map((a: { milestone: string }) => a.milestone)).toEqual(
      expect.arrayContaining(['extractRequested', 'adminUsersProvisioned', 'trainingScheduled']),
    );
  });

  it('does not start a second workflow for an identical kickoff, and refuses a different one for the same practice', async () => {
    const body = kickoffBody();
    const first = await call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth);
    const again = await call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const count = await db.query(`SELECT count(*)::int AS n FROM migration WHERE practice_ods_code = $1`, [
      body.practiceOdsCode,
    ]);
    expect(count[0].n).toBe(1);
    const other = await call(api.baseUrl, 'POST', '/v1/migrations', { ...body, newSupplier: 'MEDICUS' }, icb.auth);
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.detail).toContain(first.body.id);

    // A refused kickoff keeps no claim on its key: the key still starts the kickoff it is then sent with.
    const refusedKey = { ...icb.auth, 'idempotency-key': `refused-${randomUUID()}` };
    const refused = await call(api.baseUrl, 'POST', '/v1/migrations', { ...body, newSupplier: 'MEDICUS' }, refusedKey);
    expect(refused.body.code).toBe('PracticeHasOpenMigration');
    expect((await call(api.baseUrl, 'POST', '/v1/migrations', kickoffBody(), refusedKey)).status).toBe(201);
  });

  /** Status, id, Location and Idempotent-Replayed of a kickoff's answer. */
  const answer = ({ status, body, headers }: Awaited<ReturnType<typeof call>>) => ({
    status,
    id: body.id,
    location: headers.get('location'),
    replayed: headers.get('idempotent-replayed'),
  });

  it('a replay of an Idempotency-Key answers with the status of the key’s first answer: 201 created, 200 found', async () => {
    // The key's first request created the migration: 201, and so is every replay of it.
    const created = kickoffBody();
    const createdKey = { ...icb.auth, 'idempotency-key': `created-${randomUUID()}` };
    const first = answer(await call(api.baseUrl, 'POST', '/v1/migrations', created, createdKey));
    expect(first).toEqual({ status: 201, id: first.id, location: `/v1/migrations/${first.id}`, replayed: null });
    for (let i = 0; i < 2; i++) {
      const replay = answer(await call(api.baseUrl, 'POST', '/v1/migrations', created, createdKey));
      expect(replay).toEqual({ ...first, replayed: 'true' });
    }

    // The key's first request met an identical open migration made by another request (without a key): 200, and so
    // is every replay of it, while a repeat without the key still answers 200 too.
    const found = kickoffBody();
    const open = answer(await call(api.baseUrl, 'POST', '/v1/migrations', found, icb.auth));
    expect(open.status).toBe(201);
    const foundKey = { ...icb.auth, 'idempotency-key': `found-${randomUUID()}` };
    const keyed = answer(await call(api.baseUrl, 'POST', '/v1/migrations', found, foundKey));
    expect(keyed).toEqual({ status: 200, id: open.id, location: `/v1/migrations/${open.id}`, replayed: null });
    for (let i = 0; i < 2; i++) {
      const replay = answer(await call(api.baseUrl, 'POST', '/v1/migrations', found, foundKey));
      expect(replay).toEqual({ ...keyed, replayed: 'true' });
    }
    expect(answer(await call(api.baseUrl, 'POST', '/v1/migrations', found, icb.auth))).toEqual(keyed);
    // The key on another body is still refused, whichever way its first request went.
    const reused = await call(api.baseUrl, 'POST', '/v1/migrations', { ...found, practiceName: 'Other' }, foundKey);
    expect([reused.status, reused.body.code]).toEqual([409, 'IdempotencyKeyReused']);
  });

  it('a replay that finds the key’s first request still settling its claim answers 200, as that request will', async () => {
    const body = kickoffBody();
    const open = answer(await call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth));
    expect(open.status).toBe(201);
    // What a first request with the key leaves between its statement and settling its claim: a record naming the
    // row it tried to insert, which the open migration kept out.
    const key = `settling-${randomUUID()}`;
    await db.query(
      `INSERT INTO idempotency_record (organisation_id, idempotency_key, request_fingerprint, migration_id,
         created_migration)
       SELECT $1, $2, request_fingerprint, $3, true FROM migration WHERE id = $4`,
      [icb.organisationId, key, randomUUID(), open.id],
    );
    const headers = { ...icb.auth, 'idempotency-key': key };
    const replay = answer(await call(api.baseUrl, 'POST', '/v1/migrations', body, headers));
    expect(replay).toEqual({ status: 200, id: open.id, location: `/v1/migrations/${open.id}`, replayed: 'true' });
    // The replay settled the claim: the key now names the open migration, and later replays answer the same.
    expect(answer(await call(api.baseUrl, 'POST', '/v1/migrations', body, headers))).toEqual(replay);
    const [record] = await db.query(
      `SELECT migration_id, created_migration FROM idempotency_record
        WHERE organisation_id = $1 AND idempotency_key = $2`,
      [icb.organisationId, key],
    );
    expect(record).toEqual({ migration_id: open.id, created_migration: false });
  });

  it('a key recorded before replays kept the first status still replays 201, as it always did', async () => {
    const server = new URL(process.env.DATABASE_URL!);
    const name = `idp_legacy_keys_${randomUUID().slice(0, 8)}`;
    await db.query(`CREATE DATABASE ${name}`);
    server.pathname = `/${name}`;
    const url = server.toString();
    const before = MIGRATIONS.findIndex((m) => m.name === 'IdempotencyFirstStatus1764550000000');
    const legacy = new DataSource({ ...dataSourceOptions(url), migrations: MIGRATIONS.slice(0, before) });
    let legacyApi: RunningApi | undefined;
    try {
      await legacy.initialize();
      await legacy.runMigrations();
      // A key and its migration as the version before wrote them, with this body's fingerprint.
      const body = kickoffBody();
      const made = await call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth);
      const [row] = await db.query(`SELECT request_fingerprint FROM migration WHERE id = $1`, [made.body.id]);
      const party = await createParty(legacy, 'icb', icb.code);
      const id = randomUUID();
      await legacy.query(
        `INSERT INTO migration (id, workflow_id, practice_ods_code, practice_name, icb_code, current_supplier,
           new_supplier, planned_go_live, forecast_go_live, status, stage, graph_version, request_fingerprint, created_by)
         VALUES ($1, $2, $3, 'Legacy', $4, 'EMIS', 'TPP', $5, $5, 'active', 'preparing', 1, $6, '{}')`,
        [id, `idp-${id}`, body.practiceOdsCode, icb.code, body.plannedGoLive, row.request_fingerprint],
      );
      const key = `legacy-${randomUUID()}`;
      await legacy.query(
        `INSERT INTO idempotency_record (organisation_id, idempotency_key, request_fingerprint, migration_id)
         VALUES ($1, $2, $3, $4)`,
        [party.organisationId, key, row.request_fingerprint, id],
      );
      await legacy.destroy();
      await migrateDatabase(url);

      legacyApi = await startApi({ ...env, DATABASE_URL: url });
      const headers = { ...party.auth, 'idempotency-key': key };
      const replay = answer(await call(legacyApi.baseUrl, 'POST', '/v1/migrations', body, headers));
      expect(replay).toEqual({ status: 201, id, location: `/v1/migrations/${id}`, replayed: 'true' });
    } finally {
      await legacyApi?.stop();
      if (legacy.isInitialized) await legacy.destroy();
      await db.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('a kickoff with an Idempotency-Key that met Temporal down starts its workflow when retried with the key', async () => {
    const body = kickoffBody();
    const headers = { ...icb.auth, 'idempotency-key': `retry-${randomUUID()}` };
    const down = await startApi({ ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, false);
    try {
      const refused = await call(down.baseUrl, 'POST', '/v1/migrations', body, headers);
      expect(refused.status).toBe(503);
    } finally {
      await down.stop();
    }
    // The registry row and the key's record were written before the start failed.
    const [row] = await db.query(`SELECT id, status FROM migration WHERE practice_ods_code = $1`, [
      body.practiceOdsCode,
    ]);
    expect(row.status).toBe('starting');

    const retried = await call(api.baseUrl, 'POST', '/v1/migrations', body, headers);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual({ id: row.id, workflowId: `idp-${row.id}`, status: 'active' });
    const described = await new Client({ connection }).workflow.getHandle(retried.body.workflowId).describe();
    expect(described.status.name).toBe('RUNNING');
  });

  /**
   * Sends two kickoffs with one Idempotency-Key so that their statements overlap in Postgres for sure: the first
   * request's row insert waits on an uncommitted open migration of its practice (held by this test) until the
   * second request has either finished or is waiting on the first.
   */
  async function overlappingKickoffs(key: string, [first, second]: Array<Record<string, unknown>>) {
    const headers = { ...icb.auth, 'idempotency-key': key };
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let answers: Array<Promise<Awaited<ReturnType<typeof call>>>> = [];
    try {
      const [{ pid }] = await holder.query(`SELECT pg_backend_pid() AS pid`);
      const held = randomUUID();
      await holder.query(
        `INSERT INTO migration (id, workflow_id, practice_ods_code, practice_name, icb_code, current_supplier,
           new_supplier, planned_go_live, forecast_go_live, status, stage, graph_version, request_fingerprint, created_by)
         VALUES ($1, $2, $3, 'Held', $4, 'EMIS', 'TPP', $5, $5, 'starting', 'preparing', 1, 'held', '{}')`,
        [held, `held-${held}`, first.practiceOdsCode, icb.code, first.plannedGoLive],
      );
      const waitingOn = async (blocker: number) =>
        (await db.query(`SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [blocker]))[0]?.pid;
      answers = [call(api.baseUrl, 'POST', '/v1/migrations', first, headers)];
      const firstPid = await eventually(() => waitingOn(pid), 10_000, 20);
      let secondDone = false;
      answers.push(call(api.baseUrl, 'POST', '/v1/migrations', second, headers).finally(() => (secondDone = true)));
      await eventually(async () => secondDone || (await waitingOn(firstPid)), 10_000, 20);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    return Promise.all(answers);
  }

  it('one Idempotency-Key sent at once for two practices: one kickoff, one 409, and nothing left of the other', async () => {
    const pairs = Array.from({ length: 20 }, (_, i) => ({
      key: `race-${randomUUID()}`,
      bodies: [kickoffBody(), kickoffBody()],
      overlapForSure: i < 5,
    }));
    const answers = await Promise.all([
      // Five pairs whose statements certainly overlap, one after another (each holds its own practice)…
      (async () => {
        const settled = [];
        for (const { key, bodies } of pairs.filter((p) => p.overlapForSure))
          settled.push(await overlappingKickoffs(key, bodies));
        return settled;
      })(),
      // …while fifteen more race freely, all at once.
      Promise.all(
        pairs
          .filter((p) => !p.overlapForSure)
          .map(({ key, bodies }) =>
            Promise.all(
              bodies.map((body) =>
                call(api.baseUrl, 'POST', '/v1/migrations', body, { ...icb.auth, 'idempotency-key': key }),
              ),
            ),
          ),
      ),
    ]).then(([overlapping, free]) => [...overlapping, ...free]);
    for (const pair of answers) {
      expect(pair.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(pair.find((a) => a.status === 409)?.body.code).toBe('IdempotencyKeyReused');
    }
    const ordered = [...pairs.filter((p) => p.overlapForSure), ...pairs.filter((p) => !p.overlapForSure)];
    const losers = ordered.map(({ bodies }, i) => bodies[answers[i][0].status === 201 ? 1 : 0]);
    const winners = ordered.map(({ bodies }, i) => bodies[answers[i][0].status === 201 ? 0 : 1]);
    const [rows] = await db.query(
      `SELECT count(*) FILTER (WHERE practice_ods_code = ANY($1))::int AS winners,
              count(*) FILTER (WHERE practice_ods_code = ANY($2))::int AS losers FROM migration`,
      [winners.map((b) => b.practiceOdsCode), losers.map((b) => b.practiceOdsCode)],
    );
    expect(rows).toEqual({ winners: 20, losers: 0 });
    const practices = (bodies: Array<{ practiceOdsCode: string }>) =>
      `PracticeOdsCode IN (${bodies.map((b) => `'${b.practiceOdsCode}'`).join(', ')})`;
    const temporal = new Client({ connection });
    // Once every winner's workflow is visible, none of the losers' is.
    await eventually(async () => (await temporal.workflow.count(practices(winners))).count === 20);
    expect((await temporal.workflow.count(practices(losers))).count).toBe(0);
    // A refused practice is free: its kickoff without a key starts (a row left 'starting' would refuse it).
    for (const body of losers.slice(0, 5)) {
      const res = await call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth);
      expect(res.status).toBe(201);
    }
  });

  it('one Idempotency-Key sent at once with the same body twice: one migration, both answers name it with one status', async () => {
    const pairs = Array.from({ length: 5 }, () => ({ key: `twice-${randomUUID()}`, body: kickoffBody() }));
    // Five more whose identical migration is already open (made without a key): both answers are 200.
    const found = Array.from({ length: 5 }, () => ({ key: `twice-found-${randomUUID()}`, body: kickoffBody() }));
    const open = await Promise.all(
      found.map(({ body }) => call(api.baseUrl, 'POST', '/v1/migrations', body, icb.auth)),
    );
    expect(open.map((o) => o.status)).toEqual(Array(5).fill(201));
    const answers = await Promise.all(
      [...pairs, ...found].map(({ key, body }) =>
        Promise.all(
          [body, body].map((b) =>
            call(api.baseUrl, 'POST', '/v1/migrations', b, { ...icb.auth, 'idempotency-key': key }),
          ),
        ),
      ),
    );
    for (const [first, second] of answers.slice(0, 5)) {
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).toBe(first.body.id);
    }
    // Exactly one answer of each pair is the replay, whichever request came second.
    for (const pair of answers)
      expect(pair.map((a) => a.headers.get('idempotent-replayed')).sort()).toEqual([null, 'true']);
    for (const [i, [first, second]] of answers.slice(5).entries()) {
      expect([first.status, second.status, first.body.id, second.body.id]).toEqual([
        200,
        200,
        open[i].body.id,
        open[i].body.id,
      ]);
    }
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM migration WHERE practice_ods_code = ANY($1)`, [
      [...pairs, ...found].map((p) => p.body.practiceOdsCode),
    ]);
    expect(n).toBe(10);
  });

  it('answers bad input with 400 and field-level messages', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ practiceOdsCode: 'A8100' }, 'practiceOdsCode'],
      [{ icbCode: 'XYZ' }, 'icbCode'],
      [{ plannedGoLive: '2020-01-06' }, 'plannedGoLive'],
      [{ plannedGoLive: '2027-12-27' }, 'plannedGoLive'],
      [{ plannedGoLive: 'next tuesday' }, 'plannedGoLive'],
      [{ practiceName: '' }, 'practiceName'],
      [{ newSupplier: 'EMIS' }, 'newSupplier'],
      [{ surprise: true }, 'surprise'],
      [{ participants: [{ name: 'A', organisation: 'B', role: 'boss' }] }, 'participants[0].role'],
      [{ timeScale: { workingDayMs: 1000 } }, 'timeScale'],
    ];
    for (const [override, field] of cases) {
      const res = await call(api.baseUrl, 'POST', '/v1/migrations', kickoffBody(override), icb.auth);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const notJson = await call(api.baseUrl, 'POST', '/v1/migrations', '{"practiceOdsCode": ', {
      'content-type': 'application/json',
      ...icb.auth,
    });
    expect(notJson.status).toBe(400);
    const missing = await call(api.baseUrl, 'POST', '/v1/migrations', {}, icb.auth);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining([
        'practiceOdsCode',
        'practiceName',
        'icbCode',
        'currentSupplier',
        'newSupplier',
        'plannedGoLive',
      ]),
    );
    expect((await call(api.baseUrl, 'GET', '/v1/migrations/not-a-uuid', undefined, icb.auth)).status).toBe(400);
    expect((await call(api.baseUrl, 'GET', `/v1/migrations/${randomUUID()}`, undefined, icb.auth)).status).toBe(404);
  });

  it('serves the OpenAPI document', async () => {
    const res = await call(api.baseUrl, 'GET', '/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/migrations', '/v1/migrations/{id}', '/health']),
    );
    // Either success of a kickoff can be a replay of an Idempotency-Key, so both name its headers.
    const kickoff = res.body.paths['/v1/migrations'].post.responses;
    for (const status of ['200', '201']) {
      expect({ status, headers: Object.keys(kickoff[status].headers) }).toEqual({
        status,
        headers: ['Location', 'Idempotent-Replayed'],
      });
    }
  });
});

describe('when a dependency is missing', () => {
  it('the API reports Temporal down on /health and answers a kickoff with 503 and Retry-After', async () => {
    const api = await startApi({ TEMPORAL_ADDRESS: '127.0.0.1:1' }, false);
    try {
      const health = await call(api.baseUrl, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.details).toMatchObject({ postgres: { status: 'up' }, temporal: { status: 'down' } });
      const res = await call(api.baseUrl, 'POST', '/v1/migrations', kickoffBody(), icb.auth);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await api.stop();
    }
  });

  it('a wrong DATABASE_URL stops the API with a clear message, not a stack trace', async () => {
    const child = spawnApp('api', {
      DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/idp',
      PORT: String(await freePort()),
    });
    const output = collect(child);
    expect(await exited(child)).toBe(1);
    expect(output.out()).toContain('api could not start');
    expect(output.out()).toContain('DATABASE_URL');
    expect(output.out()).not.toContain('secret');
    expect(output.out()).not.toMatch(/\n\s+at /);
  });

  it('an unreachable Temporal stops the worker with a clear message', async () => {
    const child = spawnApp('worker', { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    const output = collect(child);
    expect(await exited(child)).toBe(1);
    expect(output.out()).toContain('worker could not start: cannot reach the Temporal server at 127.0.0.1:1');
  });

  it('a malformed variable stops the process naming it', async () => {
    const child = spawnApp('api', { PORT: 'eighty', TEMPORAL_ADDRESS: 'no-port' });
    const output = collect(child);
    expect(await exited(child)).toBe(1);
    expect(output.out()).toContain('PORT must be an integer');
    expect(output.out()).toContain('TEMPORAL_ADDRESS must be host:port');
  });
});
