import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Walks up from this file to the repository root, so the same code works from `infra/` (ts-jest) and from
 * `dist/infra/` (built).
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'infra', 'temporal-cli.sh')) && existsSync(path.join(dir, 'package.json')))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`could not find the repository root above ${__dirname}`);
    dir = parent;
  }
}

let setprivSupportsPdeathsig: boolean | undefined;

/**
 * Wraps a command so the kernel signals it when this Node process dies, even by SIGKILL. Without it a killed
 * `npm start` or Jest run leaves Temporal and Postgres running, holding their ports and data directories:
 * Linux does not end children with their parent, whatever `detached` says. Uses util-linux `setpriv`
 * (always there on Debian/Ubuntu); elsewhere the command runs unwrapped.
 */
export function withParentDeathSignal(
  command: string,
  args: readonly string[],
  signal: 'TERM' | 'INT' | 'KILL' = 'TERM',
): { command: string; args: string[] } {
  if (setprivSupportsPdeathsig === undefined) {
    setprivSupportsPdeathsig = false;
    if (process.platform === 'linux') {
      try {
        const help = execFileSync('setpriv', ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        setprivSupportsPdeathsig = help.includes('--pdeathsig');
      } catch {
        // not installed: run unwrapped
      }
    }
  }
  if (!setprivSupportsPdeathsig) return { command, args: [...args] };
  return { command: 'setpriv', args: ['--pdeathsig', signal, '--', command, ...args] };
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Sends `signal`, waits for exit, and SIGKILLs after `graceMs`. Resolves once the process is gone. */
export async function stopChild(
  child: ChildProcess,
  {
    signal = 'SIGTERM',
    graceMs = 10_000,
    name = 'process',
  }: { signal?: NodeJS.Signals; graceMs?: number; name?: string } = {},
): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  const exited = waitForExit(child);
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    process.stderr.write(`[infra] ${name} (pid ${child.pid}) ignored ${signal} for ${graceMs} ms; sending SIGKILL\n`);
    child.kill('SIGKILL');
    await exited;
  }
}

/** Keeps the last `maxLines` lines a child wrote, for error messages when it fails to start. */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines = 40) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((l) => l.trim() !== ''));
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }

  toString(): string {
    return [...this.lines, this.partial].filter((l) => l.trim() !== '').join('\n');
  }
}

/** Calls `onLine` for each complete line of a stream. */
export function forEachLine(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.on('data', (chunk: Buffer | string) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a process with this pid exists (any owner). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
