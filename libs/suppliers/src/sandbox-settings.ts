import { graphFor, SUPPLIER_REQUEST_KINDS, type SupplierRequestKind } from '@idp/domain';

/**
 * How the sandbox supplier behaves, set per supplier organisation (`organisation set-adapter --settings JSON`).
 * Durations are working days of each migration's own clock, so with compressed time they pass in seconds.
 */
export interface SandboxSettings {
  /** Working days between a request (or the previous milestone of it) and the sandbox reporting a milestone. */
  delayWorkingDays: number;
  /** The same per request kind, e.g. `{ "request-extract": 3 }`. */
  delays: Partial<Record<SupplierRequestKind, number>>;
  /** Milestones the sandbox reports late: `lateByWorkingDays` after they were due, so reminders, the overdue
   * notice and escalations go out. */
  late: string[];
  lateByWorkingDays: number;
  /** The first load of the extract fails: the receipt says so, and the load comes `failLoadDelayWorkingDays` later. */
  failLoad: boolean;
  failLoadDelayWorkingDays: number;
  /** The round-1 test criteria announce seeded data issues, so the practice fails round 1 (remedy re-transform);
   * the round-2 load says they are fixed. */
  dataIssues: boolean;
  /** Admin logins created (1 to 3) and staff trained. */
  adminUsers: number;
  trainedUsers: number;
}

export const DEFAULT_SANDBOX_SETTINGS: SandboxSettings = {
  delayWorkingDays: 0.5,
  delays: {},
  late: [],
  lateByWorkingDays: 3,
  failLoad: false,
  failLoadDelayWorkingDays: 2,
  dataIssues: false,
  adminUsers: 2,
  trainedUsers: 3,
};

/** A setting that does not fit, named by its JSON path. */
export interface SettingProblem {
  field: string;
  message: string;
}

export class InvalidAdapterSettings extends Error {
  constructor(readonly problems: SettingProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'InvalidAdapterSettings';
  }
}

const SUPPLIER_MILESTONES = graphFor()
  .milestones.filter((m) => m.owner === 'current-supplier' || m.owner === 'new-supplier')
  .map((m) => m.key);

/** Validates sandbox settings (unknown keys refused), filling in defaults; throws `InvalidAdapterSettings`. */
export function parseSandboxSettings(raw: unknown): SandboxSettings {
  const problems: SettingProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidAdapterSettings([{ field: 'settings', message: 'must be a JSON object' }]);
  }
  const input = raw as Record<string, unknown>;
  const settings: SandboxSettings = { ...DEFAULT_SANDBOX_SETTINGS, delays: {}, late: [] };
  const days = (field: string, value: unknown, max = 60): number | undefined => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max) return value;
    problems.push({ field, message: `must be a number of working days from 0 to ${max}` });
    return undefined;
  };
  const count = (field: string, value: unknown, min: number, max: number): number | undefined => {
    if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) return value as number;
    problems.push({ field, message: `must be a whole number from ${min} to ${max}` });
    return undefined;
  };
  const flag = (field: string, value: unknown): boolean | undefined => {
    if (typeof value === 'boolean') return value;
    problems.push({ field, message: 'must be true or false' });
    return undefined;
  };
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'delayWorkingDays':
      case 'lateByWorkingDays':
      case 'failLoadDelayWorkingDays':
        settings[key] = days(key, value) ?? settings[key];
        break;
      case 'failLoad':
      case 'dataIssues':
        settings[key] = flag(key, value) ?? settings[key];
        break;
      case 'adminUsers':
        settings.adminUsers = count(key, value, 1, 3) ?? settings.adminUsers;
        break;
      case 'trainedUsers':
        settings.trainedUsers = count(key, value, 1, 50) ?? settings.trainedUsers;
        break;
      case 'delays':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          problems.push({ field: key, message: `must be an object of request kind to working days` });
          break;
        }
        for (const [kind, d] of Object.entries(value)) {
          if (!SUPPLIER_REQUEST_KINDS.includes(kind as SupplierRequestKind)) {
            problems.push({
              field: `delays.${kind}`,
              message: `is not a request kind (${SUPPLIER_REQUEST_KINDS.join(', ')})`,
            });
            continue;
          }
          const parsed = days(`delays.${kind}`, d);
          if (parsed !== undefined) settings.delays[kind as SupplierRequestKind] = parsed;
        }
        break;
      case 'late':
        if (!Array.isArray(value)) {
          problems.push({ field: key, message: 'must be a list of milestone keys' });
          break;
        }
        for (const milestone of value) {
          if (typeof milestone === 'string' && SUPPLIER_MILESTONES.includes(milestone)) settings.late.push(milestone);
          else
            problems.push({
              field: 'late',
              message: `${String(milestone)} is not a supplier's milestone (${SUPPLIER_MILESTONES.join(', ')})`,
            });
        }
        break;
      default:
        problems.push({ field: key, message: 'is not a sandbox setting' });
    }
  }
  if (problems.length > 0) throw new InvalidAdapterSettings(problems);
  return settings;
}
