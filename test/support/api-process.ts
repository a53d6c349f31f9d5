import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { exited, spawnApp } from './processes';
import { eventually } from './worker-harness';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningApi {
  baseUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the built API on a free port and waits until it answers. */
export async function startApi(env: Record<string, string> = {}, waitForHealthy = true): Promise<RunningApi> {
  const port = await freePort();
  const child = spawnApp('api', { PORT: String(port), ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode}`);
      const res = await fetch(`${baseUrl}/health`);
      return waitForHealthy ? res.status === 200 : res.status > 0;
    },
    30_000,
    200,
  );
  return {
    baseUrl,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** JSON request helper returning status, headers and parsed body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
