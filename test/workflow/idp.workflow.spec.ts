import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { idp } from '@idp/workflows';
import { compressedPolicy, type IdpStatus } from '@idp/domain';
import { cancelUpdate, pauseUpdate, replanUpdate, resumeUpdate, statusQuery } from '@idp/workflows/idp/messages';
import {
  actors,
  completeCheckRound,
  completePreparation,
  failRound,
  passRound,
  report,
  signOff,
} from '../support/idp-steps';
import { expectProjectionToMatch, notificationsOf } from '../support/projection';
import { eventually, startWorkerHarness, type WorkerHarness } from '../support/worker-harness';

// One working day lasts a minute unless a test needs deadlines to pass: nothing times out by accident.
const CALM = compressedPolicy(60_000);

let h: WorkerHarness;
beforeAll(async () => {
  h = await startWorkerHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function rejectionType(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect((error as Error).name).toBe(WorkflowUpdateFailedError.name);
    return ((error as WorkflowUpdateFailedError).cause as { type?: string }).type;
  }
}

async function settledStatus(handle: {
  query: (q: typeof statusQuery, now?: number) => Promise<IdpStatus>;
}): Promise<IdpStatus> {
  // The projection runs after each change; wait until the read model has caught up with the query.
  const status = await handle.query(statusQuery, Date.now());
  await eventually(async () => {
    const [row] = await h.db.query(`SELECT revision FROM migration WHERE id = $1`, [status.migrationId]);
    return row && row.revision >= status.revision;
  });
  return handle.query(statusQuery, Date.now());
}

/** Cancels a test's migration and checks that the read model ends equal to the workflow's own status. */
async function finish(handle: WorkflowHandle<typeof idp>): Promise<void> {
  await handle.executeUpdate(cancelUpdate, { args: [{ actor: actors.icb, command: { reason: 'test finished' } }] });
  await handle.result();
  await expectProjectionToMatch(h.db, await settledStatus(handle));
}

describe('idp workflow', () => {
  it('runs a whole IDP to the clinical lead’s sign-off, and the read model matches the workflow', async () => {
    const handle = await h.start({}, CALM);
    await completePreparation(handle);
    let status = await handle.query(statusQuery, Date.now());
    expect(status.stage).toBe('data-checking');
    expect(status.phases.filter((p) => p.phase !== 'data-checking').every((p) => p.state === 'done')).toBe(true);
    await completeCheckRound(handle);
    await passRound(handle);
    status = await handle.query(statusQuery, Date.now());
    expect(status.stage).toBe('awaiting-sign-off');
    expect(status.nextActions.practice?.map((a) => a.milestone)).toEqual(['signedOff']);
    await signOff(handle);
    const result = await handle.result();
    expect(result).toEqual({ migrationId: status.migrationId, status: 'signed-off', rounds: 1 });

    status = await settledStatus(handle);
    expect(status.stage).toBe('signed-off');
    // The test server suggests continue-as-new every 60 events: this IDP ran over several runs and kept its state.
    const runs = await eventually(async () => {
      let n = 0;
      for await (const _ of h.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) n += 1;
      return n > 1 && n;
    });
    expect(runs).toBeGreaterThan(1);
    expect(status.milestones.filter((m) => !m.optional).every((m) => m.state === 'done')).toBe(true);
    expect(status.forecastGoLive).toBe(status.plannedGoLive);
    await expectProjectionToMatch(h.db, status);

    const kinds = (await notificationsOf(h.db, status.migrationId)).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['kickoff', 'training-invitation', 'round-outcome', 'signed-off']));
    expect(kinds).not.toContain('overdue');
    const audit: Array<{ action: string; actor_role: string }> = await h.db.query(
      `SELECT action, actor_role FROM audit_event WHERE migration_id = $1 ORDER BY id`,
      [status.migrationId],
    );
    expect(audit[0]).toEqual({ action: 'migration.kicked-off', actor_role: 'icb' });
    expect(audit.filter((a) => a.action === 'milestone.reported')).toHaveLength(12);
    expect(audit[audit.length - 1]).toEqual({ action: 'data-check.signed-off', actor_role: 'practice' });
  });

  it('reminds a late current supplier, escalates to the delivery partner and the ICB, and tells everyone the new forecast', async () => {
    const handle = await h.start({}, compressedPolicy(1000));
    await report(handle, 'new-supplier', 'extractRequested');
    const migrationId = (await handle.query(statusQuery)).migrationId;
    // extractDelivered is due 5 "days" (5 s) later; the ICB step of escalation comes 5 days after that. Days
    // long enough that each step gets its own wake-up even on a busy machine (due steps at once are collapsed).
    const sent = await eventually(async () => {
      const rows = await notificationsOf(h.db, migrationId);
      const aboutExtract = rows.filter((r) => r.subject.includes('extract delivered'));
      return (
        aboutExtract.some((r) => r.kind === 'escalation' && r.recipient_role === 'icb') &&
        rows.some((r) => r.kind === 'delay-notice') &&
        rows
      );
    }, 30_000);
    const about = sent.filter((r) => r.subject.includes('extract delivered'));
    expect(about.filter((r) => r.kind === 'reminder').map((r) => r.recipient_role)).toContain('current-supplier');
    expect(about.find((r) => r.kind === 'overdue')?.recipient_role).toBe('current-supplier');
    expect(about.filter((r) => r.kind === 'escalation').map((r) => r.recipient_role)).toEqual(
      expect.arrayContaining(['current-supplier', 'delivery-partner', 'icb']),
    );
    expect(sent.filter((r) => r.kind === 'delay-notice').map((r) => r.recipient_role)).toEqual(
      expect.arrayContaining(['practice', 'current-supplier', 'new-supplier', 'delivery-partner', 'icb']),
    );
    const status = await handle.query(statusQuery, Date.now());
    expect(status.milestones.find((m) => m.key === 'extractDelivered')?.state).toBe('overdue');
    expect(status.atRisk).toBe(true);
    expect(status.forecastGoLive > status.plannedGoLive).toBe(true);
    // Every message is in the outbox once: no duplicate deliveries.
    const keys: Array<{ n: string }> = await h.db.query(
      `SELECT count(*) - count(DISTINCT notification_key) AS n FROM notification WHERE migration_id = $1`,
      [migrationId],
    );
    expect(Number(keys[0].n)).toBe(0);
    await finish(handle);
  });

  it('moves every pending deadline and reminder when the plan changes', async () => {
    const handle = await h.start({}, CALM);
    await report(handle, 'new-supplier', 'extractRequested');
    const before = await handle.query(statusQuery, Date.now());
    const dueBefore = before.milestones.find((m) => m.key === 'extractDelivered')!.dueAt!;
    // Bring the deadline forward to 1.5 s from now: the workflow must wake for it rather than for the old one.
    const newDue = new Date(Date.now() + 1500).toISOString();
    await handle.executeUpdate(replanUpdate, {
      args: [
        {
          actor: actors['delivery-partner'],
          command: { dueDates: { extractDelivered: newDue }, reason: 'supplier agreed an earlier date' },
        },
      ],
    });
    let status = await handle.query(statusQuery, Date.now());
    expect(status.milestones.find((m) => m.key === 'extractDelivered')!.dueAt).toBe(newDue);
    expect(Date.parse(newDue)).toBeLessThan(Date.parse(dueBefore));
    await eventually(
      async () => (await notificationsOf(h.db, before.migrationId)).some((r) => r.kind === 'overdue'),
      10_000,
    );

    await handle.executeUpdate(replanUpdate, {
      args: [{ actor: actors.icb, command: { plannedGoLive: '2027-04-19', reason: 'new go-live agreed' } }],
    });
    status = await handle.query(statusQuery, Date.now());
    expect(status.plannedGoLive).toBe('2027-04-19');
    expect(status.forecastGoLive).toBe('2027-04-19');
    expect(
      await rejectionType(
        handle.executeUpdate(replanUpdate, {
          args: [{ actor: actors.practice, command: { plannedGoLive: '2027-05-03', reason: 'x' } }],
        }),
      ),
    ).toBe('NotPermitted');
    await finish(handle);
  });

  it('opens round 2 after a failed data check and escalates after more than five rounds', async () => {
    const handle = await h.start({}, CALM);
    await completePreparation(handle);
    await completeCheckRound(handle);
    const first = await failRound(handle, 're-transform');
    expect(first).toEqual({ round: 1, outcome: 'failed', nextRound: 2, escalated: false });
    let status = await handle.query(statusQuery, Date.now());
    expect(status.round).toBe(2);
    const stateOf = (key: string) => status.milestones.find((m) => m.key === key)!.state;
    expect(stateOf('extractDelivered')).toBe('done');
    expect(stateOf('extractLoaded')).toBe('open');
    expect(stateOf('testSystemAvailable')).toBe('waiting');
    expect(stateOf('dataCheckRoundCompleted')).toBe('waiting');
    expect(status.nextActions['new-supplier']?.map((a) => a.milestone)).toEqual(['extractLoaded']);

    for (let round = 2; round <= 6; round += 1) {
      await report(handle, 'new-supplier', 'extractLoaded');
      await report(handle, 'new-supplier', 'testSystemAvailable');
      await completeCheckRound(handle, false);
      const outcome = await failRound(handle, 're-transform');
      expect(outcome.escalated).toBe(round >= 5);
    }
    status = await settledStatus(handle);
    expect(status.round).toBe(7);
    expect(status.atRisk).toBe(true);
    const rows = await eventually(async () => {
      const r = await notificationsOf(h.db, status.migrationId);
      return r.some((n) => n.kind === 'rounds-exceeded') && r;
    });
    expect(rows.filter((n) => n.kind === 'rounds-exceeded').map((n) => n.recipient_role)).toContain('icb');
    await expectProjectionToMatch(h.db, status);
    await finish(handle);
  });

  it('stops the clock while paused and moves open deadlines on resume', async () => {
    const handle = await h.start({}, compressedPolicy(1000));
    await report(handle, 'new-supplier', 'extractRequested');
    const before = await handle.query(statusQuery, Date.now());
    const dueBefore = Date.parse(before.milestones.find((m) => m.key === 'extractDelivered')!.dueAt!);
    const paused = await handle.executeUpdate(pauseUpdate, {
      args: [{ actor: actors['delivery-partner'], command: { reason: 'practice merger' } }],
    });
    expect(paused.status).toBe('paused');
    expect(
      await rejectionType(
        handle.executeUpdate(pauseUpdate, { args: [{ actor: actors.icb, command: { reason: 'again' } }] }),
      ),
    ).toBe('MigrationPaused');
    await new Promise((r) => setTimeout(r, 1500));
    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ actor: actors.icb, command: {} }] });
    expect(resumed.status).toBe('active');
    const dueAfter = Date.parse(resumed.milestones.find((m) => m.key === 'extractDelivered')!.dueAt!);
    expect(dueAfter - dueBefore).toBeGreaterThanOrEqual(1400);
    expect(
      await rejectionType(handle.executeUpdate(resumeUpdate, { args: [{ actor: actors.icb, command: {} }] })),
    ).toBe('MigrationNotPaused');
    await finish(handle);
  });

  it('cancels with a reason: the workflow ends, everyone is told, the read model says cancelled', async () => {
    const handle = await h.start({}, CALM);
    expect(
      await rejectionType(
        handle.executeUpdate(cancelUpdate, { args: [{ actor: actors['new-supplier'], command: { reason: 'no' } }] }),
      ),
    ).toBe('NotPermitted');
    expect(
      await rejectionType(
        handle.executeUpdate(cancelUpdate, { args: [{ actor: actors.icb, command: { reason: ' ' } }] }),
      ),
    ).toBe('InvalidPayload');
    await handle.executeUpdate(cancelUpdate, {
      args: [{ actor: actors.icb, command: { reason: 'practice closing' } }],
    });
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    const status = await settledStatus(handle);
    expect(status.cancellation?.reason).toBe('practice closing');
    await expectProjectionToMatch(h.db, status);
    const rows = await notificationsOf(h.db, status.migrationId);
    expect(rows.filter((n) => n.kind === 'cancelled')).toHaveLength(5);
  });

  it('answers duplicate reports with the first result and refuses out-of-order and foreign ones', async () => {
    const handle = await h.start({}, CALM);
    const first = await report(handle, 'new-supplier', 'extractRequested', { note: 'sent' }, 'report-1');
    const sameId = await report(handle, 'new-supplier', 'extractRequested', { note: 'sent' }, 'report-1');
    expect(sameId).toEqual(first);
    const pause = (updateId: string) =>
      handle.executeUpdate(pauseUpdate, { args: [{ actor: actors.icb, command: { reason: 'wait' } }], updateId });
    const resume = (updateId: string) =>
      handle.executeUpdate(resumeUpdate, { args: [{ actor: actors.icb, command: {} }], updateId });
    // Enough updates to pass the continue-as-new threshold: an update id repeated in a later run gets the first
    // run's answer, not a "migration already paused" refusal.
    const firstPause = await pause('pause-1');
    for (let i = 2; i <= 8; i += 1) {
      await resume(`resume-${i}`);
      await pause(`pause-${i}`);
    }
    expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
    expect(await pause('pause-1')).toEqual(firstPause);
    await resume('resume-final');
    const sameBody = await report(handle, 'new-supplier', 'extractRequested', { note: 'sent' }, 'report-2');
    expect(sameBody).toEqual({ ...first, duplicate: true });
    expect(await rejectionType(report(handle, 'new-supplier', 'extractRequested', { note: 'changed' }))).toBe(
      'MilestoneAlreadyCompleted',
    );
    expect(await rejectionType(report(handle, 'new-supplier', 'extractLoaded'))).toBe('PrerequisitesNotMet');
    expect(await rejectionType(report(handle, 'practice', 'extractDelivered'))).toBe('NotMilestoneOwner');
    expect(await rejectionType(report(handle, 'new-supplier', 'noSuchStep'))).toBe('UnknownMilestone');
    expect(await rejectionType(report(handle, 'practice', 'dataCheckPassed'))).toBe('WrongCommandForMilestone');
    expect(await rejectionType(signOff(handle))).toBe('PrerequisitesNotMet');
    const status = await settledStatus(handle);
    const audit = await h.db.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE migration_id = $1 AND action = 'milestone.reported'`,
      [status.migrationId],
    );
    expect(audit[0].n).toBe(1);
    await finish(handle);
  });
});
