import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort } from '../../infra/services/ports';
import { built, exited, REPO } from '../support/processes';

/**
 * The README's first command, `npm start` (= build, then `node dist/infra/start.js`), on the embedded defaults: it
 * must bring up Postgres, Temporal with its UI, the mail catcher, the API and the worker, seed the demo, answer as
 * the box it prints says, stop everything on SIGTERM, and find its data again on the next start.
 */
describe('npm start on the embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idp-start-'));
  // As root, embedded Postgres runs as its own OS user, which must be able to enter the data directory's parent.
  chmodSync(dataDir, 0o755);
  let ports: Record<'api' | 'pg' | 'temporal' | 'ui' | 'smtp' | 'inbox', number>;
  let running: ChildProcess | undefined;

  beforeAll(async () => {
    ports = {
      api: await freePort(),
      pg: await freePort(),
      temporal: await freePort(),
      ui: await freePort(),
      smtp: await freePort(),
      inbox: await freePort(),
    };
  });

  afterAll(async () => {
    if (running && running.exitCode === null) {
      running.kill('SIGTERM');
      await exited(running);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the orchestrator as `npm start` does after its build; resolves with its output once it is ready. */
  async function start(): Promise<{ child: ChildProcess; output: () => string }> {
    // Nothing of the test servers' environment: the embedded defaults decide everything but the ports and data.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      IDP_DATA_DIR: dataDir,
      PORT: String(ports.api),
      EMBEDDED_PG_PORT: String(ports.pg),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      MAILDEV_SMTP_PORT: String(ports.smtp),
      MAILDEV_WEB_PORT: String(ports.inbox),
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [built('infra/start.js')], { cwd: REPO, env, stdio: 'pipe' });
    running = child;
    let text = '';
    child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    const deadline = Date.now() + 150_000;
    while (!/\[start\] ready in/.test(text)) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready in 150 s:\n${text}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { child, output: () => text };
  }

  async function stop(child: ChildProcess, output: () => string): Promise<void> {
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited(child),
      new Promise<string>((r) => setTimeout(() => r('still running after 60 s'), 60_000)),
    ]);
    expect({ code, output: code === 0 ? '' : output() }).toEqual({ code: 0, output: '' });
    for (const port of Object.values(ports)) expect(await canConnect(port)).toBe(false);
  }

  /** Runs the checks, then stops `npm start` whatever they found (a failed check must not leave it running). */
  async function stopAfter(child: ChildProcess, output: () => string, checks: () => Promise<void>): Promise<void> {
    try {
      await checks();
    } finally {
      await stop(child, output);
    }
  }

  let demoKey = '';

  it('starts everything, seeds the demo, serves what it prints, and stops on SIGTERM', async () => {
    const { child, output } = await start();
    await stopAfter(child, output, async () => {
      const text = output();
      const base = `http://localhost:${ports.api}`;
      expect(text).toContain(`${base}/sign-in`);
      expect(text).toContain(`http://localhost:${ports.ui}`);
      expect(text).toContain(`http://localhost:${ports.inbox}`);

      // The demo's keys are printed once, one per organisation: the ICB's reads its portfolio.
      const match = /^\s+QHG\s+(\S+)\s/m.exec(text);
      expect(match).not.toBeNull();
      demoKey = match![1];
      const list = await fetch(`${base}/v1/migrations`, { headers: { authorization: `Bearer ${demoKey}` } });
      expect(list.status).toBe(200);

      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      const signIn = await fetch(`${base}/sign-in`);
      expect(signIn.status).toBe(200);
      expect(await signIn.text()).toContain('Sign in');
      expect((await fetch(`http://localhost:${ports.ui}/`)).status).toBe(200);
      // The inbox is a single-page app: it answers a browser (which asks for HTML) with its page.
      const inbox = await fetch(`http://localhost:${ports.inbox}/`, { headers: { accept: 'text/html' } });
      expect(inbox.status).toBe(200);
    });
  });

  it('finds its database, key and demo again on the next start', async () => {
    expect(demoKey).not.toBe('');
    const { child, output } = await start();
    await stopAfter(child, output, async () => {
      // Keys are stored hashed: not printed again, and the first start's key still works.
      expect(output()).toContain('their keys were printed at the first start');
      const list = await fetch(`http://localhost:${ports.api}/v1/migrations`, {
        headers: { authorization: `Bearer ${demoKey}` },
      });
      expect(list.status).toBe(200);
    });
  });
});
