import {
  applyPause,
  applyReport,
  compressedPolicy,
  nextAlertAt,
  ROLES,
  startProcess,
  statusOf,
  takeDueAlerts,
  type Alert,
  type IdpState,
  type ProcessPolicy,
} from '../../../../libs/domain/src/process';
import { actor, DAY, kickoff, kinds, ofMilestone, PLANNED_GO_LIVE, reportAll, reportAs, SESSION } from './fixtures';

/**
 * Kickoff at 0; the new supplier requests the extract on its due day (5 working days), and everything outside the
 * extract exchange is done then too. From 5000 on, only the current supplier's delivery is open: due at 10000.
 */
function waitingForTheCurrentSupplier(policy: ProcessPolicy = compressedPolicy(DAY)): IdpState {
  const state = startProcess(kickoff(), policy, 1, 0);
  expect(kinds(takeDueAlerts(state, 0))).toEqual(['kickoff']);
  reportAll(
    state,
    ['extractRequested', 'trainingScheduled', 'adminUsersProvisioned', 'practiceUsersSetUp', 'usersTrained'],
    5 * DAY,
  );
  takeDueAlerts(state, 5 * DAY);
  return state;
}

const DELIVERY_DUE = 10 * DAY;

describe('reminders, overdue notices, escalations and delay notices (compressed time)', () => {
  it('chases a late current supplier: reminders, overdue, escalation to the delivery partner and then the ICB', () => {
    const state = waitingForTheCurrentSupplier();
    expect(takeDueAlerts(state, DELIVERY_DUE - 2.5 * DAY - 1)).toEqual([]);

    const early = takeDueAlerts(state, DELIVERY_DUE - 2.5 * DAY);
    expect(early).toEqual([
      expect.objectContaining({
        kind: 'reminder',
        milestone: 'extractDelivered',
        recipients: ['current-supplier'],
        owner: 'current-supplier',
        dueAt: DELIVERY_DUE,
        round: 1,
      }),
    ]);
    expect(takeDueAlerts(state, DELIVERY_DUE - 2.5 * DAY)).toEqual([]);

    const onTheDay = takeDueAlerts(state, DELIVERY_DUE - 0.5 * DAY);
    expect(onTheDay).toEqual([expect.objectContaining({ kind: 'reminder', recipients: ['current-supplier'] })]);
    expect(onTheDay[0].key).not.toBe(early[0].key);

    const atDue = takeDueAlerts(state, DELIVERY_DUE);
    expect(atDue).toEqual([
      expect.objectContaining({
        kind: 'overdue',
        level: 0,
        milestone: 'extractDelivered',
        recipients: ['current-supplier'],
      }),
    ]);
    expect(statusOf(state, DELIVERY_DUE + 1)).toMatchObject({ overdueCount: 1, atRisk: true });

    const twoDaysLate = takeDueAlerts(state, DELIVERY_DUE + 2 * DAY);
    expect(ofMilestone(twoDaysLate, 'extractDelivered')).toEqual([
      expect.objectContaining({ kind: 'escalation', level: 1, recipients: ['current-supplier', 'delivery-partner'] }),
    ]);
    const firstNotice = twoDaysLate.find((a) => a.kind === 'delay-notice')!;
    expect(firstNotice).toMatchObject({
      recipients: [...ROLES],
      data: {
        plannedGoLive: PLANNED_GO_LIVE,
        previousForecastGoLive: PLANNED_GO_LIVE,
        forecastGoLive: '2027-03-17',
        slipWorkingDays: 2,
        lateMilestones: 'Initial data extract delivered (current-supplier)',
      },
    });
    expect(statusOf(state, DELIVERY_DUE + 2 * DAY).forecastGoLive).toBe('2027-03-17');
    expect(takeDueAlerts(state, DELIVERY_DUE + 2 * DAY)).toEqual([]);

    const fiveDaysLate = takeDueAlerts(state, DELIVERY_DUE + 5 * DAY);
    expect(ofMilestone(fiveDaysLate, 'extractDelivered')).toEqual([
      expect.objectContaining({
        kind: 'escalation',
        level: 2,
        recipients: ['current-supplier', 'delivery-partner', 'icb'],
      }),
    ]);
    expect(fiveDaysLate.find((a) => a.kind === 'delay-notice')!.data).toMatchObject({
      previousForecastGoLive: '2027-03-17',
      forecastGoLive: '2027-03-22',
      slipWorkingDays: 5,
    });
    expect(takeDueAlerts(state, DELIVERY_DUE + 5 * DAY)).toEqual([]);

    // Nothing further is scheduled for the delivery; the forecast keeps moving, so further notices may follow.
    expect(nextAlertAt(state, DELIVERY_DUE + 5 * DAY)).toBeUndefined();
  });

  it('sends only the latest of a milestone’s alerts when several are due at once, and marks the rest as sent', () => {
    const state = waitingForTheCurrentSupplier();
    const backlog = takeDueAlerts(state, DELIVERY_DUE + 2 * DAY);
    expect(ofMilestone(backlog, 'extractDelivered')).toEqual([
      expect.objectContaining({ kind: 'escalation', level: 1 }),
    ]);
    expect(kinds(backlog).sort()).toEqual(['delay-notice', 'escalation']);
    expect(takeDueAlerts(state, DELIVERY_DUE + 2 * DAY)).toEqual([]);
    // The reminders and the overdue notice it skipped never follow later.
    expect(ofMilestone(takeDueAlerts(state, DELIVERY_DUE + 4 * DAY), 'extractDelivered')).toEqual([]);
  });

  it('wakes the workflow exactly when the next alert is due, and at no other time', () => {
    const state = waitingForTheCurrentSupplier();
    const wakes: number[] = [];
    const sent: Alert[] = [];
    let now = 5 * DAY;
    for (let wake = nextAlertAt(state, now); wake !== undefined; wake = nextAlertAt(state, now)) {
      expect(wake).toBeGreaterThan(now);
      now = wake;
      wakes.push(now);
      sent.push(...takeDueAlerts(state, now));
    }
    expect(wakes).toEqual([7.5 * DAY, 9.5 * DAY, 10 * DAY, 12 * DAY, 15 * DAY]);
    expect(kinds(ofMilestone(sent, 'extractDelivered'))).toEqual([
      'reminder',
      'reminder',
      'overdue',
      'escalation',
      'escalation',
    ]);
    expect(new Set(sent.map((a) => a.key)).size).toBe(sent.length);
  });

  it('asks to wake immediately while a command has raised an alert that is not yet sent', () => {
    const state = startProcess(kickoff(), compressedPolicy(DAY), 1, 0);
    expect(nextAlertAt(state, 0)).toBe(0);
    takeDueAlerts(state, 0);
    // Extract request and training are due after 5 working days: the first reminder is 2 working days before.
    expect(nextAlertAt(state, 0)).toBe(2.5 * DAY);
  });

  it('schedules nothing while paused', () => {
    const state = waitingForTheCurrentSupplier();
    applyPause(state, actor('delivery-partner'), 'Practice closed for refurbishment', 6 * DAY);
    expect(nextAlertAt(state, 6 * DAY)).toBe(6 * DAY);
    expect(kinds(takeDueAlerts(state, 6 * DAY))).toEqual(['paused']);
    expect(nextAlertAt(state, 6 * DAY)).toBeUndefined();
    expect(takeDueAlerts(state, DELIVERY_DUE + 5 * DAY)).toEqual([]);
    expect(statusOf(state, DELIVERY_DUE + 5 * DAY)).toMatchObject({ status: 'paused', overdueCount: 0 });
  });

  it('holds back a delay notice until the forecast has moved by the policy’s threshold', () => {
    const state = waitingForTheCurrentSupplier(compressedPolicy(DAY, { delayNoticeThresholdWorkingDays: 3 }));
    expect(kinds(takeDueAlerts(state, DELIVERY_DUE + 2 * DAY))).toEqual(['escalation']);
    expect(takeDueAlerts(state, DELIVERY_DUE + 5 * DAY).find((a) => a.kind === 'delay-notice')?.data).toMatchObject({
      previousForecastGoLive: PLANNED_GO_LIVE,
      forecastGoLive: '2027-03-22',
    });
  });

  it('stops chasing a milestone once it is reported', () => {
    const state = waitingForTheCurrentSupplier();
    takeDueAlerts(state, DELIVERY_DUE);
    reportAs(state, 'extractDelivered', DELIVERY_DUE + DAY);
    const after = takeDueAlerts(state, DELIVERY_DUE + 5 * DAY);
    expect(ofMilestone(after, 'extractDelivered')).toEqual([]);
    expect(statusOf(state, DELIVERY_DUE + 5 * DAY).milestones.find((m) => m.key === 'extractDelivered')!.state).toBe(
      'done',
    );
  });
});

describe('training alerts', () => {
  function trainingScheduled(): IdpState {
    const state = startProcess(kickoff(), compressedPolicy(DAY), 1, 0);
    takeDueAlerts(state, 0);
    return state;
  }

  it('warns the practice and delivery partner when fewer staff were trained than the policy asks', () => {
    const state = trainingScheduled();
    reportAs(state, 'trainingScheduled', DAY);
    takeDueAlerts(state, DAY);
    applyReport(state, 'usersTrained', actor('new-supplier'), { trainedUsers: 1 }, 2 * DAY);
    const [warning] = takeDueAlerts(state, 2 * DAY);
    expect(warning).toMatchObject({
      kind: 'training-warning',
      recipients: ['practice', 'delivery-partner'],
      milestone: 'usersTrained',
      data: { trainedUsers: 1, minTrainedUsers: 2 },
    });
    expect(statusOf(state, 2 * DAY).warnings).toEqual(['few-trained-users']);
  });

  it('gives no warning when enough staff were trained', () => {
    const state = trainingScheduled();
    reportAs(state, 'trainingScheduled', DAY);
    takeDueAlerts(state, DAY);
    applyReport(state, 'usersTrained', actor('delivery-partner'), { trainedUsers: 2 }, 2 * DAY);
    expect(kinds(takeDueAlerts(state, 2 * DAY))).not.toContain('training-warning');
    expect(statusOf(state, 2 * DAY).warnings).toEqual([]);
  });

  it('invites the practice and delivery partner to a scheduled training session', () => {
    const state = trainingScheduled();
    applyReport(state, 'trainingScheduled', actor('new-supplier'), SESSION, DAY);
    expect(takeDueAlerts(state, DAY)).toEqual([
      expect.objectContaining({
        kind: 'training-invitation',
        recipients: ['practice', 'delivery-partner'],
        data: { startsAt: '2027-01-11T10:00:00Z', durationMinutes: 120, location: 'Room 2' },
      }),
    ]);
  });

  it('sends no invitation when training is reported without a session', () => {
    const state = trainingScheduled();
    applyReport(state, 'trainingScheduled', actor('new-supplier'), { note: 'Online modules' }, DAY);
    expect(kinds(takeDueAlerts(state, DAY))).not.toContain('training-invitation');
  });
});
