import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Pool, type Dispatcher } from 'undici';

/** Latency statistics in milliseconds. */
export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    mean: sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `task(0..n-1)` with at most `concurrency` in flight; returns each task's latency and the wall time. */
export async function runPool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<{ wallMs: number; latencies: number[] }> {
  const latencies: number[] = new Array(n);
  let next = 0;
  const started = process.hrtime.bigint();
  const lane = async () => {
    for (let i = next++; i < n; i = next++) {
      const t0 = process.hrtime.bigint();
      await task(i);
      latencies[i] = msSince(t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, lane));
  return { wallMs: msSince(started), latencies };
}

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * The load generator's HTTP client: an undici `Pool` of keep-alive HTTP/1.1 connections (the engine under Node's
 * fetch, without fetch's WHATWG layers). It costs the benchmark's process about a third less CPU per request than
 * `node:http` did, and that process shares the cores with the servers it measures.
 */
export class HttpClient {
  private readonly pool: Pool;

  constructor(baseUrl: string, connections: number) {
    this.pool = new Pool(baseUrl, { connections, headersTimeout: 30_000, bodyTimeout: 30_000 });
  }

  async request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult> {
    const res = await this.pool.request({
      method: method as Dispatcher.HttpMethod,
      path,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, body: await res.body.text() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** CPU seconds (user + system) used so far by named groups of processes, read from /proc. */
export type CpuReading = Record<string, number>;

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function procStat(pid: number): { ppid: number; cpu: number; reapedChildrenCpu: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may contain spaces), from field 3 (state) on.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      cpu: (Number(fields[11]) + Number(fields[12])) / TICKS,
      reapedChildrenCpu: (Number(fields[13]) + Number(fields[14])) / TICKS,
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU time of each group: a group is a root pid plus, when `withChildren`, its children (Postgres forks a
 * backend per connection): the live ones, and those already ended and reaped (their time is in the parent's
 * cutime/cstime).
 */
export function readCpu(groups: Record<string, { pid: number; withChildren?: boolean }>): CpuReading {
  const reading: CpuReading = {};
  const children = new Map<number, number[]>();
  if (Object.values(groups).some((g) => g.withChildren)) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = procStat(Number(name));
      if (!stat) continue;
      const list = children.get(stat.ppid) ?? [];
      list.push(Number(name));
      children.set(stat.ppid, list);
    }
  }
  for (const [group, { pid, withChildren }] of Object.entries(groups)) {
    const root = procStat(pid);
    let cpu = root?.cpu ?? 0;
    if (withChildren) {
      cpu += root?.reapedChildrenCpu ?? 0;
      for (const child of children.get(pid) ?? []) cpu += procStat(child)?.cpu ?? 0;
    }
    reading[group] = cpu;
  }
  const self = process.cpuUsage();
  reading.bench = (self.user + self.system) / 1e6;
  reading.machine = machineBusyCpu();
  return reading;
}

/** CPU seconds all processes of the machine have used (busy time of every core, from /proc/stat). */
function machineBusyCpu(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS;
  } catch {
    return NaN;
  }
}

export function cpuDelta(before: CpuReading, after: CpuReading): CpuReading {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    cpuModel,
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run seeds and resamples the same way. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 90% bootstrap interval of percentile(a) ÷ percentile(b): how far the ratio could move on another run of the
 * same size, from resampling each side with replacement.
 */
export function bootstrapPercentileRatio(a: number[], b: number[], p: number, iterations = 2000): [number, number] {
  const random = prng(7);
  const resampled = (xs: number[]) => {
    const out = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(random() * xs.length)];
    return out.sort((x, y) => x - y);
  };
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) ratios.push(percentile(resampled(a), p) / percentile(resampled(b), p));
  ratios.sort((x, y) => x - y);
  return [percentile(ratios, 5), percentile(ratios, 95)];
}
