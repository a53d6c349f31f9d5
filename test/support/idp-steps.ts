import type { WorkflowHandle } from '@temporalio/client';
import type { Actor, MilestonePayload, Role } from '@idp/domain';
import type { idp } from '@idp/workflows';
import { recordRoundOutcomeUpdate, reportMilestoneUpdate, signOffUpdate } from '@idp/workflows/idp/messages';

export const actors: Record<Role, Actor> = {
  icb: { role: 'icb', organisationId: 'QHG' },
  'delivery-partner': { role: 'delivery-partner', organisationId: 'CSU1' },
  'current-supplier': { role: 'current-supplier', organisationId: 'EMIS' },
  'new-supplier': { role: 'new-supplier', organisationId: 'TPP' },
  practice: { role: 'practice', organisationId: 'T00001', name: 'Pat Practice' },
};

type Handle = WorkflowHandle<typeof idp>;

export function report(
  handle: Handle,
  role: Role,
  milestone: string,
  payload: MilestonePayload = {},
  updateId?: string,
) {
  return handle.executeUpdate(reportMilestoneUpdate, { args: [{ actor: actors[role], milestone, payload }], updateId });
}

/** The extract exchange, access setup and training, in the order the guide describes, by their owners. */
export async function completePreparation(handle: Handle): Promise<void> {
  await report(handle, 'new-supplier', 'extractRequested');
  await report(handle, 'current-supplier', 'extractDelivered', { evidence: 'MESH message 42' });
  await report(handle, 'new-supplier', 'extractReceived');
  await report(handle, 'new-supplier', 'extractLoaded');
  await report(handle, 'new-supplier', 'testSystemAvailable');
  await report(handle, 'new-supplier', 'adminUsersProvisioned', {
    adminUsers: [{ name: 'Pat Practice' }, { name: 'Lee Admin' }],
  });
  await report(handle, 'practice', 'practiceUsersSetUp');
  await report(handle, 'new-supplier', 'trainingScheduled', {
    trainingSession: { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 120, location: 'Online' },
  });
  await report(handle, 'new-supplier', 'usersTrained', { trainedUsers: 2 });
}

/** Test criteria, patient selection and one completed check round. */
export async function completeCheckRound(handle: Handle, firstRound = true): Promise<void> {
  if (firstRound) {
    await report(handle, 'new-supplier', 'testCriteriaProvided');
    await report(handle, 'practice', 'patientsSelected');
  }
  await report(handle, 'practice', 'dataCheckRoundCompleted');
}

export function passRound(handle: Handle) {
  return handle.executeUpdate(recordRoundOutcomeUpdate, {
    args: [{ actor: actors.practice, command: { outcome: 'passed' } }],
  });
}

export function failRound(handle: Handle, remedy: 're-extract' | 're-transform') {
  return handle.executeUpdate(recordRoundOutcomeUpdate, {
    args: [{ actor: actors.practice, command: { outcome: 'failed', remedy } }],
  });
}

export function signOff(handle: Handle) {
  return handle.executeUpdate(signOffUpdate, {
    args: [{ actor: actors.practice, command: { clinicalLeadName: 'Dr Clinical Lead', declarationAccepted: true } }],
  });
}
