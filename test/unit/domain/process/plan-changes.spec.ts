import {
  applyCancel,
  applyParticipants,
  applyPause,
  applyReplan,
  applyResume,
  compressedPolicy,
  forecastGoLive,
  nextAlertAt,
  startProcess,
  statusOf,
  takeDueAlerts,
  type IdpState,
  type Participant,
} from '../../../../libs/domain/src/process';
import { actor, DAY, kickoff, kinds, ofMilestone, PLANNED_GO_LIVE, rejectionOf, reportAll, reportAs } from './fixtures';

const at = (ms: number) => new Date(ms).toISOString();

function started(): IdpState {
  const state = startProcess(kickoff(), compressedPolicy(DAY), 1, 0);
  takeDueAlerts(state, 0);
  return state;
}

function dueOf(state: IdpState, key: string, now: number): string | undefined {
  return statusOf(state, now).milestones.find((m) => m.key === key)!.dueAt;
}

describe('replanning', () => {
  it('moves a milestone’s due time, and its reminders and overdue notice with it', () => {
    const state = started();
    const first = ofMilestone(takeDueAlerts(state, 2.5 * DAY), 'extractRequested');
    expect(first).toEqual([expect.objectContaining({ kind: 'reminder', dueAt: 5 * DAY })]);

    applyReplan(
      state,
      { dueDates: { extractRequested: at(8 * DAY) }, reason: 'Supplier needs notice' },
      actor('delivery-partner'),
      3 * DAY,
    );
    expect(dueOf(state, 'extractRequested', 3 * DAY)).toBe(at(8 * DAY));
    // The old due time passes without an on-the-day reminder or an overdue notice.
    expect(ofMilestone(takeDueAlerts(state, 5 * DAY), 'extractRequested')).toEqual([]);
    expect(statusOf(state, 5 * DAY + 1).milestones.find((m) => m.key === 'extractRequested')!.state).toBe('open');

    const moved = ofMilestone(takeDueAlerts(state, 5.5 * DAY), 'extractRequested');
    expect(moved).toEqual([expect.objectContaining({ kind: 'reminder', dueAt: 8 * DAY })]);
    expect(moved[0].key).not.toBe(first[0].key);
    expect(ofMilestone(takeDueAlerts(state, 8 * DAY), 'extractRequested')).toEqual([
      expect.objectContaining({ kind: 'overdue', dueAt: 8 * DAY }),
    ]);
  });

  it('accepts a new due date for a milestone that is not open yet, and keeps it when the milestone opens', () => {
    const state = started();
    applyReplan(
      state,
      { dueDates: { extractDelivered: at(20 * DAY) }, reason: 'Christmas closure' },
      actor('icb'),
      DAY,
    );
    reportAs(state, 'extractRequested', 2 * DAY);
    expect(dueOf(state, 'extractDelivered', 2 * DAY)).toBe(at(20 * DAY));
  });

  it('shows a later due date as a slip in the forecast go-live until the go-live itself is replanned', () => {
    const state = started();
    const slipped = applyReplan(
      state,
      { dueDates: { extractRequested: at(8 * DAY) }, reason: 'Supplier needs notice' },
      actor('delivery-partner'),
      DAY,
    );
    expect(slipped).toEqual({ plannedGoLive: PLANNED_GO_LIVE, forecastGoLive: '2027-03-18', slipWorkingDays: 3 });

    const rebaselined = applyReplan(
      state,
      { plannedGoLive: '2027-04-12', reason: 'New go-live agreed' },
      actor('icb'),
      DAY,
    );
    expect(rebaselined).toEqual({ plannedGoLive: '2027-04-12', forecastGoLive: '2027-04-12', slipWorkingDays: 0 });
    expect(statusOf(state, DAY)).toMatchObject({
      plannedGoLive: '2027-04-12',
      forecastGoLive: '2027-04-12',
      atRisk: false,
    });
    expect(kinds(takeDueAlerts(state, DAY))).not.toContain('delay-notice');
  });

  it('re-baselines a late migration: no further delay notice until it slips against the new plan', () => {
    const state = started();
    reportAll(
      state,
      ['extractRequested', 'trainingScheduled', 'adminUsersProvisioned', 'practiceUsersSetUp', 'usersTrained'],
      5 * DAY,
    );
    const late = takeDueAlerts(state, 12 * DAY);
    expect(late.find((a) => a.kind === 'delay-notice')?.data?.forecastGoLive).toBe('2027-03-17');

    applyReplan(state, { plannedGoLive: '2027-04-05', reason: 'Supplier backlog' }, actor('icb'), 12 * DAY);
    expect(forecastGoLive(state, 12 * DAY).forecastGoLive).toBe('2027-04-05');
    expect(kinds(takeDueAlerts(state, 12 * DAY))).not.toContain('delay-notice');
    expect(takeDueAlerts(state, 15 * DAY).find((a) => a.kind === 'delay-notice')?.data).toMatchObject({
      plannedGoLive: '2027-04-05',
      previousForecastGoLive: '2027-04-05',
      forecastGoLive: '2027-04-08',
    });
  });

  it.each([
    ['the practice', actor('practice'), { plannedGoLive: '2027-04-12', reason: 'x' }, 'NotPermitted'],
    ['a supplier', actor('new-supplier'), { dueDates: { extractRequested: at(9 * DAY) }, reason: 'x' }, 'NotPermitted'],
    ['no reason', actor('icb'), { plannedGoLive: '2027-04-12', reason: ' ' }, 'InvalidPayload'],
    ['nothing to change', actor('icb'), { reason: 'x' }, 'InvalidPayload'],
    ['a malformed go-live', actor('icb'), { plannedGoLive: '12/04/2027', reason: 'x' }, 'InvalidPayload'],
    [
      'an unknown milestone',
      actor('icb'),
      { dueDates: { extractTeleported: at(9 * DAY) }, reason: 'x' },
      'UnknownMilestone',
    ],
    [
      'a due time in the past',
      actor('icb'),
      { dueDates: { extractRequested: at(DAY) }, reason: 'x' },
      'InvalidPayload',
    ],
    ['an unreadable due date', actor('icb'), { dueDates: { extractRequested: 'soon' }, reason: 'x' }, 'InvalidPayload'],
  ])('is refused with %s', (_label, by, command, type) => {
    const state = started();
    const before = JSON.stringify(state);
    expect(rejectionOf(() => applyReplan(state, command, by, 2 * DAY))).toBe(type);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('is refused for a milestone that is already done', () => {
    const state = started();
    reportAs(state, 'extractRequested', DAY);
    const command = { dueDates: { extractRequested: at(9 * DAY) }, reason: 'x' };
    expect(rejectionOf(() => applyReplan(state, command, actor('icb'), 2 * DAY))).toBe('MilestoneAlreadyCompleted');
  });
});

describe('pause and resume', () => {
  it('stops the clock while paused: no reminders, nothing overdue, status paused', () => {
    const state = started();
    applyPause(state, actor('icb'), 'Practice merger under review', DAY);
    expect(takeDueAlerts(state, DAY)).toEqual([
      expect.objectContaining({ kind: 'paused', recipients: expect.arrayContaining(['practice', 'current-supplier']) }),
    ]);
    expect(takeDueAlerts(state, 20 * DAY)).toEqual([]);
    expect(nextAlertAt(state, 20 * DAY)).toBeUndefined();
    expect(statusOf(state, 20 * DAY)).toMatchObject({
      status: 'paused',
      overdueCount: 0,
      pausedAt: at(DAY),
    });
    expect(statusOf(state, 20 * DAY).milestones.find((m) => m.key === 'extractRequested')!.state).toBe('open');
  });

  it('still accepts reports while paused', () => {
    const state = started();
    applyPause(state, actor('icb'), 'Practice merger under review', DAY);
    expect(rejectionOf(() => reportAs(state, 'extractRequested', 2 * DAY))).toBeUndefined();
  });

  it('moves every open deadline by the working days paused when it resumes', () => {
    const state = started();
    const before = {
      extractRequested: dueOf(state, 'extractRequested', DAY),
      trainingScheduled: dueOf(state, 'trainingScheduled', DAY),
      adminUsersProvisioned: dueOf(state, 'adminUsersProvisioned', DAY),
    };
    expect(before).toEqual({
      extractRequested: at(5 * DAY),
      trainingScheduled: at(5 * DAY),
      adminUsersProvisioned: at(10 * DAY),
    });
    applyPause(state, actor('delivery-partner'), 'Practice merger under review', DAY);
    takeDueAlerts(state, DAY);
    applyResume(state, actor('delivery-partner'), 4 * DAY);

    expect(statusOf(state, 4 * DAY).status).toBe('active');
    expect(dueOf(state, 'extractRequested', 4 * DAY)).toBe(at(8 * DAY));
    expect(dueOf(state, 'trainingScheduled', 4 * DAY)).toBe(at(8 * DAY));
    expect(dueOf(state, 'adminUsersProvisioned', 4 * DAY)).toBe(at(13 * DAY));
    // The go-live forecast moves by the pause too, and everyone is told.
    expect(forecastGoLive(state, 4 * DAY)).toMatchObject({ forecastGoLive: '2027-03-18', slipWorkingDays: 3 });
    const alerts = takeDueAlerts(state, 4 * DAY);
    expect(kinds(alerts)).toEqual(['resumed', 'delay-notice']);
    expect(alerts[1].data).toMatchObject({ previousForecastGoLive: PLANNED_GO_LIVE, forecastGoLive: '2027-03-18' });
    // The first reminder now comes 2.5 working days before the moved due time.
    expect(nextAlertAt(state, 4 * DAY)).toBe(5.5 * DAY);
  });

  it('gives a milestone that opened during the pause its full allowance from the resume, not more', () => {
    const state = started();
    applyPause(state, actor('delivery-partner'), 'Practice merger under review', DAY);
    reportAs(state, 'extractRequested', 2 * DAY);
    expect(dueOf(state, 'extractDelivered', 2 * DAY)).toBe(at(7 * DAY));
    applyResume(state, actor('delivery-partner'), 4 * DAY);
    // Open since before the pause: moved by the 3 days paused. Opened mid-pause: 5 working days from the resume.
    expect(dueOf(state, 'trainingScheduled', 4 * DAY)).toBe(at(8 * DAY));
    expect(dueOf(state, 'extractDelivered', 4 * DAY)).toBe(at(9 * DAY));
  });

  it('is refused for the practice and suppliers, without a reason, twice in a row, and resume when not paused', () => {
    const state = started();
    expect(rejectionOf(() => applyPause(state, actor('practice'), 'Holiday', DAY))).toBe('NotPermitted');
    expect(rejectionOf(() => applyPause(state, actor('new-supplier'), 'Holiday', DAY))).toBe('NotPermitted');
    expect(rejectionOf(() => applyPause(state, actor('icb'), '  ', DAY))).toBe('InvalidPayload');
    expect(rejectionOf(() => applyResume(state, actor('icb'), DAY))).toBe('MigrationNotPaused');
    applyPause(state, actor('icb'), 'Holiday', DAY);
    expect(rejectionOf(() => applyPause(state, actor('icb'), 'Holiday', DAY))).toBe('MigrationPaused');
    expect(rejectionOf(() => applyResume(state, actor('practice'), 2 * DAY))).toBe('NotPermitted');
    expect(statusOf(state, 2 * DAY).status).toBe('paused');
  });
});

describe('cancellation and participants', () => {
  it('lets only the ICB or delivery partner cancel, with a reason everyone is told', () => {
    const state = started();
    expect(rejectionOf(() => applyCancel(state, actor('practice'), 'Changed our mind', DAY))).toBe('NotPermitted');
    expect(rejectionOf(() => applyCancel(state, actor('icb'), '', DAY))).toBe('InvalidPayload');
    applyCancel(state, actor('delivery-partner'), 'Practice closing', DAY);
    expect(takeDueAlerts(state, DAY)).toEqual([
      expect.objectContaining({
        kind: 'cancelled',
        recipients: ['icb', 'delivery-partner', 'current-supplier', 'new-supplier', 'practice'],
        data: { reason: 'Practice closing' },
      }),
    ]);
    expect(nextAlertAt(state, 20 * DAY)).toBeUndefined();
    expect(takeDueAlerts(state, 20 * DAY)).toEqual([]);
    expect(statusOf(state, 20 * DAY)).toMatchObject({
      status: 'cancelled',
      atRisk: false,
      overdueCount: 0,
      cancellation: { reason: 'Practice closing', at: at(DAY), by: actor('delivery-partner') },
    });
  });

  it('replaces the participant list when the ICB or delivery partner changes it', () => {
    const state = started();
    const people: Participant[] = [
      { name: 'Jo Smith', organisation: 'Riverside Surgery', role: 'practice', email: 'jo.smith@nhs.net' },
      { name: 'Sam Lee', organisation: 'North CSU', role: 'delivery-partner', notificationPreference: 'sms' },
    ];
    expect(rejectionOf(() => applyParticipants(state, people, actor('practice')))).toBe('NotPermitted');
    expect(rejectionOf(() => applyParticipants(state, [], actor('icb')))).toBe('InvalidPayload');
    const noRole = [{ name: 'X', organisation: 'Y', role: 'patient' }] as unknown as Participant[];
    expect(rejectionOf(() => applyParticipants(state, noRole, actor('icb')))).toBe('InvalidPayload');
    const revision = state.revision;
    applyParticipants(state, people, actor('icb'));
    expect(statusOf(state, DAY)).toMatchObject({ participants: people, revision: revision + 1 });
  });
});
