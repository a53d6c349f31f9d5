import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { migrateDatabase } from '@idp/persistence';
import { call, startApi, type RunningApi } from '../support/api-process';
import { exited, REPO, spawnApp } from '../support/processes';
import { createParty, kickoffFor, seedParties, type Parties, type Party } from '../support/parties';
import { eventually } from '../support/worker-harness';

/*
 * Schemathesis (pinned, from PyPI, cached in .tools/) fuzzes the built API through its own OpenAPI document
 * (/docs-json): every operation, with valid and invalid inputs, each by the key of an organisation allowed to call
 * it. The test fails on any 5xx and on any response whose status, content type, headers or body the document
 * does not describe. The API and worker get a database of their own: the fuzzer registers organisations, revokes
 * keys and cancels migrations, which must not reach the other test files running alongside.
 *
 * SCHEMATHESIS_MAX_EXAMPLES (default 25) and SCHEMATHESIS_SEED tune a run; SCHEMATHESIS points at another binary.
 */

const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 25);
const RUN_TIMEOUT_MS = 240_000;
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
];
const OPERATOR_KEY = `operator-${randomBytes(24).toString('hex')}`;
const ARTIFACTS = join(REPO, 'test-artifacts', 'schemathesis');

/** The schemathesis (or installer) process running now, killed if the tests end early. */
let running: ChildProcess | undefined;

interface Finished {
  code: number | null;
  output: string;
}

/** Runs a command to the end (or kills it after `timeoutMs`), with stdout and stderr interleaved. */
function run(command: string, args: string[], options: { cwd?: string; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    let output = '';
    const append = (d: Buffer) => {
      output += d.toString();
      if (process.env.TEST_VERBOSE) process.stderr.write(d);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running = undefined;
      resolve({ code, output });
    });
  });
}

/** The pinned schemathesis CLI, installed into .tools/schemathesis on first use (about 20–40 s). */
async function provisionSchemathesis(): Promise<string> {
  const { code, output } = await run('bash', [join(REPO, 'infra', 'schemathesis.sh')], { timeoutMs: 240_000 });
  const path = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !path.startsWith('/')) throw new Error(`infra/schemathesis.sh failed (exit ${code}):\n${output}`);
  return path;
}

/** A fresh database on the test Postgres server, migrated; its URL. */
async function privateDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL!;
  const name = `idp_schemathesis_${randomBytes(4).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url: serverUrl }).initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.destroy();
    },
  };
}

const bearer = (key: string) => `Bearer ${key}`;

describe('schemathesis against the running API', () => {
  let st: string;
  let database: Awaited<ReturnType<typeof privateDatabase>>;
  let db: DataSource;
  let api: RunningApi;
  let worker: ChildProcess;
  let parties: Parties;
  let workDir: string;
  /** The migration most operations act on, one the cancel operation may cancel, one that is paused. */
  const migrations: Record<'main' | 'toCancel' | 'paused', string> = { main: '', toCancel: '', paused: '' };
  let revocableKeyId: string;

  const send = (who: Party | string, method: string, path: string, body?: unknown) =>
    call(api.baseUrl, method, `/v1${path}`, body, {
      authorization: typeof who === 'string' ? bearer(who) : who.auth.authorization,
    });

  async function kickoff(practice: Party, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await send(parties.icb, 'POST', '/migrations', {
      ...kickoffFor(parties, { practiceOdsCode: practice.code, ...overrides }),
      participants: [
        { name: 'Pat Khan', organisation: 'Riverside Surgery', role: 'practice', email: 'pat@example.nhs.uk' },
        { name: 'Nia New', organisation: parties.newSupplier.name, role: 'new-supplier', phone: '+447700900123' },
      ],
    });
    if (res.status !== 201) throw new Error(`kickoff answered ${res.status}: ${JSON.stringify(res.body)}`);
    const id = res.body.id as string;
    await eventually(async () => (await send(parties.icb, 'GET', `/migrations/${id}`)).body?.source === 'workflow');
    return id;
  }

  beforeAll(async () => {
    [st, database] = await Promise.all([provisionSchemathesis(), privateDatabase()]);
    const env = {
      DATABASE_URL: database.url,
      TEMPORAL_TASK_QUEUE: `e2e-schemathesis-${randomUUID()}`,
      OPERATOR_API_KEY: OPERATOR_KEY,
      RATE_LIMIT_PER_MINUTE: '1000000',
    };
    worker = spawnApp('worker', env);
    api = await startApi(env);
    db = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    parties = await seedParties(db);

    // Data for the GETs to show: a migration under way (two milestones done), one paused, one to cancel.
    migrations.main = await kickoff(parties.practice);
    for (const [milestone, payload] of [
      ['extractRequested', { evidence: 'MESH 1f6c' }],
      ['adminUsersProvisioned', { adminUsers: [{ name: 'Ada Admin', email: 'ada@example.nhs.uk' }] }],
    ] as const) {
      const res = await send(parties.newSupplier, 'POST', `/migrations/${migrations.main}/milestones/${milestone}`, {
        ...payload,
      });
      if (res.status !== 200) throw new Error(`${milestone} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    migrations.toCancel = await kickoff(parties.otherPractice);
    const third = await createParty(db, 'practice', 'Z99999', 'Paused Surgery');
    migrations.paused = await kickoff(third, { optionalMilestones: ['subsidiaryExtractDelivered'] });
    const paused = await send(parties.icb, 'POST', `/migrations/${migrations.paused}/pause`, { reason: 'Merger' });
    if (paused.status !== 200) throw new Error(`pause answered ${paused.status}: ${JSON.stringify(paused.body)}`);

    // A key nobody uses, for DELETE /v1/api-keys/{keyId} to revoke.
    const spare = await createParty(db, 'supplier', 'SPARE-KEYS');
    [{ id: revocableKeyId }] = await db.query(`SELECT id FROM api_key WHERE prefix = $1`, [spare.key.split('_')[1]]);

    workDir = mkdtempSync(join(tmpdir(), 'idp-schemathesis-'));
  }, 300_000);

  afterAll(async () => {
    running?.kill('SIGKILL');
    await api?.stop();
    worker?.kill('SIGTERM');
    if (worker) await exited(worker);
    await db?.destroy();
    await database?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'finds no server error and no response the OpenAPI document does not describe',
    async () => {
      // Each operation with the key of an organisation that may call it, so tests reach past the access checks.
      // Path ids point at the seeded data; the fuzzer also reuses ids it sees in responses.
      const config = `
headers = { Authorization = "${bearer(parties.icb.key)}" }

[parameters]
"path.id" = "${migrations.main}"
"path.idOrCode" = "${parties.otherSupplier.code}"
"path.keyId" = "${revocableKeyId}"

[[operations]]
include-path = "/v1/migrations"
include-method = "POST"
parameters = { "body.icbCode" = "${parties.icb.code}" }

[[operations]]
include-path = "/v1/migrations/{id}/cancel"
parameters = { "path.id" = "${migrations.toCancel}" }
phases = { fuzzing = { enabled = false }, stateful = { enabled = false } }

[[operations]]
include-path = "/v1/api-keys/{keyId}"
phases = { fuzzing = { enabled = false }, stateful = { enabled = false } }

[[operations]]
include-path-regex = "/milestones/"
headers = { Authorization = "${bearer(parties.newSupplier.key)}" }

[[operations]]
include-path-regex = "/(rounds/current/outcome|sign-off)$"
headers = { Authorization = "${bearer(parties.practice.key)}" }

[[operations]]
include-tag = "administration"
headers = { Authorization = "${bearer(OPERATOR_KEY)}" }
`;
      const configFile = join(workDir, 'schemathesis.toml');
      writeFileSync(configFile, config, { mode: 0o600 });
      mkdirSync(ARTIFACTS, { recursive: true });
      const args = [
        '--config-file',
        configFile,
        'run',
        `${api.baseUrl}/docs-json`,
        '--checks',
        CHECKS.join(','),
        '--max-examples',
        String(MAX_EXAMPLES),
        '--workers',
        '2',
        '--request-timeout',
        '15',
        '--generation-database',
        ':memory:',
        '--report',
        'junit',
        '--report-junit-path',
        join(ARTIFACTS, 'junit.xml'),
        '--no-color',
        ...(process.env.SCHEMATHESIS_SEED ? ['--seed', process.env.SCHEMATHESIS_SEED] : []),
      ];
      const started = Date.now();
      const { code, output } = await run(st, args, { cwd: workDir, timeoutMs: RUN_TIMEOUT_MS });
      if (process.env.TEST_VERBOSE) process.stderr.write(`[schemathesis] ${Date.now() - started} ms\n`);
      if (code !== 0) throw new Error(`schemathesis exited with ${code}:\n\n${output}`);
      expect(output).toMatch(/\d+ passed/);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
