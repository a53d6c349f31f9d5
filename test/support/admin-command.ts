import { spawn } from 'node:child_process';
import { built, exited } from './processes';

export interface AdminRun {
  code: number | NodeJS.Signals;
  stdout: string;
  stderr: string;
}

/** Runs the built admin command (`npm run admin -- …args`) with the test database, and waits for it. */
export async function runAdmin(args: string[], env: Record<string, string | undefined> = {}): Promise<AdminRun> {
  const child = spawn(process.execPath, [built('apps/api/src/cli/admin.js'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await exited(child);
  return { code, stdout, stderr };
}
