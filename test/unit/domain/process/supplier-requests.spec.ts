import {
  applyPause,
  applyResume,
  compressedPolicy,
  recordSupplierRequestFailure,
  startProcess,
  statusOf,
  takeSupplierRequests,
  type IdpState,
  type SupplierRequest,
} from '../../../../libs/domain/src/process';
import { actor, DAY, failRound, kickoff, prepareRound, reportAs, reportAll, REPORTS } from './fixtures';

const summary = (requests: SupplierRequest[]) =>
  requests.map((r) => `${r.kind} → ${r.supplierRole} r${r.round}: ${r.milestones.join(',')}`);

function started(optionalMilestones?: string[]): IdpState {
  return startProcess(kickoff({ optionalMilestones }), compressedPolicy(DAY), 1, 0);
}

describe('supplier requests', () => {
  it('asks the new supplier at kickoff for the extract request, admin users and training, each once', () => {
    const state = started();
    const first = takeSupplierRequests(state, 10);
    expect(summary(first)).toEqual([
      'request-extract → new-supplier r1: extractRequested',
      'provision-admin-users → new-supplier r1: adminUsersProvisioned',
      'schedule-training → new-supplier r1: trainingScheduled,usersTrained',
    ]);
    expect(first[0]).toMatchObject({
      key: 'mig-1:request-extract:new-supplier:r1',
      milestone: 'extractRequested',
      dueAt: 5 * DAY,
    });
    expect(takeSupplierRequests(state, 20)).toEqual([]);
  });

  it('asks the current supplier for the extract once the new supplier requested it, subsidiary extract included', () => {
    const state = started(['subsidiaryExtractDelivered', 'subsidiaryExtractLoaded']);
    takeSupplierRequests(state, 10);
    reportAs(state, 'extractRequested', DAY);
    expect(summary(takeSupplierRequests(state, DAY))).toEqual([
      'request-extract → current-supplier r1: extractDelivered,subsidiaryExtractDelivered',
    ]);
  });

  it('asks the new supplier for the test environment once the extract is delivered, and for criteria once it is ready', () => {
    const state = started();
    takeSupplierRequests(state, 10);
    reportAll(state, ['extractRequested', 'extractDelivered'], DAY);
    expect(summary(takeSupplierRequests(state, DAY))).toEqual([
      'request-test-environment → new-supplier r1: extractReceived,extractLoaded,testSystemAvailable',
    ]);
    reportAll(state, ['extractReceived', 'extractLoaded', 'testSystemAvailable', 'adminUsersProvisioned'], 2 * DAY);
    reportAll(state, ['trainingScheduled', 'usersTrained'], 2 * DAY);
    expect(summary(takeSupplierRequests(state, 2 * DAY))).toEqual([
      'request-test-criteria → new-supplier r1: testCriteriaProvided',
    ]);
  });

  it('sends the selected patients and reports to the new supplier once they are selected', () => {
    const state = started();
    for (const [key] of REPORTS.filter(([k]) => k !== 'dataCheckRoundCompleted')) reportAs(state, key, DAY);
    const requests = takeSupplierRequests(state, DAY);
    expect(requests.find((r) => r.kind === 'send-selected-patients-and-reports')).toMatchObject({
      supplierRole: 'new-supplier',
      milestone: 'patientsSelected',
      milestones: [],
      round: 1,
    });
  });

  it.each([
    ['re-extract', 'current-supplier', 'request-extract → new-supplier r2: extractRequested'],
    ['re-transform', 'new-supplier', 'request-test-environment → new-supplier r2: extractLoaded,testSystemAvailable'],
  ] as const)(
    'after a round failed with %s, tells the %s the issues and asks again for what is redone',
    (remedy, to, redo) => {
      const state = started();
      prepareRound(state, DAY);
      takeSupplierRequests(state, DAY);
      failRound(state, remedy, 2 * DAY);
      const requests = takeSupplierRequests(state, 2 * DAY);
      expect(requests.find((r) => r.kind === 'report-issues')).toMatchObject({
        key: `mig-1:report-issues:${to}:r1`,
        supplierRole: to,
        round: 1,
        remedy,
        summary: { openIssues: 3 },
      });
      expect(summary(requests)).toContain(redo);
      // Patients selected in round 1 are not sent again for round 2.
      expect(requests.some((r) => r.kind === 'send-selected-patients-and-reports')).toBe(false);
      expect(takeSupplierRequests(state, 3 * DAY)).toEqual([]);
    },
  );

  it('asks nothing while paused, and asks what is due once resumed', () => {
    const state = started();
    applyPause(state, actor('icb'), 'practice merger', 1);
    expect(takeSupplierRequests(state, 10)).toEqual([]);
    applyResume(state, actor('icb'), 5);
    expect(takeSupplierRequests(state, 10)).toHaveLength(3);
  });

  it('loads a state carried from before supplier requests existed', () => {
    const state = started();
    delete state.supplierRequests;
    expect(takeSupplierRequests(state, 10)).toHaveLength(3);
    expect(state.supplierRequests).toHaveLength(3);
  });

  it('shows a supplier that could not be reached as a warning on the migration', () => {
    const state = started();
    const [request] = takeSupplierRequests(state, 10);
    recordSupplierRequestFailure(state, request);
    recordSupplierRequestFailure(state, request);
    expect(statusOf(state, 20).warnings).toEqual(['supplier-request-failed:request-extract']);
  });
});
