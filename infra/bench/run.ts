/**
 * `npm run bench`: measures the API against the Temporal client it wraps, and the portfolio list, on throwaway
 * embedded servers of this machine, and writes the figures to docs/benchmarks.md. A measurement, not a test.
 *
 *   Postgres + Temporal dev server (throwaway) → migrations → built worker and API as child processes → seed
 *   → 1. kickoff throughput: POST /v1/migrations vs client.workflow.start, same server, queue and concurrency
 *   → 2. milestone report latency: POST /v1/migrations/:id/milestones/extractRequested vs handle.executeUpdate
 *   → 3. GET /v1/migrations latency with 10,000 more migrations in the read model
 *   → report; everything started here is stopped, also on error or Ctrl-C.
 *
 * Sizes come from BENCH_* variables (see `config` below); BENCH_OUT writes the report elsewhere. The smallest sizes
 * (and BENCH_ROUND_TRIPS=0, which skips the one part that has to wait for Postgres' statistics) make the smoke run
 * of test/e2e/bench-smoke.e2e.spec.ts. When anything fails it stops what it started and exits 1, its last line saying
 * why; when the API or the worker exits early, that is at once, with the reason the process gave.
 */
import { generateEncryptionKey } from '@idp/security';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowIdConflictPolicy } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { addWorkingDays, CURRENT_GRAPH_VERSION, DEFAULT_POLICY, londonDateOf, type KickoffDetails } from '@idp/domain';
import { dataSourceOptions, migrateDatabase } from '@idp/persistence';
import { idpWorkflowId, IdpSearchAttributes } from '@idp/temporal';
import { reportMilestoneUpdate, type IdpWorkflowInput } from '@idp/workflows/idp/messages';
import { generateApiKey } from '../../apps/api/src/auth/api-key';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../services/embedded-postgres';
import { freePort } from '../services/ports';
import { forEachLine, OutputTail, repoRoot, sleep, stopChild, withParentDeathSignal } from '../services/process';
import { makeOwnedTempDir, sweepOwnedTempDirs } from '../services/temp-dirs';
import { startTemporalDevServer, type TemporalDevServer } from '../services/temporal-dev-server';
import {
  renderReport,
  roundRatios,
  type BenchResults,
  type LadderStep,
  type ListCase,
  type PerKickoffStep,
  type ThroughputRound,
} from './report';
import {
  bootstrapPercentileRatio,
  cpuDelta,
  HttpClient,
  machineInfo,
  median,
  msSince,
  prng,
  readCpu,
  runPool,
  stats,
  type CpuReading,
} from './support';

const ROOT = repoRoot();
const DIST = path.join(ROOT, 'dist');

function intEnv(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${name}=${raw} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}

function serversEnv(): 'durable' | 'throwaway' {
  const raw = process.env.BENCH_SERVERS || 'durable';
  if (raw !== 'durable' && raw !== 'throwaway') throw new Error(`BENCH_SERVERS=${raw} must be durable or throwaway`);
  return raw;
}

const config = {
  kickoffs: intEnv('BENCH_KICKOFFS', 600),
  concurrency: intEnv('BENCH_CONCURRENCY', 50),
  rounds: intEnv('BENCH_ROUNDS', 6),
  warmup: intEnv('BENCH_WARMUP', 50),
  reports: intEnv('BENCH_REPORTS', 1000),
  reportWarmup: intEnv('BENCH_REPORT_WARMUP', 20),
  /** Pause before each report, so it does not land on the previous report's background work (default 0: back to back). */
  reportGapMs:
    process.env.BENCH_REPORT_GAP_MS && process.env.BENCH_REPORT_GAP_MS !== '0' ? intEnv('BENCH_REPORT_GAP_MS', 0) : 0,
  listRows: intEnv('BENCH_LIST_ROWS', 10_000),
  listRequests: intEnv('BENCH_LIST_REQUESTS', 200),
  /** Requests per step of the API CPU ladder, after a fifth as many to warm up. */
  ladderRequests: intEnv('BENCH_LADDER_REQUESTS', 500),
  /** Kickoffs per step of the round-trip count; 0 skips it and its three 11 s waits for pg_stat_database. */
  roundTrips: intEnv('BENCH_ROUND_TRIPS', 300, { allowZero: true }),
  out: process.env.BENCH_OUT || path.join(ROOT, 'docs', 'benchmarks.md'),
  /** Other concurrencies to run the kickoff rounds at, for the record. */
  sweep: (process.env.BENCH_CONCURRENCY_SWEEP ?? '10')
    .split(',')
    .filter(Boolean)
    .map((x) => {
      const value = Number(x);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_CONCURRENCY_SWEEP: ${x} is not a concurrency`);
      return value;
    }),
  /** Run the worker during the kickoff rounds too (it then works through each round's backlog before the next). */
  workerDuringKickoffs: process.env.BENCH_WORKER_DURING_KICKOFFS === '1',
  /**
   * How the embedded servers run: `durable` as `npm start` runs them (Temporal's state in a SQLite file, Postgres
   * with fsync on), or `throwaway` as the tests run them (Temporal in memory, Postgres without fsync).
   */
  servers: serversEnv(),
  /**
   * Rounds of the same kickoff comparison on the other kind of servers (throwaway when the main run is durable),
   * run first in a child run of this script; 0 skips it.
   */
  otherServersRounds: intEnv('BENCH_OTHER_SERVERS_ROUNDS', 6, { allowZero: true }),
  /** `kickoffs`: only the kickoff rounds, their figures written as JSON to BENCH_RESULTS_JSON (the child run above). */
  kickoffsOnly: process.env.BENCH_PARTS === 'kickoffs',
  resultsJson: process.env.BENCH_RESULTS_JSON,
  /** Extra Node flags for the API process, for profiling (e.g. `--prof`, `--cpu-prof`). */
  apiNodeArgs: (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
  /** Environment for the API and worker on top of the benchmark's (e.g. DATABASE_POOL_SIZE=20). */
  appEnv: Object.fromEntries(
    (process.env.BENCH_APP_ENV ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ) as Record<string, string>,
};

/** The kickoff rounds' figures: medians over rounds, CPU summed per side. */
function summariseKickoffs(
  rounds: ThroughputRound[],
  sweep: Array<{ concurrency: number; rounds: ThroughputRound[] }>,
  ladder: LadderStep[],
  perKickoff: PerKickoffStep[],
): BenchResults['throughput'] {
  const side = (rs: ThroughputRound[], name: 'api' | 'client') => rs.filter((r) => r.side === name);

  const idleCores = (x: ThroughputRound) => Math.max(0, os.cpus().length - (x.cpu.machine ?? NaN) / (x.wallMs / 1000));
  const sumCpu = (rs: ThroughputRound[]): CpuReading =>
    rs.reduce<CpuReading>((acc, r) => {
      for (const [k, v] of Object.entries(r.cpu)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {});
  return {
    rounds,
    apiPerSecond: median(side(rounds, 'api').map((r) => r.perSecond)),
    clientPerSecond: median(side(rounds, 'client').map((r) => r.perSecond)),
    ratio: median(roundRatios(rounds)),
    apiCpu: sumCpu(side(rounds, 'api')),
    clientCpu: sumCpu(side(rounds, 'client')),
    apiWallMs: side(rounds, 'api').reduce((s, r) => s + r.wallMs, 0),
    clientWallMs: side(rounds, 'client').reduce((s, r) => s + r.wallMs, 0),
    ladder,
    perKickoff,
    sweep: sweep.map(({ concurrency, rounds: rs }) => ({
      concurrency,
      apiPerSecond: median(side(rs, 'api').map((x) => x.perSecond)),
      clientPerSecond: median(side(rs, 'client').map((x) => x.perSecond)),
      ratio: median(roundRatios(rs)),
      kickoffs: rs[0]?.kickoffs ?? 0,
      apiP50: median(side(rs, 'api').map((x) => x.latency.p50)),
      clientP50: median(side(rs, 'client').map((x) => x.latency.p50)),
      apiIdleCores: median(side(rs, 'api').map((x) => idleCores(x))),
      clientIdleCores: median(side(rs, 'client').map((x) => idleCores(x))),
    })),
  };
}

/**
 * The kickoff rounds on the other kind of servers, in a child run of this script (its own servers, API and
 * ports), before this run starts its own: one report then holds both.
 */
async function kickoffsOnOtherServers(stopOnExit: Array<() => Promise<void>>): Promise<BenchResults['otherServers']> {
  if (config.otherServersRounds === 0 || config.kickoffsOnly) return undefined;
  const servers = config.servers === 'durable' ? 'throwaway' : 'durable';
  const scratch = makeOwnedTempDir('idp-bench-other-');
  const json = path.join(scratch, 'kickoffs.json');
  try {
    // Ended by the kernel too if this run dies without stopping it (SIGKILL, a CI timeout).
    const wrapped = withParentDeathSignal(process.execPath, [__filename], 'TERM');
    const child = spawn(wrapped.command, wrapped.args, {
      env: {
        ...process.env,
        BENCH_SERVERS: servers,
        BENCH_PARTS: 'kickoffs',
        BENCH_RESULTS_JSON: json,
        BENCH_ROUNDS: String(config.otherServersRounds),
        BENCH_CONCURRENCY_SWEEP: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    log(`kickoff rounds on ${servers} servers first, in a child run (pid ${child.pid})`);
    // Stopped with everything else on Ctrl-C; it stops its own servers.
    // Its own shutdown stops an API, a worker, Temporal and Postgres one after another: give it the time.
    stopOnExit.push(() => stopChild(child, { name: `the child run on ${servers} servers`, graceMs: 60_000 }));
    let why = '';
    forEachLine(child.stderr!, (line) => {
      process.stderr.write(`  [${servers}] ${line}\n`);
      why = /\] failed: (.*)$/.exec(line)?.[1] ?? why;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Its reason as this run's own, in one line (a service that could not start fails both runs alike).
    if (code !== 0) throw new ServiceExited(`${why || `exit ${code}`} (in the child run on ${servers} servers)`);
    return JSON.parse(readFileSync(json, 'utf8')) as BenchResults['otherServers'];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const began = Date.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

/** The ICB that kicks off every benchmark migration, and the suppliers of those migrations. */
const KICKOFF_ICB = 'QBN';
const CURRENT_SUPPLIER = 'EMIS';
const NEW_SUPPLIER = 'TPP';

// ---------------------------------------------------------------------------------------------------------------
// Processes

interface Service {
  name: string;
  pid: number;
  stop(): Promise<void>;
}

/** An API or worker that ended before the benchmark stopped it; the message says why in one line. */
class ServiceExited extends Error {}

/**
 * Why a service ended, in one line: its own "could not start" message (with the variables to fix, which it
 * prints on the lines below) when it printed one, else its last line of output.
 */
function exitReason(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  const start = lines.map((line) => line.includes(' could not start: ')).lastIndexOf(true);
  const reason = start >= 0 ? lines.slice(start).join(' ') : (lines[lines.length - 1] ?? '');
  return reason.length > 500 ? `${reason.slice(0, 500)}…` : reason || 'no output';
}

/**
 * Runs a built entry point (API or worker) as a child tied to our lifetime. If it ends before `stop()`,
 * `onExit` gets a ServiceExited, once its output has been read to the end.
 */
function startNodeService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  onExit: (error: ServiceExited) => void,
  nodeArgs: string[] = [],
): Service & { child: ChildProcess } {
  const file = path.join(DIST, entry);
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first`);
  const wrapped = withParentDeathSignal(process.execPath, [...nodeArgs, file], 'TERM');
  const child = spawn(wrapped.command, wrapped.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new OutputTail(30);
  let stopping = false;
  const onLine = (line: string) => {
    tail.push(`${line}\n`);
    // warn and above only (LOG_LEVEL=warn): worth seeing while the benchmark runs.
    if (!stopping) process.stderr.write(`[${name}] ${line}\n`);
  };
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, onLine);
  // 'close' rather than 'exit': it comes after the last of the output, which holds the reason.
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
    if (stopping) return;
    const how = code === null ? `signal ${signal}` : `code ${code}`;
    onExit(new ServiceExited(`the ${name} exited (${how}): ${exitReason(tail.toString())}`));
  });
  return {
    name,
    child,
    pid: child.pid ?? -1,
    stop: async () => {
      stopping = true;
      await stopChild(child, { signal: 'SIGTERM', graceMs: 10_000, name });
    },
  };
}

/** Polls /health; an API that exits meanwhile is reported by its ServiceExited, with the reason. */
async function waitForHealth(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(`${baseUrl}/health did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding

interface Party {
  code: string;
  name: string;
  auth: Record<string, string>;
}

/** An organisation and a fresh API key, straight in Postgres (as test/support/parties.ts does). */
async function createParty(db: DataSource, role: string, code: string, name: string): Promise<Party> {
  const id = randomUUID();
  await db.query(`INSERT INTO organisation (id, role, code, name) VALUES ($1, $2, $3, $4)`, [id, role, code, name]);
  const { key, prefix, secretHash } = generateApiKey();
  await db.query(
    `INSERT INTO api_key (id, organisation_id, prefix, secret_hash, label) VALUES ($1, $2, $3, $4, 'bench')`,
    [randomUUID(), id, prefix, secretHash],
  );
  return { code, name, auth: { authorization: `Bearer ${key}` } };
}

function pick<T>(random: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let x = random() * total;
  for (const [item, weight] of items) {
    x -= weight;
    if (x < 0) return item;
  }
  return items[items.length - 1][0];
}

/** 20 ICBs of England, the largest with ~5× the migrations of the smallest (as practice counts vary). */
const PORTFOLIO_ICBS = [
  'QHM',
  'QE1',
  'QF7',
  'QGH',
  'QH8',
  'QHG',
  'QHL',
  'QJ2',
  'QJG',
  'QJK',
  'QJM',
  'QK1',
  'QKK',
  'QKS',
  'QM7',
  'QMF',
  'QMJ',
  'QMM',
  'QNC',
  'QNQ',
];
const SUPPLIERS = [
  ['EMIS', 40],
  ['TPP', 30],
  ['VISION', 10],
  ['MICROTEST', 8],
  ['MEDICUS', 7],
  ['BETTER', 5],
] as const;
const STAGE_WEIGHTS = [
  ['preparing', 35],
  ['data-checking', 30],
  ['awaiting-sign-off', 10],
  ['signed-off', 20],
  ['cancelled', 5],
] as const;
const DELIVERY_PARTNERS = [
  ['CSU-MIDLANDS', 3],
  ['CSU-NORTH', 3],
  ['CSU-SOUTH', 2],
  ['NECS', 2],
  [null, 2],
] as const;

/**
 * Bulk-inserts `count` read-model rows in straight SQL (no workflows): 20 ICBs, 6 suppliers, every stage,
 * ~20% of open ones at risk, ~30% with overdue milestones, created over two years, each with a real snapshot.
 */
async function seedPortfolio(db: DataSource, count: number): Promise<void> {
  const random = prng(20261127);
  const icbs = PORTFOLIO_ICBS.map((code, i) => [code, 5 - (4 * i) / (PORTFOLIO_ICBS.length - 1)] as const);
  const [{ snapshot }] = await db.query(`SELECT snapshot FROM migration WHERE snapshot IS NOT NULL LIMIT 1`);
  const day = 86_400_000;
  const now = Date.now();
  const batch = 2_000;
  for (let start = 0; start < count; start += batch) {
    const cols: Record<string, unknown[]> = {
      id: [],
      ods: [],
      name: [],
      icb: [],
      current: [],
      next: [],
      dp: [],
      planned: [],
      forecast: [],
      status: [],
      stage: [],
      atRisk: [],
      overdue: [],
      round: [],
      revision: [],
      created: [],
      updated: [],
    };
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const id = randomUUID();
      const current = pick(random, SUPPLIERS);
      let next = pick(random, SUPPLIERS);
      while (next === current) next = pick(random, SUPPLIERS);
      const stage = pick(random, STAGE_WEIGHTS);
      const closed = stage === 'signed-off' || stage === 'cancelled';
      const status = closed ? stage : random() < 0.05 ? 'paused' : 'active';
      const atRisk = !closed && random() < 0.2;
      const overdue = !closed && random() < 0.3 ? 1 + Math.floor(random() * 4) : 0;
      const created = now - Math.floor(random() * 730 * day);
      const planned = created + (56 + Math.floor(random() * 56)) * day;
      cols.id.push(id);
      cols.ods.push(`P${String(i).padStart(5, '0')}`);
      cols.name.push(`Practice ${i} Surgery`);
      cols.icb.push(pick(random, icbs));
      cols.current.push(current);
      cols.next.push(next);
      cols.dp.push(pick(random, DELIVERY_PARTNERS));
      cols.planned.push(new Date(planned).toISOString().slice(0, 10));
      cols.forecast.push(new Date(planned + (atRisk ? 7 * day : 0)).toISOString().slice(0, 10));
      cols.status.push(status);
      cols.stage.push(stage);
      cols.atRisk.push(atRisk);
      cols.overdue.push(overdue);
      cols.round.push(random() < 0.15 ? 2 : 1);
      cols.revision.push(1 + Math.floor(random() * 40));
      cols.created.push(new Date(created).toISOString());
      cols.updated.push(new Date(created + Math.floor(random() * 40 * day)).toISOString());
    }
    await db.query(
      `INSERT INTO migration (id, workflow_id, practice_ods_code, practice_name, icb_code, current_supplier, new_supplier,
         delivery_partner, planned_go_live, forecast_go_live, status, stage, at_risk, overdue_count, round, graph_version,
         request_fingerprint, created_by, snapshot, revision, created_at, updated_at)
       SELECT id, 'idp-' || id, ods, name, icb, cur, nxt, dp, planned, forecast, status, stage, at_risk, overdue, round, 1,
         md5(id::text), jsonb_build_object('role', 'icb', 'organisationId', icb), $18::jsonb, revision, created, updated
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[],
         $9::date[], $10::text[], $11::text[], $12::boolean[], $13::int[], $14::int[], $15::int[], $16::timestamptz[],
         $17::timestamptz[])
         AS t(id, ods, name, icb, cur, nxt, dp, planned, forecast, status, stage, at_risk, overdue, round, revision,
           created, updated)`,
      [...Object.values(cols), snapshot === null || snapshot === undefined ? null : JSON.stringify(snapshot)],
    );
  }
  // What autovacuum would do within a minute of such an insert; the planner needs it to pick the indexes.
  await db.query(`ANALYZE migration`);
}

// ---------------------------------------------------------------------------------------------------------------
// Workloads

function participantsFor(ods: string) {
  return [
    { name: 'Pat Khan', organisation: `Surgery ${ods}`, role: 'practice' as const, email: 'pat.khan@example.nhs.uk' },
    { name: 'Sam Patel', organisation: 'TPP', role: 'new-supplier' as const, email: 'sam.patel@example.com' },
    { name: 'Alex Jones', organisation: 'EMIS', role: 'current-supplier' as const, email: 'alex.jones@example.com' },
  ];
}

function kickoffBody(ods: string, plannedGoLive: string) {
  return {
    practiceOdsCode: ods,
    practiceName: `Bench Surgery ${ods}`,
    icbCode: KICKOFF_ICB,
    currentSupplier: CURRENT_SUPPLIER,
    newSupplier: NEW_SUPPLIER,
    plannedGoLive,
    participants: participantsFor(ods),
  };
}

/** The input the API's MigrationsService.startWorkflow builds for the same kickoff. */
function rawWorkflowInput(migrationId: string, ods: string, plannedGoLive: string, icbName: string): IdpWorkflowInput {
  const kickoff: KickoffDetails = {
    migrationId,
    practiceOdsCode: ods,
    practiceName: `Bench Surgery ${ods}`,
    icbCode: KICKOFF_ICB,
    currentSupplier: CURRENT_SUPPLIER,
    newSupplier: NEW_SUPPLIER,
    plannedGoLive,
    optionalMilestones: undefined,
    participants: participantsFor(ods),
    kickedOffBy: { role: 'icb', organisationId: KICKOFF_ICB, name: icbName },
  };
  return { kickoff, policy: DEFAULT_POLICY, graphVersion: CURRENT_GRAPH_VERSION };
}

/**
 * Waits until the worker has caught up: every started workflow has recorded its kickoff, no row is left
 * `starting`, and the notification outbox has stopped growing. Rounds then start from the same quiet state.
 */
async function waitForQuiet(db: DataSource, expectedKickoffs: number, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  let previous = '';
  let stableSince = 0;
  for (;;) {
    const [row] = await db.query(
      `SELECT (SELECT count(*)::int FROM audit_event WHERE action = 'migration.kicked-off') AS kicked,
              (SELECT count(*)::int FROM migration WHERE status = 'starting') AS starting,
              (SELECT count(*)::int FROM notification) AS notifications,
              (SELECT count(*)::int FROM audit_event) AS events,
              (SELECT coalesce(sum(revision), 0)::int FROM migration) AS revisions`,
    );
    const key = `${row.notifications}|${row.events}|${row.revisions}`;
    if (row.kicked >= expectedKickoffs && row.starting === 0 && key === previous) {
      if (Date.now() - stableSince >= 400) return Date.now() - started;
    } else {
      stableSince = Date.now();
    }
    previous = key;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `the worker did not catch up within ${timeoutMs / 1000} s (${row.kicked}/${expectedKickoffs} kickoffs recorded)`,
      );
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = Date.now();
  // Server files of earlier runs that were killed before they could clean up (durable servers, a child run's JSON).
  sweepOwnedTempDirs('idp-bench-');
  const loadAtStart = os.loadavg()[0];
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const { name, stop } of stack.reverse()) {
        await stop().catch((error: unknown) => log(`stopping ${name} failed: ${String(error)}`));
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      log(`${signal} received; stopping everything`);
      void stopAll().then(() => process.exit(130));
    });
  }
  // The API or the worker ending early fails the run at once, whatever the measurement is waiting for.
  let serviceExited!: (error: ServiceExited) => void;
  const serviceExit = new Promise<never>((_, reject) => (serviceExited = reject));

  const measure = async (): Promise<void> => {
    const childStops: Array<() => Promise<void>> = [];
    stack.push({ name: 'child run', stop: async () => void (await Promise.all(childStops.map((stop) => stop()))) });
    const otherServers = await kickoffsOnOtherServers(childStops);
    const durable = config.servers === 'durable';
    log(`starting ${config.servers} Postgres and Temporal dev server`);
    // Durable servers keep their files in a temp dir of ours, deleted at the end (after the servers stop).
    const scratch = durable ? makeOwnedTempDir('idp-bench-') : undefined;
    if (scratch) {
      // The postgres OS user (when we run as root) must be able to pass through to its data directory.
      chmodSync(scratch, 0o711);
      stack.push({ name: 'server files', stop: async () => rmSync(scratch, { recursive: true, force: true }) });
    }
    const [pgResult, temporalResult] = await Promise.allSettled([
      startEmbeddedPostgres(
        scratch ? { persistent: true, dataDir: path.join(scratch, 'postgres') } : { persistent: false },
      ),
      startTemporalDevServer({ headless: true, ...(scratch ? { dbFilename: path.join(scratch, 'temporal.db') } : {}) }),
    ]);
    // Whatever did start is stopped at the end (in reverse order: Postgres last), even when the other failed.
    if (pgResult.status === 'fulfilled') stack.push({ name: 'postgres', stop: pgResult.value.stop });
    if (temporalResult.status === 'fulfilled') stack.push({ name: 'temporal', stop: temporalResult.value.stop });
    if (pgResult.status === 'rejected') throw pgResult.reason;
    if (temporalResult.status === 'rejected') throw temporalResult.reason;
    const pg: EmbeddedPostgres = pgResult.value;
    const temporal: TemporalDevServer = temporalResult.value;

    await migrateDatabase(pg.url);
    const db = new DataSource(dataSourceOptions(pg.url));
    await db.initialize();
    stack.push({ name: 'bench database connection', stop: () => db.destroy() });

    const icb = await createParty(db, 'icb', KICKOFF_ICB, 'NHS Bench ICB');
    const newSupplier = await createParty(db, 'supplier', NEW_SUPPLIER, 'TPP');
    await createParty(db, 'supplier', CURRENT_SUPPLIER, 'EMIS');
    const listIcb = await createParty(db, 'icb', PORTFOLIO_ICBS[0], 'NHS North East and North Cumbria ICB');
    const operatorKey = randomBytes(32).toString('base64url');
    const operator = { auth: { authorization: `Bearer ${operatorKey}` } };

    const apiPort = await freePort();
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: 'idp',
      PORT: String(apiPort),
      PUBLIC_BASE_URL: baseUrl,
      WORKFLOW_BUNDLE_PATH: path.join(DIST, 'workflow-bundle.js'),
      RATE_LIMIT_PER_MINUTE: String(1_000_000_000),
      LOG_LEVEL: 'warn',
      OPERATOR_API_KEY: operatorKey,
      ALLOW_COMPRESSED_TIME: 'false',
      DATA_ENCRYPTION_KEY: generateEncryptionKey(),
      SESSION_SECRET: randomBytes(32).toString('base64'),
      ...config.appEnv,
    };
    // The worker starts after the kickoff rounds (unless BENCH_WORKER_DURING_KICKOFFS=1): they compare two ways of
    // starting workflows, and a worker working through the backlog would take a share of the same cores.
    let worker: (Service & { child: ChildProcess }) | undefined;
    const startWorker = () => {
      log('starting the built worker');
      worker = startNodeService('worker', 'apps/worker/src/main.js', env, serviceExited);
      stack.push(worker);
      cpuGroups.worker.pid = worker.pid;
    };
    log('starting the built API');
    const api = startNodeService('api', 'apps/api/src/main.js', env, serviceExited, config.apiNodeArgs);
    stack.push(api);
    const cpuGroups = {
      temporal: { pid: temporal.pid },
      postgres: { pid: pg.pid, withChildren: true },
      api: { pid: api.pid },
      worker: { pid: -1 },
    };
    if (config.workerDuringKickoffs) startWorker();
    await waitForHealth(baseUrl);

    const connection = await Connection.connect({ address: temporal.address });
    stack.push({ name: 'bench Temporal connection', stop: () => connection.close() });
    const client = new Client({ connection, namespace: temporal.namespace });
    const httpClient = new HttpClient(baseUrl, config.concurrency);
    stack.push({ name: 'bench HTTP client', stop: () => httpClient.close() });

    const plannedGoLive = addWorkingDays(londonDateOf(Date.now()), 60);

    // ---- 1. kickoff throughput ------------------------------------------------------------------------------
    let apiSeq = 0;
    let rawSeq = 0;
    const apiMigrations: string[] = [];
    const rawMigrations: string[] = [];
    let errors = 0;
    const viaApi = async (idempotencyKey?: string) => {
      const ods = `A${String(apiSeq++).padStart(5, '0')}`;
      const headers = idempotencyKey ? { ...icb.auth, 'idempotency-key': idempotencyKey } : icb.auth;
      const res = await httpClient.request('POST', '/v1/migrations', headers, kickoffBody(ods, plannedGoLive));
      if (res.status !== 201) {
        errors++;
        throw new Error(`kickoff ${ods}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      }
      apiMigrations.push((JSON.parse(res.body) as { id: string }).id);
    };
    const viaClient = async () => {
      const ods = `R${String(rawSeq++).padStart(5, '0')}`;
      const migrationId = randomUUID();
      await client.workflow.start('idp', {
        workflowId: idpWorkflowId(migrationId),
        taskQueue: 'idp',
        args: [rawWorkflowInput(migrationId, ods, plannedGoLive, icb.name)],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        typedSearchAttributes: [
          { key: IdpSearchAttributes.icbCode, value: KICKOFF_ICB },
          { key: IdpSearchAttributes.practiceOdsCode, value: ods },
          { key: IdpSearchAttributes.stage, value: 'preparing' },
        ],
      });
      rawMigrations.push(migrationId);
    };
    /** Kickoffs the worker is expected to have recorded once it has caught up. */
    let recordedKickoffs = 0;
    const settle = async () => {
      if (!worker) return 0;
      recordedKickoffs = apiSeq + rawSeq;
      return waitForQuiet(db, recordedKickoffs);
    };

    log(`kickoff throughput: warm-up (${config.warmup} of each)`);
    await runPool(config.warmup, config.concurrency, viaClient);
    await runPool(config.warmup, config.concurrency, () => viaApi());
    await settle();

    const rounds: ThroughputRound[] = [];
    const runRounds = async (concurrency: number, kickoffs: number, into: ThroughputRound[]) => {
      for (let round = 0; round < config.rounds; round++) {
        // Alternate which side goes first, so neither always runs right after the other.
        const order = round % 2 === 0 ? (['client', 'api'] as const) : (['api', 'client'] as const);
        for (const side of order) {
          const before = readCpu(cpuGroups);
          const { wallMs, latencies } = await runPool(
            kickoffs,
            concurrency,
            side === 'api' ? () => viaApi() : viaClient,
          );
          const cpu = cpuDelta(before, readCpu(cpuGroups));
          const drainMs = await settle();
          const perSecond = (kickoffs / wallMs) * 1000;
          into.push({ round: round + 1, side, kickoffs, wallMs, perSecond, latency: stats(latencies), cpu, drainMs });
          log(
            `  concurrency ${concurrency} round ${round + 1} ${side.padEnd(6)} ${perSecond.toFixed(0)}/s ` +
              `(p50 ${stats(latencies).p50.toFixed(0)} ms)` +
              (worker ? `, worker caught up ${(drainMs / 1000).toFixed(1)} s later` : ''),
          );
        }
      }
    };
    await runRounds(config.concurrency, config.kickoffs, rounds);
    // The same at other concurrencies, for the record (the goal applies to the main one).
    const sweep: Array<{ concurrency: number; rounds: ThroughputRound[] }> = [];
    for (const concurrency of config.sweep.filter((c) => c !== config.concurrency)) {
      const sweepRounds: ThroughputRound[] = [];
      await runRounds(concurrency, Math.max(20, Math.round(config.kickoffs / 2)), sweepRounds);
      sweep.push({ concurrency, rounds: sweepRounds });
    }
    if (errors) throw new Error(`${errors} kickoffs failed`);
    if (config.kickoffsOnly) {
      const temporalVersion = execFileSync(temporal.cliPath, ['--version'], { encoding: 'utf8' }).trim();
      const figures = {
        servers: config.servers,
        temporalVersion,
        throughput: summariseKickoffs(rounds, sweep, [], []),
      };
      if (config.resultsJson) writeFileSync(config.resultsJson, JSON.stringify(figures));
      log(`kickoff rounds done: ratio ${figures.throughput.ratio.toFixed(2)}`);
      return;
    }

    // Where the API's CPU per kickoff goes: requests that stop at successive steps of the same pipeline.
    log('API CPU per request, by how far the request gets');
    const ladder: LadderStep[] = [];
    const ladderSteps: Array<{ step: string; expect: number; send: () => Promise<{ status: number; body: string }> }> =
      [
        {
          step: 'HTTP, middleware, guards: no API key (401)',
          expect: 401,
          send: () => httpClient.request('GET', '/v1/migrations', {}),
        },
        {
          step: '+ API key check (a migration id that is no UUID: 400)',
          expect: 400,
          send: () => httpClient.request('GET', '/v1/migrations/not-a-uuid', icb.auth),
        },
        {
          step: '+ JSON body and kickoff validation (a go-live in the past: 400)',
          expect: 400,
          send: () =>
            httpClient.request('POST', '/v1/migrations', icb.auth, {
              ...kickoffBody('Z00001', plannedGoLive),
              plannedGoLive: '2020-01-06',
            }),
        },
      ];
    for (const { step, expect, send } of ladderSteps) {
      const once = async () => {
        const res = await send();
        if (res.status !== expect) throw new Error(`${step}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      };
      await runPool(Math.ceil(config.ladderRequests / 5), 10, once);
      const before = readCpu({ api: cpuGroups.api });
      const n = config.ladderRequests;
      await runPool(n, 10, once);
      ladder.push({ step, apiCpuMs: (cpuDelta(before, readCpu({ api: cpuGroups.api })).api / n) * 1000 });
    }

    // API CPU and Postgres round trips per kickoff, without and with an Idempotency-Key. Round trips are the statements
    // Postgres ran (each outside a transaction is one), from pg_stat_database: backends publish their counts once
    // idle for up to 10 s, hence the pauses. Only the API talks to Postgres meanwhile, unless the worker runs.
    const perKickoff: PerKickoffStep[] = [];
    if (!worker && config.roundTrips > 0) {
      log('API CPU and Postgres round trips per kickoff');
      const statements = async () => {
        await sleep(11_000);
        const [{ n }] = await db.query(
          `SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`,
        );
        return Number(n);
      };
      let counted = await statements();
      for (const [step, withKey] of [
        ['kickoff', false],
        ['kickoff with an `Idempotency-Key`', true],
      ] as const) {
        const n = config.roundTrips;
        const before = readCpu({ api: cpuGroups.api });
        await runPool(n, 10, () => viaApi(withKey ? randomUUID() : undefined));
        const apiCpuMs = (cpuDelta(before, readCpu({ api: cpuGroups.api })).api / n) * 1000;
        const now = await statements();
        // Less the previous reading's own statement.
        perKickoff.push({ step, apiCpuMs, postgresRoundTrips: (now - counted - 1) / n });
        counted = now;
      }
    }

    // The kickoff rounds' workflows are done with: terminated, so a worker started now does not work through them
    // first, and closed in the read model (they stay there as part of the portfolio for part 3).
    log(`terminating the ${apiMigrations.length + rawMigrations.length} workflows of the kickoff rounds`);
    const finished = [...apiMigrations, ...rawMigrations];
    await runPool(finished.length, config.concurrency, async (i) => {
      await client.workflow
        .getHandle(idpWorkflowId(finished[i]))
        .terminate('benchmark kickoff round')
        .catch((error: unknown) => {
          if ((error as Error)?.name !== 'WorkflowNotFoundError') throw error;
        });
    });
    await db.query(`UPDATE migration SET status = 'cancelled', stage = 'cancelled' WHERE id = ANY($1::uuid[])`, [
      finished,
    ]);
    apiMigrations.length = 0;
    rawMigrations.length = 0;

    // ---- 2. milestone report latency ------------------------------------------------------------------------
    const { reportWarmup } = config;
    const needed = config.reports + reportWarmup;
    if (!worker) startWorker();
    log(`milestone report latency: kicking off ${needed} migrations each way and letting the worker catch up`);
    await runPool(needed, 10, () => viaApi());
    await runPool(needed, 10, viaClient);
    recordedKickoffs += 2 * needed;
    // On durable servers the worker gets through about 8 new migrations a second (each a few fsync'd commits).
    await waitForQuiet(db, recordedKickoffs, Math.max(120_000, 2 * needed * 500));
    log(`milestone report latency: ${config.reports} of each, sequential, interleaved`);
    const reportViaApi = async (migrationId: string) => {
      const res = await httpClient.request(
        'POST',
        `/v1/migrations/${migrationId}/milestones/extractRequested`,
        newSupplier.auth,
        { evidence: 'bench request' },
      );
      if (res.status !== 200) throw new Error(`report on ${migrationId}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    };
    const reportViaClient = async (migrationId: string) => {
      const result = await client.workflow.getHandle(idpWorkflowId(migrationId)).executeUpdate(reportMilestoneUpdate, {
        args: [
          {
            actor: { role: 'new-supplier', organisationId: NEW_SUPPLIER, name: newSupplier.name },
            milestone: 'extractRequested',
            payload: { evidence: 'bench request' },
          },
        ],
        updateId: randomUUID(),
      });
      if (result.duplicate) throw new Error(`report on ${migrationId} was a duplicate`);
    };
    const apiReports: number[] = [];
    const clientReports: number[] = [];
    const reportCpuBefore = readCpu(cpuGroups);
    for (let i = 0; i < needed; i++) {
      // Alternate which goes first, so both see the same leftovers of the previous report's background work.
      const pair = i % 2 === 0 ? (['api', 'client'] as const) : (['client', 'api'] as const);
      for (const side of pair) {
        if (config.reportGapMs) await sleep(config.reportGapMs);
        const t0 = process.hrtime.bigint();
        if (side === 'api') await reportViaApi(apiMigrations[i]);
        else await reportViaClient(rawMigrations[i]);
        if (i >= reportWarmup) (side === 'api' ? apiReports : clientReports).push(msSince(t0));
      }
    }
    const reportCpu = cpuDelta(reportCpuBefore, readCpu(cpuGroups));
    await waitForQuiet(db, recordedKickoffs);

    // ---- 3. portfolio list latency --------------------------------------------------------------------------
    log(`list latency: seeding ${config.listRows} migrations`);
    const seedStart = process.hrtime.bigint();
    await seedPortfolio(db, config.listRows);
    const seedMs = msSince(seedStart);
    const [{ rows: migrationRows }] = await db.query(`SELECT count(*)::int AS rows FROM migration`);
    const [{ icbRows }] = await db.query(`SELECT count(*)::int AS "icbRows" FROM migration WHERE icb_code = $1`, [
      listIcb.code,
    ]);
    const listCases: Array<{ who: string; auth: Record<string, string>; query: string }> = [
      { who: `ICB ${listIcb.code}`, auth: listIcb.auth, query: '' },
      { who: `ICB ${listIcb.code}`, auth: listIcb.auth, query: '?stage=data-checking' },
      { who: `ICB ${listIcb.code}`, auth: listIcb.auth, query: '?atRisk=true&overdue=true' },
      { who: `ICB ${listIcb.code}`, auth: listIcb.auth, query: '?supplier=TPP&pageSize=100' },
      { who: 'operator', auth: operator.auth, query: '' },
      { who: 'operator', auth: operator.auth, query: '?stage=preparing&supplier=EMIS' },
      { who: 'operator', auth: operator.auth, query: '?page=50&pageSize=100' },
    ];
    const list: ListCase[] = [];
    for (const c of listCases) {
      const path = `/v1/migrations${c.query}`;
      let total = -1;
      const once = async () => {
        const res = await httpClient.request('GET', path, c.auth);
        if (res.status !== 200)
          throw new Error(`GET ${path} as ${c.who}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
        total = (JSON.parse(res.body) as { total: number }).total;
      };
      await runPool(20, 1, once);
      const { latencies } = await runPool(config.listRequests, 1, once);
      const s = stats(latencies);
      list.push({ who: c.who, query: c.query || '(no filter)', matching: total, latency: s });
      log(`  ${c.who} ${c.query || '(no filter)'}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms`);
    }

    // ---- report ---------------------------------------------------------------------------------------------
    const temporalVersion = execFileSync(temporal.cliPath, ['--version'], { encoding: 'utf8' }).trim();
    const [{ version: postgresVersion }] = await db
      .query(`SHOW server_version`)
      .then((rows: Array<{ server_version: string }>) => rows.map((r) => ({ version: r.server_version })));
    const results: BenchResults = {
      date: new Date().toISOString(),
      loadAverage: [loadAtStart, os.loadavg()[0]],
      durationS: (Date.now() - startedAt) / 1000,
      machine: machineInfo(),
      temporalVersion,
      postgresVersion,
      config: { ...config, workerDuringKickoffs: config.workerDuringKickoffs },
      otherServers,
      throughput: summariseKickoffs(rounds, sweep, ladder, perKickoff),
      reports: {
        api: stats(apiReports),
        client: stats(clientReports),
        p99RatioInterval: bootstrapPercentileRatio(apiReports, clientReports, 99),
        cpu: reportCpu,
      },
      list: { rows: migrationRows, icbRows, seedMs, cases: list },
    };
    const markdown = renderReport(results);
    writeFileSync(config.out, markdown);
    log(`wrote ${path.relative(process.cwd(), config.out) || config.out}`);
    process.stdout.write(`${markdown}\n`);
  };

  try {
    await Promise.race([measure(), serviceExit]);
  } finally {
    log('stopping everything');
    await stopAll();
    log(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  }
}

main().catch((error: unknown) => {
  const why =
    error instanceof ServiceExited ? error.message : error instanceof Error ? (error.stack ?? error.message) : error;
  log(`failed: ${String(why)}`);
  // Now, not once the event loop drains: a measurement cut short by a service's exit may still be waiting.
  process.exit(1);
});
