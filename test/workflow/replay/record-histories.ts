/*
 * Records the replay fixtures in test/workflow/histories/: runs representative IDPs against the throwaway test
 * servers with a real worker, then writes the history of every run of each workflow (continue-as-new included), one
 * gzipped JSON file per run, `<scenario>.run-<n>.json.gz`, in the format of `temporal workflow show --output json`
 * (see history-json.ts). Gzipped because the JSON is ~1.3 MB in all (the status payloads the workflow projects
 * are big and base64-encoded) and ~160 KB gzipped; `gunzip -c FILE` shows one.
 *
 * Not a test: the name does not end in `.spec.ts`, so `jest` never picks it up. It runs through Jest only so that it
 * gets the same global setup (Temporal dev server with its low continue-as-new threshold, migrated Postgres,
 * workflow bundle) and path aliases as the workflow tests. From the repository root:
 *
 *   npx jest --selectProjects workflow --testMatch '<rootDir>/test/workflow/replay/record-histories.ts'
 *
 * (`npm run test:record-histories`). A scenario's old fixtures are replaced only when every scenario was recorded.
 * Re-record for new representative scenarios, never to make a failing replay pass: see histories/README.md.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { compressedPolicy, type KickoffDetails, type ProcessPolicy } from '@idp/domain';
import type { idp } from '@idp/workflows';
import { cancelUpdate, pauseUpdate, replanUpdate, resumeUpdate } from '@idp/workflows/idp/messages';
import {
  actors,
  completeCheckRound,
  completePreparation,
  failRound,
  passRound,
  report,
  signOff,
} from '../../support/idp-steps';
import { notificationsOf } from '../../support/projection';
import { eventually, startWorkerHarness, type WorkerHarness } from '../../support/worker-harness';
import { historyToJson, type History } from './history-json';

const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');
const CALM = compressedPolicy(60_000);

type Handle = WorkflowHandle<typeof idp>;

interface Scenario {
  /** File name stem: `<name>.run-<n>.json.gz`. */
  name: string;
  policy: ProcessPolicy;
  /** Fixed ids: every recording holds the same migrations (the servers are fresh each time). */
  kickoff: Partial<KickoffDetails> & { migrationId: string };
  /** Drives the IDP until it has ended (signed off or cancelled). */
  drive(handle: Handle, db: WorkerHarness['db'], migrationId: string): Promise<void>;
}

const cancel = (handle: Handle) =>
  handle.executeUpdate(cancelUpdate, { args: [{ actor: actors.icb, command: { reason: 'recording finished' } }] });

const scenarios: Scenario[] = [
  {
    name: 'happy-path-sign-off',
    policy: CALM,
    kickoff: { migrationId: '00000000-0000-4000-8000-00000000000a', practiceOdsCode: 'R00001' },
    async drive(handle) {
      await completePreparation(handle);
      await completeCheckRound(handle);
      await passRound(handle);
      await signOff(handle);
    },
  },
  {
    name: 'late-supplier-escalated-then-cancelled',
    policy: compressedPolicy(300),
    kickoff: { migrationId: '00000000-0000-4000-8000-00000000000b', practiceOdsCode: 'R00002' },
    async drive(handle, db, migrationId) {
      await report(handle, 'new-supplier', 'extractRequested');
      // Reminders, overdue, escalation to the current supplier, the delivery partner and at last the ICB.
      await eventually(async () => {
        const rows = await notificationsOf(db, migrationId);
        return (
          rows.some((r) => r.kind === 'escalation' && r.recipient_role === 'icb') &&
          rows.some((r) => r.kind === 'delay-notice')
        );
      }, 60_000);
      await cancel(handle);
    },
  },
  {
    name: 'failed-round-re-transform-then-sign-off',
    policy: CALM,
    kickoff: { migrationId: '00000000-0000-4000-8000-00000000000c', practiceOdsCode: 'R00003' },
    async drive(handle) {
      await completePreparation(handle);
      await completeCheckRound(handle);
      await failRound(handle, 're-transform');
      await report(handle, 'new-supplier', 'extractLoaded');
      await report(handle, 'new-supplier', 'testSystemAvailable');
      await completeCheckRound(handle, false);
      await passRound(handle);
      await signOff(handle);
    },
  },
  {
    name: 'pause-resume-replan-then-cancelled',
    policy: compressedPolicy(1000),
    kickoff: { migrationId: '00000000-0000-4000-8000-00000000000d', practiceOdsCode: 'R00004' },
    async drive(handle, db, migrationId) {
      await report(handle, 'new-supplier', 'extractRequested');
      await handle.executeUpdate(pauseUpdate, {
        args: [{ actor: actors['delivery-partner'], command: { reason: 'practice merger' } }],
      });
      await new Promise((r) => setTimeout(r, 1000));
      await handle.executeUpdate(resumeUpdate, { args: [{ actor: actors.icb, command: {} }] });
      // An earlier deadline: the workflow wakes for it rather than for the one set at kickoff.
      await handle.executeUpdate(replanUpdate, {
        args: [
          {
            actor: actors['delivery-partner'],
            command: {
              dueDates: { extractDelivered: new Date(Date.now() + 1500).toISOString() },
              reason: 'supplier agreed an earlier date',
            },
          },
        ],
      });
      await eventually(async () => (await notificationsOf(db, migrationId)).some((r) => r.kind === 'overdue'));
      await handle.executeUpdate(replanUpdate, {
        args: [{ actor: actors.icb, command: { plannedGoLive: '2027-04-19', reason: 'new go-live agreed' } }],
      });
      await cancel(handle);
    },
  },
];

/** Every run of the workflow, first to last, following the continue-as-new chain (no visibility lag). */
async function historiesOfEveryRun(
  h: WorkerHarness,
  handle: WorkflowHandleWithFirstExecutionRunId<typeof idp>,
): Promise<string[]> {
  const histories: string[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const history: History = await h.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const last = events[events.length - 1] as (typeof events)[number] | undefined;
    histories.push(historyToJson(history));
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    if (histories.length > 50) throw new Error(`${handle.workflowId}: more than 50 runs, is it looping?`);
  }
  return histories;
}

describe('record replay fixtures', () => {
  let h: WorkerHarness;
  const recorded = new Map<string, string[]>();

  beforeAll(async () => {
    h = await startWorkerHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  for (const scenario of scenarios) {
    it(
      scenario.name,
      async () => {
        const handle = await h.start(scenario.kickoff, scenario.policy);
        await scenario.drive(handle, h.db, scenario.kickoff.migrationId);
        // A closed history: the replay then covers the workflow's ending too.
        await handle.result();
        recorded.set(scenario.name, await historiesOfEveryRun(h, handle));
      },
      120_000,
    );
  }

  it('writes the fixtures', () => {
    expect([...recorded.keys()]).toEqual(scenarios.map((s) => s.name));
    for (const [name, runs] of recorded) {
      // This scenario's old runs only: fixtures kept under other names (e.g. histories from before a patched
      // change) stay.
      for (const file of readdirSync(HISTORIES_DIR)) {
        if (file.startsWith(`${name}.run-`) && /\.run-\d+\.json(\.gz)?$/.test(file))
          rmSync(path.join(HISTORIES_DIR, file));
      }
      runs.forEach((json, i) => {
        const file = path.join(HISTORIES_DIR, `${name}.run-${i + 1}.json.gz`);
        const gz = gzipSync(json, { level: 9 });
        writeFileSync(file, gz);
        console.log(`${path.relative(process.cwd(), file)}: ${Math.round(gz.length / 1024)} KiB`);
      });
    }
  });
});
