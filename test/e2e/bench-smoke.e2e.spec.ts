import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { built, REPO } from '../support/processes';

/*
 * `npm run bench` as a user runs it, at the smallest sizes: the built bench starts its own Postgres and Temporal
 * dev server (not the global setup's), the built API and worker, goes through every part and writes the report.
 * The figures mean nothing here; that the run gets to the end and the report is whole does. It broke once when
 * the apps gained a required variable the bench did not set, so it runs with a shell's environment only, not
 * with the variables the global setup adds for the other tests.
 */

const DOCS_REPORT = path.join(REPO, 'docs', 'benchmarks.md');

/** The smallest run of every part; the round-trip count is skipped, as it waits 33 s for Postgres' statistics. */
const SMOKE_SIZES = {
  BENCH_KICKOFFS: '4',
  BENCH_CONCURRENCY: '4',
  BENCH_ROUNDS: '1',
  BENCH_WARMUP: '1',
  BENCH_CONCURRENCY_SWEEP: '',
  BENCH_LADDER_REQUESTS: '5',
  BENCH_ROUND_TRIPS: '0',
  BENCH_REPORTS: '2',
  BENCH_REPORT_WARMUP: '1',
  BENCH_LIST_ROWS: '1',
  BENCH_LIST_REQUESTS: '1',
  BENCH_OTHER_SERVERS_ROUNDS: '1',
};

interface BenchRun {
  pid: number;
  code: number | NodeJS.Signals;
  stdout: string;
  stderr: string;
}

let scratch: string;

beforeAll(() => {
  built('infra/bench/run.js'); // fails with "run `npm run build` first" when dist is missing
  scratch = mkdtempSync(path.join(os.tmpdir(), 'idp-bench-smoke-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * Runs the built bench with its report going to `<scratch>/<name>.md`; one that has not exited after `limitMs` is
 * stopped and fails the test.
 */
async function runBench(name: string, env: Record<string, string>, limitMs: number): Promise<BenchRun> {
  const shell = Object.fromEntries(
    ['PATH', 'HOME', 'LANG', 'TMPDIR'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]),
  );
  const child = spawn(process.execPath, [built('infra/bench/run.js')], {
    cwd: REPO,
    env: { ...shell, BENCH_OUT: path.join(scratch, `${name}.md`), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM'); // the bench stops what it started, then exits
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  }, limitMs);
  const code = await new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('close', (c, signal) => resolve(c ?? signal!)),
  );
  clearTimeout(timer);
  if (timedOut) throw new Error(`the bench did not exit within ${limitMs / 1000} s:\n${lastLines(stderr, 30)}`);
  return { pid: child.pid!, code, stdout, stderr };
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * The servers' files (`idp-bench-*` for durable ones, `idp-pg-*` for a throwaway Postgres) are stamped with the
 * pid of the run that made them, the bench's or its child run's (which the bench logs), and removed when it stops.
 */
function postgresLeftBehind(run: BenchRun): string[] {
  const pids = [run.pid, ...[...run.stderr.matchAll(/in a child run \(pid (\d+)\)/g)].map((m) => Number(m[1]))];
  return readdirSync(os.tmpdir())
    .filter((name) => name.startsWith('idp-pg-') || name.startsWith('idp-bench-'))
    .filter((name) => {
      const stamp = path.join(os.tmpdir(), name, 'owner.pid');
      return existsSync(stamp) && pids.map(String).includes(readFileSync(stamp, 'utf8').trim());
    });
}

/** Rows of the report's Results table: figure, goal, measured, verdict. */
function resultRows(report: string): string[][] {
  const section = report.slice(report.indexOf('## Results'), report.indexOf('### 1. Kickoff throughput'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| figure') && !line.startsWith('| ---'))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

it('runs every part at the smallest sizes and writes a whole report to BENCH_OUT, not docs/', async () => {
  const docsBefore = readFileSync(DOCS_REPORT, 'utf8');

  const run = await runBench('smoke', SMOKE_SIZES, 150_000);

  if (run.code !== 0) throw new Error(`the bench exited with ${run.code}:\n${lastLines(run.stderr, 30)}`);
  const report = readFileSync(path.join(scratch, 'smoke.md'), 'utf8');
  expect(run.stdout).toBe(`${report}\n`);
  expect(readFileSync(DOCS_REPORT, 'utf8')).toBe(docsBefore);
  expect(report).not.toMatch(/NaN|undefined|Infinity|\[object /);
  expect(report).toContain('`BENCH_KICKOFFS` (4), `BENCH_CONCURRENCY` (4)');

  const goals = resultRows(report).filter(([, goal]) => goal !== '(none)');
  expect(goals.map(([figure]) => figure)).toEqual([
    expect.stringMatching(/^kickoff throughput, API ÷ `client.workflow.start`/),
    expect.stringMatching(/^milestone report p99, API ÷ `handle.executeUpdate`/),
    expect.stringMatching(/^`GET \/v1\/migrations` p95 with \d+ migrations/),
  ]);
  for (const [figure, goal, measured, verdict] of goals) {
    expect({ figure, goal }).toEqual({ figure, goal: expect.stringMatching(/^[≥≤] \d+(\.\d+)?( ms)?$/) });
    expect({ figure, measured }).toEqual({ figure, measured: expect.stringMatching(/\*\*\d+(\.\d+)?( ms)?\*\*/) });
    expect({ figure, verdict }).toEqual({ figure, verdict: expect.stringMatching(/^\*\*(pass|FAIL)\*\*$/) });
  }

  const machine = report.slice(report.indexOf('## Machine'), report.indexOf('## Results'));
  expect(machine).toMatch(/^\| CPUs \(`nproc`\) \| [1-9]\d* \|$/m);
  expect(machine).toMatch(/^\| CPU model \| \S.* \|$/m);
  expect(machine).toMatch(/^\| memory \| \d+\.\d GiB \|$/m);
  expect(machine).toMatch(/^\| Node\.js \| v\d+\.\d+\.\d+ \|$/m);
  expect(machine).toMatch(/^\| Temporal \| temporal version \d+\.\d+\.\d+ .*\|$/m);
  expect(machine).toMatch(/^\| PostgreSQL \| \d+(\.\d+)? .*\|$/m);
  expect(machine).toMatch(/^\| load average \(1 min\) \| \d+\.\d\d at the start, \d+\.\d\d at the end \|$/m);

  expect(report).toContain('Postgres round trips per kickoff: skipped (`BENCH_ROUND_TRIPS=0`)');
  // The kickoff rounds once more on the tests' kind of servers, in a child run before the main one.
  expect(machine).toContain('as `npm start` runs it');
  expect(resultRows(report).map(([figure]) => figure)).toContainEqual(
    expect.stringMatching(/^for comparison, the same on throwaway servers/),
  );
  expect(report).toMatch(/\*\*On throwaway servers, .* the ratio is \d+\.\d\d\*\*/);
  expect(postgresLeftBehind(run)).toEqual([]);
}, 180_000);

it('exits 1 at once, saying why in one line, when the API cannot start', async () => {
  // Without the child run: the main (durable) run's own failure path, which removes its server files.
  const run = await runBench(
    'no-api',
    { ...SMOKE_SIZES, BENCH_OTHER_SERVERS_ROUNDS: '0', BENCH_APP_ENV: 'DATA_ENCRYPTION_KEY=not-a-key' },
    90_000,
  );

  expect(run.code).toBe(1);
  expect(lastLines(run.stderr, 1)).toMatch(
    /failed: the api exited \(code 1\): api could not start: Invalid configuration: - DATA_ENCRYPTION_KEY must be/,
  );
  expect(existsSync(path.join(scratch, 'no-api.md'))).toBe(false);
  expect(postgresLeftBehind(run)).toEqual([]);
}, 120_000);

it('exits 1 at once, saying why in one line, when the worker cannot start (it used to wait 120 s)', async () => {
  // Only the worker reads the bundle path; with the worker started alongside the API, the kickoffs would wait for it.
  const run = await runBench(
    'no-worker',
    {
      ...SMOKE_SIZES,
      BENCH_WORKER_DURING_KICKOFFS: '1',
      BENCH_APP_ENV: `WORKFLOW_BUNDLE_PATH=${path.join(scratch, 'no-such-bundle.js')}`,
    },
    90_000,
  );

  expect(run.code).toBe(1);
  expect(lastLines(run.stderr, 1)).toMatch(
    /failed: the worker exited \(code 1\): worker could not start: ENOENT: no such file or directory/,
  );
  expect(existsSync(path.join(scratch, 'no-worker.md'))).toBe(false);
  expect(postgresLeftBehind(run)).toEqual([]);
}, 120_000);
