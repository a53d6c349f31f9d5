import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { tsconfigAliases } from '@idp/infra/scripts/bundle-workflows';
import { historyFromJson, type History } from './history-json';

/*
 * Replays the recorded histories in test/workflow/histories/ against the current workflow code: a change to the
 * workflow that would break IDPs already running (a different command sequence without `patched()`) fails here.
 * See test/workflow/histories/README.md; record-histories.ts records them.
 */

const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');
const MIN_SCENARIOS = 4;

interface Fixture {
  /** The file name without `.json(.gz)`, `<scenario>.run-<n>`; used as the workflow id of the replay. */
  workflowId: string;
  scenario: string;
  history: History;
}

function loadFixtures(): Fixture[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => /\.json(\.gz)?$/.test(file))
    .sort()
    .map((file) => {
      const raw = readFileSync(path.join(HISTORIES_DIR, file));
      const json = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
      const workflowId = file.replace(/\.json(\.gz)?$/, '');
      return { workflowId, scenario: workflowId.replace(/\.run-\d+$/, ''), history: historyFromJson(json) };
    });
}

const replayOptions = (codePath: string, replayName: string): ReplayWorkerOptions => ({
  workflowBundle: { codePath },
  replayName,
});

/** Replays each history and returns one line per failure: fixture, error type, message. */
async function replayFailures(options: ReplayWorkerOptions, fixtures: Fixture[]): Promise<string[]> {
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(options, fixtures)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  return failures;
}

describe('workflow replay', () => {
  const fixtures = loadFixtures();

  beforeAll(() => {
    // Failures are reported by the results; the replay worker's own lifecycle and core's warnings are noise here.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  });

  it('has fixtures of every representative scenario, continue-as-new included', () => {
    const runsPerScenario = new Map<string, number>();
    for (const f of fixtures) runsPerScenario.set(f.scenario, (runsPerScenario.get(f.scenario) ?? 0) + 1);
    expect(runsPerScenario.size).toBeGreaterThanOrEqual(MIN_SCENARIOS);
    // A scenario over several runs: the continued runs start from carried state, a path the first run never takes.
    expect(Math.max(...runsPerScenario.values())).toBeGreaterThan(1);
  });

  it('replays every recorded history without a determinism error', async () => {
    const failures = await replayFailures(replayOptions(process.env.WORKFLOW_BUNDLE_PATH!, 'replay'), fixtures);
    expect(failures).toEqual([]);
  });

  it('fails a history when the workflow code changes its command sequence', async () => {
    // The real workflow behind one extra timer before it starts: the kind of change that needs `patched()`.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'idp-replay-guard-'));
    try {
      const workflowsPath = path.join(dir, 'workflows.ts');
      const realWorkflow = path.resolve(__dirname, '..', '..', '..', 'workflows', 'idp', 'idp.workflow');
      writeFileSync(
        workflowsPath,
        [
          `import { sleep } from '@temporalio/workflow';`,
          `import { idp as original } from ${JSON.stringify(realWorkflow)};`,
          `export async function idp(...args: Parameters<typeof original>) {`,
          `  await sleep(1);`,
          `  return original(...args);`,
          `}`,
          '',
        ].join('\n'),
      );
      const aliases = tsconfigAliases();
      const { code } = await bundleWorkflowCode({
        workflowsPath,
        logger: new DefaultLogger('WARN'),
        webpackConfigHook: (config) => {
          // The file lives outside the repository: packages and @idp/* aliases resolve from the repository.
          const modules = [
            ...(config.resolve?.modules ?? []),
            path.resolve(__dirname, '..', '..', '..', 'node_modules'),
          ];
          config.resolve = { ...config.resolve, modules, alias: { ...(config.resolve?.alias as object), ...aliases } };
          return config;
        },
      });
      const codePath = path.join(dir, 'workflow-bundle.js');
      writeFileSync(codePath, code);

      const firstRun = fixtures.find((f) => f.workflowId.endsWith('.run-1'));
      expect(firstRun).toBeDefined();
      const failures = await replayFailures(replayOptions(codePath, 'replay-changed'), [firstRun!]);
      expect(failures).toEqual([expect.stringMatching(/^[\w.-]+\.run-1: DeterminismViolationError: /)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
