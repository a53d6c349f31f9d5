import {
  applyPause,
  applyReplan,
  applyResume,
  DEFAULT_POLICY,
  nextAlertAt,
  startProcess,
  statusOf,
  takeDueAlerts,
  type Alert,
  type IdpState,
} from '../../../../libs/domain/src/process';
import {
  actor,
  kickoff,
  kinds,
  london,
  ofMilestone,
  passRound,
  PLANNED_GO_LIVE,
  prepareRound,
  REPORTS,
  reportAll,
  reportAs,
  signOff,
  workingMorning,
} from './fixtures';

const iso = (ms: number) => new Date(ms).toISOString();

/** Friday 18 December 2026, 10:00 in London (GMT). */
const FRIDAY_BEFORE_CHRISTMAS = london('2026-12-18', 10);

function kickedOff(at: number): IdpState {
  const state = startProcess(kickoff(), DEFAULT_POLICY, 1, at);
  expect(kinds(takeDueAlerts(state, at))).toEqual(['kickoff']);
  return state;
}

function milestone(state: IdpState, key: string, now: number) {
  return statusOf(state, now).milestones.find((m) => m.key === key)!;
}

describe('IDP process on the working-day calendar of England and Wales (DEFAULT_POLICY)', () => {
  it('gives the extract request 5 working days, skipping Christmas Day and the Boxing Day substitute holiday', () => {
    const state = kickedOff(FRIDAY_BEFORE_CHRISTMAS);
    expect(iso(FRIDAY_BEFORE_CHRISTMAS)).toBe('2026-12-18T10:00:00.000Z');
    expect(milestone(state, 'extractRequested', FRIDAY_BEFORE_CHRISTMAS)).toMatchObject({
      state: 'open',
      owner: 'new-supplier',
      dueAt: '2026-12-29T17:00:00.000Z',
    });
  });

  it('reminds the owner at 09:00 two working days before the due day and on the due day', () => {
    const state = kickedOff(FRIDAY_BEFORE_CHRISTMAS);
    const wake = nextAlertAt(state, FRIDAY_BEFORE_CHRISTMAS)!;
    expect(iso(wake)).toBe('2026-12-23T09:00:00.000Z');
    expect(ofMilestone(takeDueAlerts(state, wake), 'extractRequested')).toEqual([
      expect.objectContaining({ kind: 'reminder', recipients: ['new-supplier'], dueAt: london('2026-12-29', 17) }),
    ]);
    const onTheDay = nextAlertAt(state, wake)!;
    expect(iso(onTheDay)).toBe('2026-12-29T09:00:00.000Z');
  });

  it('runs to sign-off with one milestone reported each working morning, on time, keeping the planned go-live', () => {
    const state = kickedOff(FRIDAY_BEFORE_CHRISTMAS);
    const order = [
      'extractRequested',
      'trainingScheduled',
      'adminUsersProvisioned',
      'extractDelivered',
      'extractReceived',
      'extractLoaded',
      'practiceUsersSetUp',
      'testSystemAvailable',
      'usersTrained',
      'testCriteriaProvided',
      'patientsSelected',
      'dataCheckRoundCompleted',
    ];
    expect([...order].sort()).toEqual(REPORTS.map(([k]) => k).sort());
    const alerts: Alert[] = [];
    const stages: string[] = [];
    let day = 0;
    for (const key of order) {
      const now = workingMorning('2026-12-18', day++);
      alerts.push(...takeDueAlerts(state, now));
      reportAs(state, key, now);
      stages.push(statusOf(state, now).stage);
    }
    expect(stages[order.indexOf('testSystemAvailable')]).toBe('preparing');
    expect(stages[order.indexOf('usersTrained')]).toBe('data-checking');

    const passedAt = workingMorning('2026-12-18', day++);
    expect(iso(passedAt)).toBe('2027-01-08T11:00:00.000Z');
    passRound(state, passedAt);
    expect(statusOf(state, passedAt).stage).toBe('awaiting-sign-off');
    expect(milestone(state, 'signedOff', passedAt).dueAt).toBe('2027-01-12T17:00:00.000Z');

    const signedAt = workingMorning('2026-12-18', day++);
    signOff(state, signedAt);
    alerts.push(...takeDueAlerts(state, signedAt));
    expect(statusOf(state, signedAt)).toMatchObject({
      status: 'signed-off',
      stage: 'signed-off',
      overdueCount: 0,
      forecastGoLive: PLANNED_GO_LIVE,
      slipWorkingDays: 0,
    });
    expect(alerts.filter((a) => ['overdue', 'escalation', 'delay-notice'].includes(a.kind))).toEqual([]);
  });

  describe('a current supplier late over Christmas', () => {
    /** Kickoff Friday 11 December; the extract is requested on its due day, Friday 18 December. */
    function waitingForTheExtract(): IdpState {
      const state = kickedOff(london('2026-12-11', 10));
      reportAll(
        state,
        ['extractRequested', 'trainingScheduled', 'adminUsersProvisioned', 'practiceUsersSetUp', 'usersTrained'],
        london('2026-12-18', 11),
      );
      expect(kinds(takeDueAlerts(state, london('2026-12-18', 11)))).toEqual(['training-invitation']);
      return state;
    }

    it('is reminded, told it is overdue, then escalated to the delivery partner and the ICB in working days', () => {
      const state = waitingForTheExtract();
      expect(milestone(state, 'extractDelivered', london('2026-12-18', 11)).dueAt).toBe('2026-12-29T17:00:00.000Z');

      const sent: Array<[string, Alert]> = [];
      let now = london('2026-12-18', 11);
      for (let wake = nextAlertAt(state, now); wake !== undefined; wake = nextAlertAt(state, now)) {
        now = wake;
        for (const alert of takeDueAlerts(state, now)) sent.push([iso(now), alert]);
      }
      const delivery = sent.filter(([, a]) => a.milestone === 'extractDelivered');
      expect(delivery.map(([when, a]) => [when, a.kind, a.recipients])).toEqual([
        ['2026-12-23T09:00:00.000Z', 'reminder', ['current-supplier']],
        ['2026-12-29T09:00:00.000Z', 'reminder', ['current-supplier']],
        ['2026-12-29T17:00:00.000Z', 'overdue', ['current-supplier']],
        ['2026-12-31T17:00:00.000Z', 'escalation', ['current-supplier', 'delivery-partner']],
        ['2027-01-06T17:00:00.000Z', 'escalation', ['current-supplier', 'delivery-partner', 'icb']],
      ]);
      const notices = sent.filter(([, a]) => a.kind === 'delay-notice');
      expect(notices.map(([when, a]) => [when, a.recipients.length, a.data?.forecastGoLive])).toEqual([
        ['2026-12-31T17:00:00.000Z', 5, '2027-03-17'],
        ['2027-01-06T17:00:00.000Z', 5, '2027-03-22'],
      ]);
      expect(statusOf(state, now)).toMatchObject({ overdueCount: 1, atRisk: true, forecastGoLive: '2027-03-22' });
    });
  });

  describe('pause and resume', () => {
    it('moves open deadlines by the working days the migration was paused', () => {
      const state = kickedOff(FRIDAY_BEFORE_CHRISTMAS);
      applyPause(state, actor('icb'), 'Practice merger under review', london('2026-12-21', 10));
      applyResume(state, actor('icb'), london('2026-12-24', 10));
      expect(milestone(state, 'extractRequested', london('2026-12-24', 10)).dueAt).toBe('2027-01-04T17:00:00.000Z');
    });

    it('does not count bank holidays and weekends in a pause over Christmas', () => {
      const state = kickedOff(FRIDAY_BEFORE_CHRISTMAS);
      applyPause(state, actor('icb'), 'Practice closed over Christmas', london('2026-12-23', 12));
      applyResume(state, actor('icb'), london('2026-12-29', 9));
      // Paused for Thursday 24 and Tuesday 29 December only: due 29 December moves to 31 December.
      expect(milestone(state, 'extractRequested', london('2026-12-29', 9)).dueAt).toBe('2026-12-31T17:00:00.000Z');
    });
  });

  it('reads a replanned due date as the end of that working day, or of the next one after a holiday', () => {
    const state = kickedOff(FRIDAY_BEFORE_CHRISTMAS);
    const command = {
      dueDates: { extractRequested: '2027-01-01', trainingScheduled: '2027-01-06' },
      reason: 'Holidays',
    };
    applyReplan(state, command, actor('delivery-partner'), london('2026-12-21', 10));
    expect(milestone(state, 'extractRequested', london('2026-12-21', 10)).dueAt).toBe('2027-01-04T17:00:00.000Z');
    expect(milestone(state, 'trainingScheduled', london('2026-12-21', 10)).dueAt).toBe('2027-01-06T17:00:00.000Z');
  });

  it('puts due times at 17:00 London time in summer too (16:00 UTC)', () => {
    const state = kickedOff(london('2027-06-01', 10));
    expect(milestone(state, 'extractRequested', london('2027-06-01', 10)).dueAt).toBe('2027-06-08T16:00:00.000Z');
  });

  it('caps sign-off at 30 working days after the first extract request', () => {
    const state = startProcess(kickoff(), DEFAULT_POLICY, 1, london('2026-12-18', 10));
    prepareRound(state, london('2027-01-04', 11));
    passRound(state, london('2027-02-12', 11));
    // The ordinary allowance would run to Tuesday 16 February; 30 working days after 4 January is Monday 15 February.
    expect(milestone(state, 'signedOff', london('2027-02-12', 11)).dueAt).toBe('2027-02-15T17:00:00.000Z');
  });
});
