import type { IsoDate } from '../calendar';

/** The organisations' roles in an IDP, as DOMAIN.md names them. */
export const ROLES = ['icb', 'delivery-partner', 'current-supplier', 'new-supplier', 'practice'] as const;
export type Role = (typeof ROLES)[number];

/** The four IDP phases; extract exchange, access setup and training run in parallel, data checking after them. */
export const PHASES = ['extract-exchange', 'access-setup', 'training', 'data-checking'] as const;
export type Phase = (typeof PHASES)[number];

/** Portfolio stage of a migration, from the furthest milestone reached. */
export const STAGES = ['preparing', 'data-checking', 'awaiting-sign-off', 'signed-off', 'cancelled'] as const;
export type Stage = (typeof STAGES)[number];

/** How a failed data-check round is put right before the practice checks again. */
export const REMEDIES = ['re-extract', 're-transform'] as const;
export type Remedy = (typeof REMEDIES)[number];

export type MilestoneState = 'waiting' | 'open' | 'overdue' | 'done' | 'waived';

/** What a milestone report must carry beyond evidence and a note. */
export type PayloadRequirement = 'admin-users' | 'trained-users' | 'training-session';

export interface DueRule {
  /** Working days after the milestone opens (all prerequisites done, or kickoff / round start). */
  workingDays: number;
  /** Shorter allowance in re-check rounds (round 2 onwards). */
  recheckWorkingDays?: number;
  /** An outer limit: never later than this many working days after another milestone was first completed. */
  cap?: { afterFirstCompletionOf: string; workingDays: number };
}

/** What the orchestrator asks of a supplier through its adapter (webhook, sandbox), as issue #6 names them. */
export const SUPPLIER_REQUEST_KINDS = [
  'request-extract',
  'request-test-environment',
  'provision-admin-users',
  'schedule-training',
  'request-test-criteria',
  'send-selected-patients-and-reports',
  'report-issues',
] as const;
export type SupplierRequestKind = (typeof SUPPLIER_REQUEST_KINDS)[number];

export type SupplierRole = Extract<Role, 'current-supplier' | 'new-supplier'>;

/**
 * The supplier request a milestone stands for. `on: 'open'` (default): the owning supplier is asked once the
 * milestone can be done; `on: 'done'`: the supplier `to` is told once it has been done (e.g. patients selected).
 */
export interface SupplierRequestRule {
  kind: SupplierRequestKind;
  on?: 'open' | 'done';
  to?: SupplierRole;
}

export interface MilestoneDefinition {
  key: string;
  /** Plain-English name used in messages and pages. */
  title: string;
  phase: Phase;
  owner: Role;
  /** Other roles that may report it on the owner's behalf (e.g. a delivery partner who trains). */
  alsoReportableBy?: Role[];
  prerequisites: string[];
  due?: DueRule;
  /** Included only when a migration's kickoff asks for it (e.g. subsidiary-system extracts); waived otherwise. */
  optional?: boolean;
  /** How it gets completed: a milestone report (default), the round outcome, or the clinical lead's sign-off. */
  completedBy?: 'report' | 'round-outcome' | 'sign-off';
  /** Remedies after which this milestone must be done again in the new round. */
  redoneOn?: Remedy[];
  /** Stage a migration is in once this milestone is open or done. */
  stage: Exclude<Stage, 'signed-off' | 'cancelled'>;
  requires?: PayloadRequirement;
  supplierRequest?: SupplierRequestRule;
}

export interface MilestoneGraph {
  version: number;
  milestones: MilestoneDefinition[];
  /** The milestone whose completion ends the IDP. */
  terminal: string;
}

/** Who did something: an organisation acting in a role, optionally a named person. */
export interface Actor {
  role: Role;
  organisationId: string;
  name?: string;
}

export type NotificationPreference = 'email' | 'sms' | 'webhook' | 'none';

export interface Participant {
  name: string;
  organisation: string;
  role: Role;
  email?: string;
  phone?: string;
  notificationPreference?: NotificationPreference;
}

export interface AdminUser {
  name: string;
  email?: string;
}

export interface MilestonePayload {
  evidence?: string;
  note?: string;
  adminUsers?: AdminUser[];
  trainedUsers?: number;
  trainingSession?: { startsAt: string; durationMinutes: number; location?: string };
}

export interface KickoffDetails {
  migrationId: string;
  practiceOdsCode: string;
  practiceName: string;
  icbCode: string;
  currentSupplier: string;
  newSupplier: string;
  plannedGoLive: IsoDate;
  /** Optional milestones of the graph this migration includes (e.g. subsidiary-system extracts). */
  optionalMilestones?: string[];
  participants: Participant[];
  kickedOffBy: Actor;
}
