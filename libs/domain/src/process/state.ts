import type { IsoDate } from '../calendar';
import type { ProcessPolicy } from './policy';
import type { Actor, KickoffDetails, MilestonePayload, Participant, Remedy, Role } from './types';

export interface MilestoneRecord {
  completedAt?: number;
  completedBy?: Actor;
  payload?: MilestonePayload;
  /** First completion ever, kept across rounds (the 6-week window counts from the first extract request). */
  firstCompletedAt?: number;
  /** When a new round asked for this milestone again. */
  reopenedAt?: number;
  /** A due instant set by a replan or moved by a pause; wins over the graph's due rule. */
  dueOverride?: number;
}

export interface RoundSummary {
  accuracyPercent?: number;
  completenessPercent?: number;
  openIssues?: number;
  note?: string;
}

export interface RoundRecord {
  round: number;
  startedAt: number;
  endedAt?: number;
  outcome?: 'passed' | 'failed';
  remedy?: Remedy;
  summary?: RoundSummary;
  recordedBy?: Actor;
}

export interface SignOffRecord {
  clinicalLeadName: string;
  signedAt: number;
  signedBy: Actor;
  note?: string;
}

export type AlertKind =
  | 'kickoff'
  | 'reminder'
  | 'overdue'
  | 'escalation'
  | 'delay-notice'
  | 'training-invitation'
  | 'training-warning'
  | 'round-outcome'
  | 'rounds-exceeded'
  | 'signed-off'
  | 'paused'
  | 'resumed'
  | 'cancelled';

/** A message the process owes its participants; `key` is unique within the migration and makes sending idempotent. */
export interface Alert {
  key: string;
  kind: AlertKind;
  recipients: Role[];
  milestone?: string;
  milestoneTitle?: string;
  owner?: Role;
  round: number;
  dueAt?: number;
  /** Escalation level: 0 owner, then each further step of the policy. */
  level?: number;
  data?: Record<string, string | number | boolean | undefined>;
}

export type ProcessStatus = 'active' | 'paused' | 'cancelled' | 'signed-off';

/** The whole state of one IDP: plain JSON, carried across continue-as-new. */
export interface IdpState {
  kickoff: KickoffDetails;
  graphVersion: number;
  policy: ProcessPolicy;
  startedAt: number;
  participants: Participant[];
  included: string[];
  milestones: Record<string, MilestoneRecord>;
  round: number;
  rounds: RoundRecord[];
  plannedGoLive: IsoDate;
  /** Forecast finish of the terminal milestone when the plan was last set: slip is measured against it. */
  baselineFinishAt: number;
  status: ProcessStatus;
  pausedAt?: number;
  cancellation?: { reason: string; at: number; by: Actor };
  signOff?: SignOffRecord;
  /** Keys of alerts already taken for sending (reminders, escalations, notices). */
  sentAlerts: string[];
  /** Alerts raised by a command and not yet handed to the notifier. */
  pendingAlerts: Alert[];
  notifiedForecastGoLive: IsoDate;
  warnings: string[];
  /** Keys of supplier requests already issued; absent in states carried from before supplier requests existed. */
  supplierRequests?: string[];
  /** Grows with every change; the read model ignores a projection older than the one it has. */
  revision: number;
}
