import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
// Relative, not `@idp/temporal`: this file also runs inside Jest's global setup, where moduleNameMapper
// does not apply, and from dist/ without tsc-alias having to touch it.
import { ensureSearchAttributes } from '../../libs/temporal/src/search-attribute-setup';
import { searchAttributeRegistrations } from '../../libs/temporal/src/search-attributes';
import { canConnect, freePort } from './ports';
import {
  forEachLine,
  hasExited,
  OutputTail,
  repoRoot,
  sleep,
  stopChild,
  waitForExit,
  withParentDeathSignal,
} from './process';

export interface TemporalDevServerOptions {
  /** gRPC frontend port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted (ignored when headless). */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file that keeps workflow state across restarts; in-memory when omitted. */
  dbFilename?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  /** Where the server's own output goes. A function receives each line (e.g. to prefix it). */
  stdio?: 'ignore' | 'inherit' | ((line: string) => void);
  /**
   * Own process group: a terminal's Ctrl-C then reaches only our process, which stops services in order.
   * The kernel still ends the server if we die (see withParentDeathSignal).
   */
  detached?: boolean;
  startTimeoutMs?: number;
  /** Path of the CLI; resolved through infra/temporal-cli.sh when omitted. */
  cliPath?: string;
  /** Dynamic config values (`--dynamic-config-value KEY=VALUE`), e.g. a low continue-as-new threshold in tests. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend, as clients and workers take it. */
  address: string;
  namespace: string;
  uiUrl?: string;
  pid: number;
  cliPath: string;
  /** Settles when the server process ends, whether stopped or crashed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Runs infra/temporal-cli.sh (installing the pinned CLI on first use) and returns the binary's path. */
export function resolveTemporalCli(): string {
  const script = path.join(repoRoot(), 'infra', 'temporal-cli.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const cli = out.trim().split('\n').pop() ?? '';
  if (!path.isAbsolute(cli)) throw new Error(`infra/temporal-cli.sh printed no path (got: ${JSON.stringify(out)})`);
  return cli;
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const cliPath = opts.cliPath ?? resolveTemporalCli();
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? (await freePort());
  let uiPort = opts.headless ? undefined : opts.uiPort;
  // Two free-port probes in a row can return the same number.
  while (!opts.headless && (uiPort === undefined || uiPort === port)) uiPort = await freePort();
  const address = `127.0.0.1:${port}`;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;

  if (await canConnect(port)) {
    throw new Error(`cannot start the Temporal dev server: something already listens on ${address}`);
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  args.push('--namespace', namespace, '--log-level', opts.logLevel ?? 'warn');
  for (const { name, cliType } of searchAttributeRegistrations) args.push('--search-attribute', `${name}=${cliType}`);
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const wrapped = withParentDeathSignal(cliPath, args, 'TERM');
  const child = spawn(wrapped.command, wrapped.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  const tail = new OutputTail();
  const stdio = opts.stdio ?? 'ignore';
  let stopping = false;
  const onLine = (stream: NodeJS.WriteStream) => (line: string) => {
    tail.push(`${line}\n`);
    // Shutdown logs a burst of "context canceled" errors from internal pollers: noise, not news.
    if (stopping) return;
    if (typeof stdio === 'function') stdio(line);
    else if (stdio === 'inherit') stream.write(`${line}\n`);
  };
  forEachLine(child.stdout, onLine(process.stdout));
  forEachLine(child.stderr, onLine(process.stderr));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const stop = () => {
    stopping = true;
    return stopChild(child, { signal: 'SIGTERM', graceMs: 10_000, name: 'Temporal dev server' });
  };
  const failure = (why: string) =>
    new StartupError(
      `Temporal dev server (${cliPath} ${args.join(' ')}) ${why}` +
        (tail.toString() ? `\n--- its output ---\n${tail}` : ''),
    );

  const deadline = Date.now() + timeoutMs;
  try {
    // A raw TCP connect first: cheap, and lets us notice an early exit quickly.
    while (!(await canConnect(port, '127.0.0.1', 500))) {
      if (spawnError) throw failure(`could not be spawned: ${spawnError.message}`);
      if (hasExited(child)) throw failure(`exited during startup (code ${child.exitCode}, signal ${child.signalCode})`);
      if (Date.now() > deadline) throw failure(`did not open ${address} within ${timeoutMs} ms`);
      await sleep(50);
    }
    await waitUntilServing(address, namespace, deadline, () => hasExited(child), Boolean(opts.dbFilename));
  } catch (error) {
    await stop();
    if (error instanceof StartupError) throw error;
    throw failure(`did not become ready: ${error instanceof Error ? error.message : String(error)}`);
  }

  return {
    address,
    namespace,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    pid: child.pid ?? -1,
    cliPath,
    exited: waitForExit(child),
    stop,
  };
}

class StartupError extends Error {}

/**
 * The port opens before the frontend serves requests; the namespace answering means clients can start work.
 * With an existing --db-filename the server silently ignores --search-attribute flags for attributes the file
 * does not have yet (and type changes), so those are added through the operator API.
 */
async function waitUntilServing(
  address: string,
  namespace: string,
  deadline: number,
  exited: () => boolean,
  persistent: boolean,
): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the server exited');
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      if (persistent) await ensureSearchAttributes(connection, namespace);
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(100);
  }
  throw new Error(
    `namespace ${namespace} not served: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}
