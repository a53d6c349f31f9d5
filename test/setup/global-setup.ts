import { randomBytes } from 'node:crypto';
import { generateEncryptionKey } from '../../libs/security/src/encryption';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../../infra/scripts/bundle-workflows';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../infra/services/embedded-postgres';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/services/temporal-dev-server';
import { makeOwnedTempDir, sweepOwnedTempDirs } from '../../infra/services/temp-dirs';
// Relative imports only in this file and what it loads: Jest's moduleNameMapper does not apply to global setup.
import { migrateDatabase } from '../../libs/persistence/src/data-source';

/** History length after which the test server suggests continue-as-new. */
export const CONTINUE_AS_NEW_THRESHOLD = 60;

export interface TestServices {
  stop(): Promise<void>;
}

declare global {
  var __IDP_TEST_SERVICES__: TestServices | undefined;
}

/**
 * Starts what the workflow and e2e tests talk to, once per Jest run: a throwaway Temporal dev server (in-memory,
 * headless), a throwaway Postgres (temp dir, migrated), and the workflow bundle (bundling per test file costs
 * seconds each). Tests find them through process.env, which the test workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  sweepOwnedTempDirs('idp-workflow-bundle-');
  const bundleDir = makeOwnedTempDir('idp-workflow-bundle-');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    await Promise.allSettled(stops.reverse().map((stop) => stop()));
    rmSync(bundleDir, { recursive: true, force: true });
  };

  // In parallel: bundling is CPU-bound for ~2 s, the servers mostly wait on their own processes.
  const [temporal, postgres, bundle] = await Promise.allSettled([
    startTemporalDevServer({
      headless: true,
      // The server suggests continue-as-new after this many history events (4096 in production): low enough that
      // the longer workflow tests continue-as-new mid-run, proving no state, timer or update id is lost.
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_THRESHOLD },
    }).then((server: TemporalDevServer) => {
      stops.push(server.stop);
      return server;
    }),
    startEmbeddedPostgres({ persistent: false }).then(async (pg: EmbeddedPostgres) => {
      stops.push(pg.stop);
      await migrateDatabase(pg.url);
      return pg;
    }),
    bundleWorkflows(),
  ]);
  if (temporal.status === 'rejected' || postgres.status === 'rejected' || bundle.status === 'rejected') {
    await stopAll();
    const reasons = [temporal, postgres, bundle]
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
    throw new Error(`test global setup failed:\n${reasons.join('\n\n')}`);
  }

  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.value);

  process.env.TEMPORAL_ADDRESS = temporal.value.address;
  process.env.TEMPORAL_NAMESPACE = temporal.value.namespace;
  process.env.TEMPORAL_CLI = temporal.value.cliPath;
  process.env.DATABASE_URL = postgres.value.url;
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  process.env.DATA_ENCRYPTION_KEY ||= generateEncryptionKey();
  process.env.SESSION_SECRET ||= randomBytes(32).toString('base64url');
  globalThis.__IDP_TEST_SERVICES__ = { stop: stopAll };

  if (process.env.TEST_VERBOSE) {
    process.stderr.write(
      `\n[global-setup] Temporal ${temporal.value.address}, Postgres ${postgres.value.url}, ` +
        `bundle ${bundlePath} (${Date.now() - started} ms)\n`,
    );
  }
}
