import {
  applyCancel,
  applyReport,
  applyRoundOutcome,
  applySignOff,
  compressedPolicy,
  forecastGoLive,
  startProcess,
  statusOf,
  takeDueAlerts,
  validateReport,
  type Alert,
  type IdpState,
} from '../../../../libs/domain/src/process';
import {
  actor,
  ADMINS,
  DAY,
  kickoff,
  kinds,
  passRound,
  PLANNED_GO_LIVE,
  prepareRound,
  rejectionOf,
  REPORTS,
  reportAll,
  reportAs,
  SESSION,
  signOff,
} from './fixtures';

const POLICY = compressedPolicy(DAY);

function started(optionalMilestones?: string[]): IdpState {
  return startProcess(kickoff({ optionalMilestones }), POLICY, 1, 0);
}

function milestoneState(state: IdpState, key: string, now: number) {
  return statusOf(state, now).milestones.find((m) => m.key === key)!.state;
}

describe('IDP process engine (compressed time: 1 working day = 1000 ms)', () => {
  describe('happy path', () => {
    it('runs from kickoff to sign-off with every milestone reported on time by its owner', () => {
      const state = started();
      const alerts: Alert[] = takeDueAlerts(state, 0);
      expect(kinds(alerts)).toEqual(['kickoff']);
      expect(statusOf(state, 0)).toMatchObject({ status: 'active', stage: 'preparing', round: 1 });

      const stages: string[] = [];
      let now = 0;
      for (const [key, role, payload] of REPORTS) {
        now += DAY / 2;
        const result = applyReport(state, key, actor(role), payload, now);
        expect(result).toEqual({
          milestone: key,
          round: 1,
          completedAt: new Date(now).toISOString(),
          duplicate: false,
        });
        alerts.push(...takeDueAlerts(state, now));
        stages.push(statusOf(state, now).stage);
      }
      // Data checking starts once the test system is live, the admins exist and someone is trained.
      expect(
        stages.slice(
          0,
          REPORTS.findIndex(([k]) => k === 'usersTrained'),
        ),
      ).toEqual(Array(REPORTS.findIndex(([k]) => k === 'usersTrained')).fill('preparing'));
      expect(stages[REPORTS.findIndex(([k]) => k === 'usersTrained')]).toBe('data-checking');
      expect(stages[stages.length - 1]).toBe('data-checking');

      now += DAY / 2;
      expect(passRound(state, now)).toEqual({ round: 1, outcome: 'passed', escalated: false });
      alerts.push(...takeDueAlerts(state, now));
      const awaiting = statusOf(state, now);
      expect(awaiting.stage).toBe('awaiting-sign-off');
      expect(awaiting.nextActions).toEqual({
        practice: [expect.objectContaining({ milestone: 'signedOff', state: 'open' })],
      });

      now += DAY / 2;
      expect(signOff(state, now)).toEqual({ signedAt: new Date(now).toISOString() });
      alerts.push(...takeDueAlerts(state, now));

      const status = statusOf(state, now);
      expect(status).toMatchObject({
        status: 'signed-off',
        stage: 'signed-off',
        overdueCount: 0,
        atRisk: false,
        slipWorkingDays: 0,
        forecastGoLive: PLANNED_GO_LIVE,
        plannedGoLive: PLANNED_GO_LIVE,
        signOff: { clinicalLeadName: 'Dr Ruth Okafor', signedBy: actor('practice') },
      });
      expect(status.milestones.filter((m) => !m.optional).map((m) => m.state)).toEqual(Array(14).fill('done'));
      expect(status.milestones.filter((m) => m.optional).map((m) => m.state)).toEqual(['waived', 'waived']);
      expect(status.phases.map((p) => p.state)).toEqual(['done', 'done', 'done', 'done']);
      expect(status.nextActions).toEqual({});
      expect(kinds(alerts)).toEqual(
        expect.arrayContaining(['kickoff', 'training-invitation', 'round-outcome', 'signed-off']),
      );
      expect(alerts.filter((a) => ['overdue', 'escalation', 'delay-notice'].includes(a.kind))).toEqual([]);
      expect(alerts.find((a) => a.kind === 'signed-off')!.recipients).toEqual([
        'icb',
        'delivery-partner',
        'current-supplier',
        'new-supplier',
        'practice',
      ]);
    });

    it('forecasts the planned go-live while work is on time, and records who completed each milestone', () => {
      const state = started();
      expect(forecastGoLive(state, 0)).toEqual({
        plannedGoLive: PLANNED_GO_LIVE,
        forecastGoLive: PLANNED_GO_LIVE,
        slipWorkingDays: 0,
      });
      reportAs(state, 'extractRequested', 3 * DAY);
      const status = statusOf(state, 3 * DAY);
      expect(status.forecastGoLive).toBe(PLANNED_GO_LIVE);
      expect(status.milestones.find((m) => m.key === 'extractRequested')).toMatchObject({
        state: 'done',
        completedAt: new Date(3 * DAY).toISOString(),
        completedBy: actor('new-supplier'),
      });
      expect(status.milestones.find((m) => m.key === 'extractDelivered')).toMatchObject({
        state: 'open',
        dueAt: new Date(8 * DAY).toISOString(),
      });
      expect(status.nextActions['current-supplier']).toEqual([
        {
          milestone: 'extractDelivered',
          title: 'Initial data extract delivered',
          state: 'open',
          dueAt: new Date(8 * DAY).toISOString(),
        },
      ]);
    });

    it('lets the delivery partner report training milestones on the new supplier’s behalf', () => {
      const state = started();
      expect(
        rejectionOf(() => applyReport(state, 'trainingScheduled', actor('delivery-partner'), SESSION, DAY)),
      ).toBeUndefined();
      expect(
        rejectionOf(() => applyReport(state, 'usersTrained', actor('delivery-partner'), { trainedUsers: 3 }, DAY)),
      ).toBeUndefined();
      expect(milestoneState(state, 'usersTrained', DAY)).toBe('done');
    });
  });

  describe('report validation', () => {
    it('rejects an unknown milestone', () => {
      const state = started();
      expect(rejectionOf(() => applyReport(state, 'extractTeleported', actor('new-supplier'), {}, 0))).toBe(
        'UnknownMilestone',
      );
    });

    it('rejects a report from a role that does not own the milestone', () => {
      const state = started();
      expect(rejectionOf(() => applyReport(state, 'extractRequested', actor('practice'), {}, 0))).toBe(
        'NotMilestoneOwner',
      );
      expect(rejectionOf(() => applyReport(state, 'extractRequested', actor('current-supplier'), {}, 0))).toBe(
        'NotMilestoneOwner',
      );
      expect(milestoneState(state, 'extractRequested', 0)).toBe('open');
    });

    it('rejects a report whose prerequisites are not done, naming them', () => {
      const state = started();
      expect(() => applyReport(state, 'extractDelivered', actor('current-supplier'), {}, 0)).toThrow(
        expect.objectContaining({ type: 'PrerequisitesNotMet', message: expect.stringContaining('extractRequested') }),
      );
    });

    it('treats the same report twice as a duplicate that changes nothing', () => {
      const state = started();
      const first = reportAs(state, 'adminUsersProvisioned', DAY);
      const snapshot = JSON.stringify(state);
      const again = applyReport(state, 'adminUsersProvisioned', actor('new-supplier'), ADMINS, 2 * DAY);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(JSON.stringify(state)).toBe(snapshot);
      expect(statusOf(state, 2 * DAY).revision).toBe(2);
    });

    it('rejects a repeat of the same report from a role that may not report the milestone', () => {
      const state = started();
      reportAs(state, 'extractRequested', DAY);
      expect(rejectionOf(() => applyReport(state, 'extractRequested', actor('practice'), {}, DAY))).toBe(
        'NotMilestoneOwner',
      );
    });

    it('rejects the same milestone reported again with different details', () => {
      const state = started();
      reportAs(state, 'adminUsersProvisioned', DAY);
      const other = { adminUsers: [{ name: 'Someone Else' }] };
      expect(rejectionOf(() => applyReport(state, 'adminUsersProvisioned', actor('new-supplier'), other, DAY))).toBe(
        'MilestoneAlreadyCompleted',
      );
      expect(state.milestones.adminUsersProvisioned.payload).toEqual(ADMINS);
    });

    it.each([
      ['no admin users', []],
      ['four admin users', [{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'D' }]],
      ['an admin user without a name', [{ name: '  ' }]],
    ])('rejects adminUsersProvisioned with %s', (_label, adminUsers) => {
      const state = started();
      expect(
        rejectionOf(() => applyReport(state, 'adminUsersProvisioned', actor('new-supplier'), { adminUsers }, 0)),
      ).toBe('InvalidPayload');
      expect(milestoneState(state, 'adminUsersProvisioned', 0)).toBe('open');
    });

    it('accepts one to three admin users', () => {
      for (const n of [1, 3]) {
        const state = started();
        const adminUsers = Array.from({ length: n }, (_, i) => ({ name: `Admin ${i + 1}` }));
        expect(
          rejectionOf(() => applyReport(state, 'adminUsersProvisioned', actor('new-supplier'), { adminUsers }, 0)),
        ).toBe(undefined);
      }
    });

    it.each([
      ['without trainedUsers', {}],
      ['with trainedUsers: 0', { trainedUsers: 0 }],
      ['with a fractional trainedUsers', { trainedUsers: 1.5 }],
    ])('rejects usersTrained %s', (_label, payload) => {
      const state = started();
      reportAs(state, 'trainingScheduled', 0);
      expect(rejectionOf(() => applyReport(state, 'usersTrained', actor('new-supplier'), payload, 0))).toBe(
        'InvalidPayload',
      );
    });

    it('rejects a training session without a valid start or duration', () => {
      const state = started();
      const bad = { trainingSession: { startsAt: 'next Tuesday', durationMinutes: 60 } };
      expect(rejectionOf(() => applyReport(state, 'trainingScheduled', actor('new-supplier'), bad, 0))).toBe(
        'InvalidPayload',
      );
      const noLength = { trainingSession: { startsAt: '2027-01-11T10:00:00Z', durationMinutes: 0 } };
      expect(rejectionOf(() => applyReport(state, 'trainingScheduled', actor('new-supplier'), noLength, 0))).toBe(
        'InvalidPayload',
      );
    });

    it('rejects an optional milestone the kickoff did not include', () => {
      const state = started();
      reportAs(state, 'extractRequested', 0);
      expect(
        rejectionOf(() => applyReport(state, 'subsidiaryExtractDelivered', actor('current-supplier'), {}, 0)),
      ).toBe('MilestoneNotIncluded');
    });

    it('waits for an included optional milestone before the test system can be made available', () => {
      const state = started(['subsidiaryExtractDelivered', 'subsidiaryExtractLoaded']);
      reportAll(state, ['extractRequested', 'extractDelivered', 'extractReceived', 'extractLoaded'], 0);
      expect(rejectionOf(() => reportAs(state, 'testSystemAvailable', 0))).toBe('PrerequisitesNotMet');
      applyReport(state, 'subsidiaryExtractDelivered', actor('current-supplier'), {}, 0);
      applyReport(state, 'subsidiaryExtractLoaded', actor('new-supplier'), {}, 0);
      expect(rejectionOf(() => reportAs(state, 'testSystemAvailable', 0))).toBeUndefined();
    });

    it('refuses a kickoff that asks for an optional milestone the graph does not have', () => {
      expect(rejectionOf(() => startProcess(kickoff({ optionalMilestones: ['extractRequested'] }), POLICY, 1, 0))).toBe(
        'UnknownMilestone',
      );
    });

    it('refuses to complete the round outcome or the sign-off through a milestone report', () => {
      const state = started();
      prepareRound(state, 0);
      expect(rejectionOf(() => applyReport(state, 'dataCheckPassed', actor('practice'), {}, 0))).toBe(
        'WrongCommandForMilestone',
      );
      passRound(state, 0);
      expect(rejectionOf(() => applyReport(state, 'signedOff', actor('practice'), {}, 0))).toBe(
        'WrongCommandForMilestone',
      );
    });

    it('validates without changing anything', () => {
      const state = started();
      const snapshot = JSON.stringify(state);
      expect(() => validateReport(state, 'extractRequested', actor('new-supplier'), {}, 0)).not.toThrow();
      expect(JSON.stringify(state)).toBe(snapshot);
    });

    it('rejects reports, round outcomes and sign-offs once the migration is cancelled', () => {
      const state = started();
      prepareRound(state, DAY);
      applyCancel(state, actor('icb'), 'Practice merger', 2 * DAY);
      expect(
        rejectionOf(() => applyReport(state, 'practiceUsersSetUp', actor('practice'), { note: 'x' }, 2 * DAY)),
      ).toBe('MigrationClosed');
      expect(rejectionOf(() => passRound(state, 2 * DAY))).toBe('MigrationClosed');
      expect(statusOf(state, 2 * DAY)).toMatchObject({ status: 'cancelled', stage: 'cancelled', nextActions: {} });
      expect(takeDueAlerts(state, 2 * DAY).find((a) => a.kind === 'cancelled')).toMatchObject({
        data: { reason: 'Practice merger' },
      });
    });

    it('rejects further reports after sign-off', () => {
      const state = started();
      prepareRound(state, DAY);
      passRound(state, DAY);
      signOff(state, DAY);
      expect(rejectionOf(() => reportAs(state, 'practiceUsersSetUp', 2 * DAY))).toBe('MigrationClosed');
      expect(rejectionOf(() => applyCancel(state, actor('icb'), 'too late', 2 * DAY))).toBe('MigrationClosed');
    });
  });

  describe('data checking gate', () => {
    it('opens testCriteriaProvided only when the test system is available, the admins exist and users are trained', () => {
      const state = started();
      reportAll(
        state,
        ['extractRequested', 'extractDelivered', 'extractReceived', 'extractLoaded', 'trainingScheduled'],
        0,
      );
      const gate = ['testSystemAvailable', 'adminUsersProvisioned', 'usersTrained'];
      for (const [i, key] of gate.entries()) {
        expect(() => reportAs(state, 'testCriteriaProvided', DAY)).toThrow(
          expect.objectContaining({
            type: 'PrerequisitesNotMet',
            message: expect.stringContaining(gate.slice(i).join(', ')),
          }),
        );
        expect(milestoneState(state, 'testCriteriaProvided', DAY)).toBe('waiting');
        expect(statusOf(state, DAY).stage).toBe('preparing');
        reportAs(state, key, DAY);
      }
      expect(milestoneState(state, 'testCriteriaProvided', DAY)).toBe('open');
      expect(statusOf(state, DAY).stage).toBe('data-checking');
      expect(rejectionOf(() => reportAs(state, 'testCriteriaProvided', DAY))).toBeUndefined();
    });

    it('does not need the practice team to be set up before data checking starts', () => {
      const state = started();
      prepareRound(state, 0);
      expect(milestoneState(state, 'practiceUsersSetUp', 0)).toBe('done');
      const other = started();
      for (const [key] of REPORTS) if (key !== 'practiceUsersSetUp') reportAs(other, key, 0);
      expect(milestoneState(other, 'dataCheckPassed', 0)).toBe('open');
    });
  });

  describe('sign-off', () => {
    it('is refused before a round has passed, from anyone but the practice, and without the declaration', () => {
      const state = started();
      prepareRound(state, 0);
      expect(rejectionOf(() => signOff(state, 0))).toBe('PrerequisitesNotMet');
      passRound(state, 0);
      const command = { clinicalLeadName: 'Dr Ruth Okafor', declarationAccepted: true };
      expect(rejectionOf(() => applySignOff(state, command, actor('delivery-partner'), 0))).toBe('NotMilestoneOwner');
      expect(
        rejectionOf(() => applySignOff(state, { ...command, declarationAccepted: false }, actor('practice'), 0)),
      ).toBe('InvalidPayload');
      expect(rejectionOf(() => applySignOff(state, { ...command, clinicalLeadName: ' ' }, actor('practice'), 0))).toBe(
        'InvalidPayload',
      );
      expect(statusOf(state, 0).status).toBe('active');
      expect(rejectionOf(() => applySignOff(state, command, actor('practice'), 0))).toBeUndefined();
      expect(statusOf(state, 0).status).toBe('signed-off');
    });

    it('refuses a round outcome from a supplier', () => {
      const state = started();
      prepareRound(state, 0);
      expect(rejectionOf(() => applyRoundOutcome(state, { outcome: 'passed' }, actor('new-supplier'), 0))).toBe(
        'NotMilestoneOwner',
      );
      expect(
        rejectionOf(() => applyRoundOutcome(state, { outcome: 'passed' }, actor('delivery-partner'), 0)),
      ).toBeUndefined();
    });
  });
});
