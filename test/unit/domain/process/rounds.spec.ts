import {
  applyRoundOutcome,
  compressedPolicy,
  startProcess,
  statusOf,
  takeDueAlerts,
  type IdpState,
} from '../../../../libs/domain/src/process';
import {
  actor,
  DAY,
  failRound,
  kickoff,
  kinds,
  ofMilestone,
  passRound,
  prepareRound,
  rejectionOf,
  reportAll,
  REPORTS,
  reportAs,
  signOff,
} from './fixtures';

function stateOf(state: IdpState, key: string, now: number) {
  return statusOf(state, now).milestones.find((m) => m.key === key)!;
}

function statesOf(state: IdpState, keys: string[], now: number) {
  return Object.fromEntries(keys.map((k) => [k, stateOf(state, k, now).state]));
}

/** Round 1 ready for its outcome at 1000 ms; the outcome comes at 2000 ms. */
function roundReady(): IdpState {
  const state = startProcess(kickoff(), compressedPolicy(DAY), 1, 0);
  prepareRound(state, DAY);
  takeDueAlerts(state, DAY);
  return state;
}

const RE_TRANSFORM_REDO = ['extractLoaded', 'testSystemAvailable', 'dataCheckRoundCompleted'];

describe('data-check rounds', () => {
  it('refuses a round outcome until the practice has completed the round’s check', () => {
    const state = startProcess(kickoff(), compressedPolicy(DAY), 1, 0);
    reportAll(state, ['extractRequested', 'extractDelivered'], 0);
    expect(rejectionOf(() => passRound(state, 0))).toBe('RoundNotReady');
    prepareRound(state, 0);
    expect(rejectionOf(() => passRound(state, 0))).toBeUndefined();
    expect(rejectionOf(() => passRound(state, 0))).toBe('MilestoneAlreadyCompleted');
  });

  it('needs a remedy for a failed round', () => {
    const state = roundReady();
    expect(rejectionOf(() => applyRoundOutcome(state, { outcome: 'failed' }, actor('practice'), 2 * DAY))).toBe(
      'InvalidPayload',
    );
    expect(statusOf(state, 2 * DAY).round).toBe(1);
  });

  it('after a failed round with re-transform, redoes the load, the test system and the check, not the delivery', () => {
    const state = roundReady();
    expect(failRound(state, 're-transform', 2 * DAY)).toEqual({
      round: 1,
      outcome: 'failed',
      nextRound: 2,
      escalated: false,
    });
    const now = 2 * DAY;
    expect(
      statesOf(
        state,
        ['extractDelivered', 'extractReceived', ...RE_TRANSFORM_REDO, 'patientsSelected', 'dataCheckPassed'],
        now,
      ),
    ).toEqual({
      extractDelivered: 'done',
      extractReceived: 'done',
      extractLoaded: 'open',
      testSystemAvailable: 'waiting',
      dataCheckRoundCompleted: 'waiting',
      patientsSelected: 'done',
      dataCheckPassed: 'waiting',
    });
    const status = statusOf(state, now);
    expect(status).toMatchObject({ round: 2, stage: 'data-checking' });
    expect(status.rounds).toEqual([
      expect.objectContaining({
        round: 1,
        outcome: 'failed',
        remedy: 're-transform',
        endedAt: new Date(now).toISOString(),
      }),
      expect.objectContaining({ round: 2, startedAt: new Date(now).toISOString() }),
    ]);
    expect(status.nextActions['new-supplier']).toEqual([expect.objectContaining({ milestone: 'extractLoaded' })]);
    expect(stateOf(state, 'extractLoaded', now).dueAt).toBe(new Date(now + 3 * DAY).toISOString());

    expect(takeDueAlerts(state, now).find((a) => a.kind === 'round-outcome')).toMatchObject({
      recipients: ['icb', 'delivery-partner', 'current-supplier', 'new-supplier', 'practice'],
      round: 1,
      data: { outcome: 'failed', remedy: 're-transform', nextRound: 2 },
    });
  });

  it('leaves the record of milestones that need no redoing alone (opened, due and completed times)', () => {
    const state = startProcess(kickoff(), compressedPolicy(DAY), 1, 0);
    const checking = ['testCriteriaProvided', 'patientsSelected', 'dataCheckRoundCompleted'];
    for (const [key] of REPORTS) if (!checking.includes(key)) reportAs(state, key, DAY);
    reportAll(state, checking, 1.5 * DAY);
    const kept = ['testCriteriaProvided', 'patientsSelected', 'usersTrained'];
    const before = kept.map((k) => stateOf(state, k, 2 * DAY));
    expect(before[0]).toMatchObject({ openedAt: new Date(DAY).toISOString(), dueAt: new Date(3 * DAY).toISOString() });

    failRound(state, 're-transform', 2 * DAY);
    expect(kept.map((k) => stateOf(state, k, 2 * DAY))).toEqual(before);
    reportAll(state, ['extractLoaded', 'testSystemAvailable'], 3 * DAY);
    expect(kept.map((k) => stateOf(state, k, 3 * DAY))).toEqual(before);
  });

  it('gives the re-check in round 2 the shorter allowance (3 working days instead of 5)', () => {
    const state = roundReady();
    // Round 1: the check opened when patients were selected at 1000 ms and was due 5 working days later.
    expect(stateOf(state, 'dataCheckRoundCompleted', DAY).dueAt).toBe(new Date(6 * DAY).toISOString());
    failRound(state, 're-transform', 2 * DAY);
    reportAll(state, ['extractLoaded', 'testSystemAvailable'], 4 * DAY);
    expect(stateOf(state, 'dataCheckRoundCompleted', 4 * DAY)).toMatchObject({
      state: 'open',
      dueAt: new Date(7 * DAY).toISOString(),
    });
    expect(rejectionOf(() => passRound(state, 4 * DAY))).toBe('RoundNotReady');
    reportAs(state, 'dataCheckRoundCompleted', 5 * DAY);
    expect(passRound(state, 5 * DAY)).toEqual({ round: 2, outcome: 'passed', escalated: false });
    signOff(state, 5 * DAY);
    expect(statusOf(state, 5 * DAY)).toMatchObject({ status: 'signed-off', round: 2 });
  });

  it('after a failed round with re-extract, asks for a new extract and everything that follows it', () => {
    const state = roundReady();
    failRound(state, 're-extract', 2 * DAY);
    const now = 2 * DAY;
    expect(
      statesOf(
        state,
        [
          'extractRequested',
          'extractDelivered',
          'extractReceived',
          'extractLoaded',
          'testSystemAvailable',
          'adminUsersProvisioned',
          'usersTrained',
          'testCriteriaProvided',
          'patientsSelected',
          'dataCheckRoundCompleted',
        ],
        now,
      ),
    ).toEqual({
      extractRequested: 'open',
      extractDelivered: 'waiting',
      extractReceived: 'waiting',
      extractLoaded: 'waiting',
      testSystemAvailable: 'waiting',
      adminUsersProvisioned: 'done',
      usersTrained: 'done',
      testCriteriaProvided: 'done',
      patientsSelected: 'done',
      dataCheckRoundCompleted: 'waiting',
    });
    expect(stateOf(state, 'extractRequested', now).dueAt).toBe(new Date(now + 5 * DAY).toISOString());
    // The milestones of the new round are reported afresh, with the same details as before.
    expect(reportAs(state, 'extractRequested', 3 * DAY)).toMatchObject({ round: 2, duplicate: false });
    expect(rejectionOf(() => reportAs(state, 'extractReceived', 3 * DAY))).toBe('PrerequisitesNotMet');
  });

  it('tells the ICB when a failed round takes the migration past the maximum number of rounds', () => {
    const state = roundReady();
    let now = 2 * DAY;
    const results = [];
    for (let failures = 1; failures <= 5; failures++) {
      results.push(failRound(state, 're-transform', now));
      const alerts = takeDueAlerts(state, now);
      if (failures < 5) expect(kinds(alerts)).not.toContain('rounds-exceeded');
      else {
        expect(alerts.find((a) => a.kind === 'rounds-exceeded')).toMatchObject({
          recipients: expect.arrayContaining(['icb', 'delivery-partner']),
          round: 6,
          data: { maxRounds: 5 },
        });
      }
      now += DAY;
      reportAll(state, RE_TRANSFORM_REDO, now);
    }
    expect(results.map((r) => [r.nextRound, r.escalated])).toEqual([
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, true],
    ]);
    expect(statusOf(state, now)).toMatchObject({ round: 6, maxRounds: 5, atRisk: true });
  });

  it('counts rounds against the policy’s maximum', () => {
    const state = startProcess(kickoff(), compressedPolicy(DAY, { maxRounds: 1 }), 1, 0);
    prepareRound(state, DAY);
    expect(failRound(state, 're-transform', 2 * DAY)).toMatchObject({ nextRound: 2, escalated: true });
    expect(kinds(takeDueAlerts(state, 2 * DAY))).toContain('rounds-exceeded');
  });
});

describe('the six-week window for checking and transformation', () => {
  it('uses the ordinary allowance for sign-off when the round passes well inside the window', () => {
    const state = roundReady();
    passRound(state, 5 * DAY);
    expect(stateOf(state, 'signedOff', 5 * DAY).dueAt).toBe(new Date(7 * DAY).toISOString());
  });

  it('never lets sign-off fall due later than 30 working days after the extract was first requested', () => {
    const state = roundReady();
    passRound(state, 29.5 * DAY);
    // extractRequested was first completed at 1000 ms.
    expect(stateOf(state, 'signedOff', 29.5 * DAY).dueAt).toBe(new Date(31 * DAY).toISOString());
  });

  it('keeps counting from the first extract request when a later round asks for a new extract', () => {
    const state = roundReady();
    failRound(state, 're-extract', 10 * DAY);
    prepareRound(state, 12 * DAY);
    passRound(state, 29 * DAY);
    expect(stateOf(state, 'signedOff', 29 * DAY).dueAt).toBe(new Date(31 * DAY).toISOString());
  });

  it('makes sign-off overdue at once, and tells the ICB, when the round passes after the window has closed', () => {
    const state = roundReady();
    takeDueAlerts(state, 2 * DAY);
    passRound(state, 37 * DAY);
    expect(stateOf(state, 'signedOff', 37 * DAY)).toMatchObject({
      state: 'overdue',
      dueAt: new Date(31 * DAY).toISOString(),
    });
    expect(ofMilestone(takeDueAlerts(state, 37 * DAY), 'signedOff')).toEqual([
      expect.objectContaining({ kind: 'escalation', level: 2, recipients: ['practice', 'delivery-partner', 'icb'] }),
    ]);
  });
});
