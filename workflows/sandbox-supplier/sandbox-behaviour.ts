import { timelineFor, type MilestonePayload, type SupplierRequest, type TimeScale } from '@idp/domain';
import type { SandboxSettings } from '@idp/suppliers/sandbox-settings';

/*
 * What the sandbox supplier does and says, as pure functions of the request, its settings and the migration's
 * clock: deterministic, so the `sandboxSupplier` workflow can run them.
 */

/**
 * The instant `days` working days after `now` on the migration's clock: compressed time counts fractions of its
 * working day; calendar time moves to the morning of the working day `ceil(days)` ahead (0: at once).
 */
export function actAfter(time: TimeScale, now: number, days: number): number {
  if (time.mode === 'compressed') return now + days * time.workingDayMs;
  if (days <= 0) return now;
  const timeline = timelineFor(time);
  return timeline.reminderAt(timeline.dueAfter(now, Math.ceil(days)), 0);
}

/** When the sandbox reports a milestone: after its delay; a `late` one only once it is overdue by `lateByWorkingDays`. */
export function reportAt(
  request: SupplierRequest,
  milestone: string,
  settings: SandboxSettings,
  time: TimeScale,
  now: number,
  dueAt: number | undefined,
): number {
  const failedLoad = loadFailsFirst(request, milestone, settings);
  const delay =
    (settings.delays[request.kind] ?? settings.delayWorkingDays) + (failedLoad ? settings.failLoadDelayWorkingDays : 0);
  const at = actAfter(time, now, delay);
  if (!settings.late.includes(milestone) || dueAt === undefined) return at;
  return Math.max(at, timelineFor(time).afterDue(dueAt, settings.lateByWorkingDays));
}

function loadFailsFirst(request: SupplierRequest, milestone: string, settings: SandboxSettings): boolean {
  return settings.failLoad && request.round === 1 && (milestone === 'extractReceived' || milestone === 'extractLoaded');
}

/** The issues `dataIssues` seeds, announced with the round-1 test criteria. */
export const SEEDED_DATA_ISSUES =
  'Sandbox: this load has seeded data issues, so round 1 should fail with remedy re-transform: ' +
  'repeat medication templates lose their end dates; coded allergies from before 2010 arrive as free text; ' +
  'recalls due in the next 30 days are missing.';

/** The report the sandbox makes for a milestone, with what the step needs (admin users, training session, trained users). */
export function sandboxPayload(
  request: SupplierRequest,
  milestone: string,
  settings: SandboxSettings,
  time: TimeScale,
  now: number,
): MilestonePayload {
  switch (milestone) {
    case 'extractDelivered':
    case 'subsidiaryExtractDelivered':
      return { evidence: `Sandbox extract, round ${request.round}` };
    case 'extractReceived':
      return loadFailsFirst(request, milestone, settings)
        ? { note: 'Sandbox: the first load of this extract failed validation; reloading, so the load will be late.' }
        : {};
    case 'extractLoaded':
      if (loadFailsFirst(request, milestone, settings))
        return { note: 'Sandbox: loaded on the second attempt, after the first load failed.' };
      if (settings.dataIssues && request.round > 1)
        return { note: 'Sandbox: re-transformed; the seeded data issues are fixed in this load.' };
      return {};
    case 'adminUsersProvisioned':
      return {
        adminUsers: ['Sandbox Admin One', 'Sandbox Admin Two', 'Sandbox Admin Three']
          .slice(0, settings.adminUsers)
          .map((name) => ({ name })),
      };
    case 'trainingScheduled':
      return {
        trainingSession: {
          startsAt: new Date(actAfter(time, now, 1)).toISOString(),
          durationMinutes: 90,
          location: 'Online (sandbox supplier)',
        },
      };
    case 'usersTrained':
      return { trainedUsers: settings.trainedUsers };
    case 'testCriteriaProvided':
      return {
        evidence: 'Sandbox test criteria: 20 records matching the criteria plus 5 at random',
        note: settings.dataIssues && request.round === 1 ? SEEDED_DATA_ISSUES : undefined,
      };
    default:
      return {};
  }
}
