import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

/** Path of a built entry point; the test command builds before Jest runs. */
export function built(relative: string): string {
  const path = join(REPO, 'dist', relative);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does).`);
  return path;
}

/** Starts a built app (api or worker) as a child process with the test servers' environment. */
export function spawnApp(app: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [built(`apps/${app}/src/main.js`)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${app} ${child.pid}]`;
  child.stderr?.on('data', (d: Buffer) => process.env.TEST_VERBOSE && process.stderr.write(`${prefix} ${d}`));
  child.stdout?.on('data', (d: Buffer) => process.env.TEST_VERBOSE && process.stdout.write(`${prefix} ${d}`));
  return child;
}

/** Resolves when the child has exited, with its exit code or the signal that ended it. */
export function exited(child: ChildProcess): Promise<number | NodeJS.Signals> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
}

/** Output of a child that ran to the end. */
export function collect(child: ChildProcess): { out: () => string } {
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return { out: () => text };
}
