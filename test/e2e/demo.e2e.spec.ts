import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { migrateDatabase } from '@idp/persistence';
import { startApi, type RunningApi } from '../support/api-process';
import { built, collect, exited, spawnApp } from '../support/processes';

/*
 * What a newcomer runs: the demo seed of `npm start` (organisations, sandbox suppliers, people) and `npm run demo`
 * against the built API and worker. The demo must bring its three migrations to sign-off by itself: one on time,
 * one with a late supplier (overdue notices and escalations go out), one whose first data-check round fails on
 * the practice's record checks. It gets a database of its own: the demo's fixed codes (QHG, Y90001…) must not meet
 * other test files' organisations.
 */

let api: RunningApi;
let worker: ChildProcess;
let db: DataSource;
let demoDatabaseUrl: string;
const databaseName = `demo_${randomBytes(4).toString('hex')}`;

function runNode(entry: string, env: Record<string, string>): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [built(entry)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, out: collect(child).out };
}

beforeAll(async () => {
  const admin = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.destroy();
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${databaseName}`;
  const env = { DATABASE_URL: url.toString(), TEMPORAL_TASK_QUEUE: `e2e-demo-${randomUUID()}` };
  await migrateDatabase(env.DATABASE_URL);
  api = await startApi({ ...env, ALLOW_COMPRESSED_TIME: 'true' });
  worker = spawnApp('worker', { ...env, SANDBOX_API_URL: api.baseUrl });
  db = await new DataSource({ type: 'postgres', url: env.DATABASE_URL }).initialize();
  demoDatabaseUrl = env.DATABASE_URL;
});

afterAll(async () => {
  worker?.kill('SIGTERM');
  if (worker) await exited(worker);
  await api?.stop();
  await db?.destroy();
});

it('seeds the demo cast, then runs three migrations to sign-off: on time, late, and a failed round', async () => {
  const env = { DATABASE_URL: demoDatabaseUrl };
  const seed = runNode('infra/demo/seed.js', env);
  expect(await exited(seed.child)).toBe(0);
  expect(seed.out()).toContain('Sign in to the pages as');
  expect(seed.out()).toMatch(/QHG\s+idp_[0-9a-f]{12}_/); // keys shown on the first seed only
  const again = runNode('infra/demo/seed.js', env);
  expect(await exited(again.child)).toBe(0);
  expect(again.out()).not.toMatch(/idp_[0-9a-f]{12}_/);

  const demo = runNode('infra/demo/run.js', {
    ...env,
    DEMO_API_URL: `${api.baseUrl}/v1`,
    DEMO_WORKING_DAY_MS: '1500',
  });
  const code = await exited(demo.child);
  const out = demo.out();
  if (code !== 0) throw new Error(`npm run demo exited with ${code}:\n${out.split('\n').slice(-20).join('\n')}`);
  expect(out.match(/signed-off; forecast go-live/g)).toHaveLength(3);
  expect(out).toMatch(/Canal Street Health Centre\s+round 1 failed/);
  expect(out).toMatch(/Canal Street Health Centre\s+round 2 passed/);

  const sent: Array<{ practice: string; kind: string }> = await db.query(
    `SELECT m.practice_name AS practice, n.kind FROM notification n JOIN migration m ON m.id = n.migration_id`,
  );
  const kindsFor = (practice: string) => new Set(sent.filter((n) => n.practice === practice).map((n) => n.kind));
  expect([...kindsFor('Hillview Medical Centre')]).toEqual(expect.arrayContaining(['overdue', 'escalation']));
  const stages: Array<{ stage: string }> = await db.query(`SELECT stage FROM migration`);
  expect(stages.map((s) => s.stage)).toEqual(['signed-off', 'signed-off', 'signed-off']);
  const countersigned: Array<{ n: string }> = await db.query(
    `SELECT count(*) AS n FROM audit_event WHERE action = 'data-check.countersigned'`,
  );
  expect(Number(countersigned[0]!.n)).toBe(3);
}, 300_000);
