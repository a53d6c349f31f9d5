import { addWorkingDays, londonTimeToEpochMs, type IsoDate } from '../../../../libs/domain/src/calendar';
import {
  applyReport,
  applyRoundOutcome,
  applySignOff,
  ProcessRejection,
  ROLES,
  type Actor,
  type Alert,
  type IdpState,
  type KickoffDetails,
  type MilestonePayload,
  type RejectionType,
  type Role,
} from '../../../../libs/domain/src/process';

/** One working day of compressed time in these tests. */
export const DAY = 1000;

export const PLANNED_GO_LIVE: IsoDate = '2027-03-15';

export function actor(role: Role): Actor {
  return { role, organisationId: `org-${role}`, name: `A person at the ${role}` };
}

export function kickoff(overrides: Partial<KickoffDetails> = {}): KickoffDetails {
  return {
    migrationId: 'mig-1',
    practiceOdsCode: 'A81001',
    practiceName: 'The Riverside Surgery',
    icbCode: 'QHG',
    currentSupplier: 'EMIS',
    newSupplier: 'TPP',
    plannedGoLive: PLANNED_GO_LIVE,
    participants: ROLES.map((role) => ({ name: `Contact at ${role}`, organisation: `org-${role}`, role })),
    kickedOffBy: actor('icb'),
    ...overrides,
  };
}

export const ADMINS = { adminUsers: [{ name: 'Asha Patel', email: 'asha.patel@nhs.net' }] };
export const SESSION = {
  trainingSession: { startsAt: '2027-01-11T10:00:00Z', durationMinutes: 120, location: 'Room 2' },
};

/** Every milestone completed by a report, in an order that respects prerequisites, with its owner and a valid payload. */
export const REPORTS: ReadonlyArray<readonly [key: string, role: Role, payload: MilestonePayload]> = [
  ['extractRequested', 'new-supplier', {}],
  ['trainingScheduled', 'delivery-partner', SESSION],
  ['adminUsersProvisioned', 'new-supplier', ADMINS],
  ['extractDelivered', 'current-supplier', { evidence: 'extract-0001.zip' }],
  ['extractReceived', 'new-supplier', {}],
  ['extractLoaded', 'new-supplier', {}],
  ['practiceUsersSetUp', 'practice', {}],
  ['testSystemAvailable', 'new-supplier', {}],
  ['usersTrained', 'new-supplier', { trainedUsers: 4 }],
  ['testCriteriaProvided', 'new-supplier', {}],
  ['patientsSelected', 'practice', {}],
  ['dataCheckRoundCompleted', 'practice', {}],
];

export function reportAs(state: IdpState, key: string, now: number) {
  const entry = REPORTS.find(([k]) => k === key);
  if (!entry) throw new Error(`no fixture report for ${key}`);
  return applyReport(state, key, actor(entry[1]), entry[2], now);
}

/** Reports the given milestones (fixture order) by their owners, all at `now`. */
export function reportAll(state: IdpState, keys: string[], now: number): void {
  for (const [key] of REPORTS) if (keys.includes(key)) reportAs(state, key, now);
}

/** Reports every milestone up to and including the round's check at `now`: the round is then ready for its outcome. */
export function prepareRound(state: IdpState, now: number): void {
  for (const [key] of REPORTS) {
    if (state.milestones[key]?.completedAt === undefined) reportAs(state, key, now);
  }
}

export function passRound(state: IdpState, now: number) {
  return applyRoundOutcome(state, { outcome: 'passed', summary: { accuracyPercent: 100 } }, actor('practice'), now);
}

export function failRound(state: IdpState, remedy: 're-extract' | 're-transform', now: number) {
  return applyRoundOutcome(state, { outcome: 'failed', remedy, summary: { openIssues: 3 } }, actor('practice'), now);
}

export function signOff(state: IdpState, now: number) {
  return applySignOff(state, { clinicalLeadName: 'Dr Ruth Okafor', declarationAccepted: true }, actor('practice'), now);
}

/** The rejection type a command throws, or undefined when it is accepted. */
export function rejectionOf(command: () => unknown): RejectionType | undefined {
  try {
    command();
    return undefined;
  } catch (error) {
    if (error instanceof ProcessRejection) return error.type;
    throw error;
  }
}

export function ofMilestone(alerts: Alert[], key: string): Alert[] {
  return alerts.filter((a) => a.milestone === key);
}

export function kinds(alerts: Alert[]): string[] {
  return alerts.map((a) => a.kind);
}

/** An instant in London wall-clock time. */
export function london(date: IsoDate, hour: number, minute = 0): number {
  return londonTimeToEpochMs(date, hour, minute);
}

/** 11:00 London on the working day `n` working days after `date` (n = 0: `date` itself if it is a working day). */
export function workingMorning(date: IsoDate, n: number): number {
  return london(addWorkingDays(date, n), 11);
}
