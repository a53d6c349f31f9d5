/**
 * `npm start`: runs the whole system on one machine from the build output.
 *
 *   Postgres (embedded, unless DATABASE_URL) → Temporal dev server (unless TEMPORAL_ADDRESS) → migrations
 *   → API + worker → wait for /health → print where things are.
 *
 * Ctrl-C / SIGTERM stops them in reverse order; any service dying on its own stops the rest and exits 1.
 * Every process started here runs in its own process group, so a terminal's Ctrl-C reaches only this
 * orchestrator (which then stops things in order), and is tied to this process by a parent-death signal, so a
 * killed orchestrator leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';
import { redactUrl, startEmbeddedPostgres } from './services/embedded-postgres';
import { canConnect } from './services/ports';
import { forEachLine, repoRoot, sleep, stopChild, waitForExit, withParentDeathSignal } from './services/process';
import { embeddedDataDir, embeddedEncryptionKey, embeddedSessionSecret } from './services/secrets';
import { startTemporalDevServer } from './services/temporal-dev-server';

/** A started service as the orchestrator sees it. */
interface Running {
  name: string;
  stop(): Promise<void>;
  /** Settles with a description when the service ends; before shutdown that is a failure. */
  exited: Promise<string>;
}

/**
 * One step of the start sequence. `start` may set variables in `env` for the steps after it and add lines to the
 * summary box; what it returns is stopped, in reverse step order, at shutdown. Steps returning several services
 * (API and worker) have them stopped together.
 */
interface Step {
  name: string;
  start(ctx: StepContext): Promise<Running[]>;
}

interface StepContext {
  env: NodeJS.ProcessEnv;
  summary: Array<[label: string, value: string]>;
  /** Lines printed under the summary box once everything is up (e.g. demo keys shown once). */
  notes: string[];
}

const ROOT = repoRoot();
const DIST = path.join(ROOT, 'dist');
const dataDir = () => embeddedDataDir(ROOT);

function log(message: string): void {
  process.stderr.write(`[start] ${message}\n`);
}

function describeExit({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return value;
}

async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  if (await canConnect(port)) throw new Error(`port ${port} for ${what} is already in use (${hint})`);
}

function builtEntry(relative: string): string {
  const file = path.join(DIST, relative);
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first`);
  return file;
}

/** Runs a Node entry point as a service, its output prefixed with `[name]`. */
function startNodeService(name: string, entry: string, env: NodeJS.ProcessEnv, args: string[] = []): Running {
  const wrapped = withParentDeathSignal(process.execPath, [entry, ...args], 'TERM');
  const child = spawn(wrapped.command, wrapped.args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = colour(name);
  forEachLine(child.stdout, (line) => process.stdout.write(`${prefix} ${readable(line)}\n`));
  forEachLine(child.stderr, (line) => process.stderr.write(`${prefix} ${readable(line)}\n`));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be started: ${error.message}`));
    void waitForExit(child).then((result) => resolve(describeExit(result)));
  });
  return {
    name,
    exited,
    stop: () => stopChild(child, { signal: 'SIGTERM', graceMs: 10_000, name }),
  };
}

/** Runs a built Node entry point to completion and returns its output; rejects with it when it fails. */
async function runNodeTask(name: string, entry: string, env: NodeJS.ProcessEnv, echo = true): Promise<string[]> {
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = colour(name);
  const output: string[] = [];
  forEachLine(child.stdout, (line) => {
    output.push(line);
    if (echo) process.stdout.write(`${prefix} ${line}\n`);
  });
  forEachLine(child.stderr, (line) => {
    output.push(line);
    if (echo) process.stderr.write(`${prefix} ${line}\n`);
  });
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (result.code !== 0) {
    throw new Error(
      `${name} failed (${describeExit(result)})${output.length ? `: ${output.slice(-20).join('\n')}` : ''}`,
    );
  }
  return output;
}

/**
 * The apps log JSON when their stdout is not a terminal, which through our pipes it never is; for a person at
 * a terminal the lines are pretty-printed here instead (the [api]/[worker] prefix already names the service).
 */
const pretty = process.stdout.isTTY
  ? prettyFactory({ colorize: true, singleLine: true, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss.l' })
  : undefined;
function readable(line: string): string {
  if (!pretty || !line.startsWith('{')) return line;
  try {
    return pretty(line).trimEnd();
  } catch {
    return line;
  }
}

const COLOURS = [36, 35, 33, 32, 34, 31];
const colourOf = new Map<string, number>();
function colour(name: string): string {
  if (!process.stdout.isTTY) return `[${name}]`;
  if (!colourOf.has(name)) colourOf.set(name, COLOURS[colourOf.size % COLOURS.length]);
  return `\x1b[${colourOf.get(name)}m[${name}]\x1b[0m`;
}

/** Whether `npm start` runs its own Postgres (then it also seeds the demo organisations). */
let embeddedPostgres = false;

const steps: Step[] = [
  {
    name: 'postgres',
    async start({ env, summary }) {
      if (env.DATABASE_URL) {
        summary.push(['Postgres', `${redactUrl(env.DATABASE_URL)} (external)`]);
        return [];
      }
      const port = intFromEnv(env, 'EMBEDDED_PG_PORT', 5433);
      await assertPortFree(port, 'the embedded Postgres', 'set EMBEDDED_PG_PORT, or DATABASE_URL to use your own');
      log(
        `starting embedded Postgres on port ${port} (data in ${path.relative(ROOT, path.join(dataDir(), 'postgres'))})`,
      );
      mkdirSync(dataDir(), { recursive: true });
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(dataDir(), 'postgres'),
        port,
        persistent: true,
        detached: true,
        onLog: (line) => process.stderr.write(`${colour('postgres')} ${line}\n`),
      });
      env.DATABASE_URL = pg.url;
      embeddedPostgres = true;
      // The embedded database's encrypted fields are readable only with the key kept beside it.
      env.DATA_ENCRYPTION_KEY ||= embeddedEncryptionKey(dataDir());
      summary.push(['Postgres', redactUrl(pg.url)]);
      return [{ name: 'postgres', stop: pg.stop, exited: pg.exited.then(describeExit) }];
    },
  },
  {
    name: 'temporal',
    async start({ env, summary }) {
      const namespace = env.TEMPORAL_NAMESPACE || 'default';
      if (env.TEMPORAL_ADDRESS) {
        summary.push(['Temporal', `${env.TEMPORAL_ADDRESS} (external, namespace ${namespace})`]);
        return [];
      }
      const port = intFromEnv(env, 'TEMPORAL_DEV_PORT', 7233);
      const uiPort = intFromEnv(env, 'TEMPORAL_UI_PORT', 8233);
      const hint = 'set TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use your own server';
      await assertPortFree(port, 'the Temporal dev server', hint);
      await assertPortFree(uiPort, 'the Temporal UI', hint);
      log(
        `starting Temporal dev server on port ${port} (state in ${path.relative(ROOT, path.join(dataDir(), 'temporal.db'))})`,
      );
      mkdirSync(dataDir(), { recursive: true });
      const server = await startTemporalDevServer({
        port,
        uiPort,
        dbFilename: path.join(dataDir(), 'temporal.db'),
        namespace,
        detached: true,
        stdio: (line) => process.stderr.write(`${colour('temporal')} ${line}\n`),
      });
      env.TEMPORAL_ADDRESS = server.address;
      env.TEMPORAL_NAMESPACE = namespace;
      env.TEMPORAL_CLI ??= server.cliPath;
      summary.push(['Temporal UI', `http://localhost:${uiPort}`]);
      summary.push(['Temporal', `${server.address} (namespace ${namespace})`]);
      return [{ name: 'temporal', stop: server.stop, exited: server.exited.then(describeExit) }];
    },
  },
  {
    name: 'mail',
    async start({ env, summary }) {
      if (env.EMAIL_PROVIDER === 'notify') {
        summary.push(['Email', `GOV.UK Notify (${env.NOTIFY_BASE_URL ?? 'https://api.notifications.service.gov.uk'})`]);
        return [];
      }
      if (env.SMTP_URL) {
        summary.push(['Email', `${redactUrl(env.SMTP_URL)} (external SMTP)`]);
        return [];
      }
      // A local mail catcher with a web inbox, so a newcomer reads the reminders in a browser.
      const maildev = path.join(ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
      if (!existsSync(maildev)) {
        log('maildev is not installed (a production install?): email goes to the log only; set SMTP_URL to send it');
        return [];
      }
      const smtpPort = intFromEnv(env, 'MAILDEV_SMTP_PORT', 1025);
      const webPort = intFromEnv(env, 'MAILDEV_WEB_PORT', 1080);
      await assertPortFree(smtpPort, 'the mail catcher', 'set MAILDEV_SMTP_PORT, or SMTP_URL for a real server');
      await assertPortFree(webPort, 'the mail inbox', 'set MAILDEV_WEB_PORT');
      mkdirSync(path.join(dataDir(), 'mail'), { recursive: true });
      const mail = startNodeService('mail', maildev, env, [
        ...['--smtp', String(smtpPort), '--ip', '127.0.0.1', '--web', String(webPort), '--web-ip', '127.0.0.1'],
        ...['--mail-directory', path.join(dataDir(), 'mail'), '--silent'],
      ]);
      for (let i = 0; i < 40 && !(await canConnect(smtpPort)); i += 1) await sleep(100);
      env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
      summary.push(['Mail inbox', `http://localhost:${webPort}`]);
      return [mail];
    },
  },
  {
    name: 'migrations',
    async start({ env }) {
      log('applying database migrations');
      await runNodeTask('migrate', builtEntry('libs/persistence/src/cli/migrate.js'), env);
      return [];
    },
  },
  {
    name: 'demo data',
    async start({ env, notes }) {
      // The embedded default is for trying the system out: it comes with demo organisations. An external
      // database gets none unless asked (SEED_DEMO=true); SEED_DEMO=false skips them on the embedded one too.
      const seed = env.SEED_DEMO ? env.SEED_DEMO === 'true' : embeddedPostgres;
      if (!seed) return [];
      notes.push(...(await runNodeTask('seed', builtEntry('infra/demo/seed.js'), env, false)));
      return [];
    },
  },
  {
    name: 'apps',
    async start({ env }) {
      const port = intFromEnv(env, 'PORT', 3000);
      // Otherwise a leftover API from an earlier run would answer the health check in place of ours.
      await assertPortFree(port, 'the API', 'set PORT, or stop whatever listens there');
      // The embedded default is a sandbox: `npm run demo` kicks off migrations whose working days last seconds.
      if (embeddedPostgres && env.ALLOW_COMPRESSED_TIME === undefined) env.ALLOW_COMPRESSED_TIME = 'true';
      const bundle = path.join(DIST, 'workflow-bundle.js');
      if (!env.WORKFLOW_BUNDLE_PATH && existsSync(bundle)) env.WORKFLOW_BUNDLE_PATH = bundle;
      const api = builtEntry('apps/api/src/main.js');
      const worker = builtEntry('apps/worker/src/main.js');
      env.SESSION_SECRET ||= embeddedSessionSecret(dataDir());
      log('starting API and worker');
      return [startNodeService('api', api, env), startNodeService('worker', worker, env)];
    },
  },
];

async function waitForHealth(port: number, timeoutMs: number, failed: Promise<string>): Promise<void> {
  const url = `http://127.0.0.1:${port}/health`;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  let failure: string | undefined;
  void failed.then((why) => (failure = why));
  while (Date.now() < deadline) {
    if (failure) throw new Error(failure);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

function printBox(lines: Array<[string, string]>): void {
  const width = Math.max(...lines.map(([label]) => label.length));
  const body = [
    'IDP Orchestrator is running',
    '',
    ...lines.map(([l, v]) => `${l.padEnd(width)}  ${v}`),
    '',
    'Ctrl-C stops everything.',
  ];
  const inner = Math.max(...body.map((line) => line.length));
  const out = [
    `┌${'─'.repeat(inner + 2)}┐`,
    ...body.map((line) => `│ ${line.padEnd(inner)} │`),
    `└${'─'.repeat(inner + 2)}┘`,
  ];
  console.log(`\n${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const envFile = path.join(ROOT, '.env');
  if (existsSync(envFile)) {
    // Values already in the environment win over the file.
    if (typeof process.loadEnvFile === 'function') process.loadEnvFile(envFile);
    else
      log('.env found but this Node has no process.loadEnvFile (needs 20.12+): set the variables in the environment');
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  const summary: StepContext['summary'] = [];
  const notes: string[] = [];
  const stack: Running[][] = [];
  let stopping: Promise<void> | undefined;
  // The step being started: shutdown waits for it, so a service that comes up mid-shutdown is stopped too.
  let inFlight: Promise<unknown> = Promise.resolve();
  let reportDeath: (why: string) => void = () => undefined;
  const died = new Promise<string>((resolve) => (reportDeath = resolve));

  const shutdown = (exitCode: number, reason: string): Promise<void> => {
    if (stopping) return stopping;
    log(`${reason}; stopping`);
    const since = Date.now();
    stopping = (async () => {
      await inFlight;
      for (const group of stack.reverse()) {
        await Promise.allSettled(
          group.map(async (service) => {
            await service.stop().catch((error: unknown) => log(`stopping ${service.name} failed: ${String(error)}`));
          }),
        );
      }
      log(`stopped in ${((Date.now() - since) / 1000).toFixed(1)} s`);
      process.exit(exitCode);
    })();
    return stopping;
  };

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) log(`${signal} again: already stopping (each service gets 10 s before SIGKILL)`);
      else void shutdown(0, `${signal} received`);
    });
  }
  process.on('uncaughtException', (error) => void shutdown(1, `internal error: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (error) => void shutdown(1, `internal error: ${String(error)}`));

  const started = Date.now();
  try {
    for (const step of steps) {
      if (stopping) return;
      const pending = step.start({ env, summary, notes });
      inFlight = pending.then(
        (running) => {
          stack.push(running);
          for (const service of running) {
            void service.exited.then((why) => {
              if (stopping) return;
              const message = `${service.name} stopped unexpectedly (${why})`;
              reportDeath(message);
              void shutdown(1, message);
            });
          }
        },
        () => undefined,
      );
      await pending;
      await inFlight;
    }
    const port = intFromEnv(env, 'PORT', 3000);
    await waitForHealth(port, 60_000, died);
    if (stopping) return;
    const base = `http://localhost:${port}`;
    summary.unshift(['Sign in', `${base}/sign-in`], ['API', `${base}/v1`], ['OpenAPI docs', `${base}/docs`]);
    printBox(summary);
    if (notes.length > 0) console.log(`${notes.join('\n')}\n`);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await shutdown(1, `start failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void main();
