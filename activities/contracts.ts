import type {
  Actor,
  Alert,
  IdpStatus,
  KickoffDetails,
  MilestonePayload,
  Participant,
  SupplierRequest,
  TimeScale,
} from '@idp/domain';
import type { SandboxMilestoneView, SandboxReportOutcome } from '@idp/suppliers/sandbox-api.client';

/*
 * What the workflow asks of the outside world. Kept free of Nest and TypeORM so the workflow can import these
 * types (type-only) without pulling either into its bundle.
 */

export interface RecordKickoffInput {
  workflowId: string;
  kickoff: KickoffDetails;
  startedAt: string;
  status: IdpStatus;
}

export interface AuditEventInput {
  /** Unique per effect: the update id, or the workflow id plus a fixed step name. A retry writes nothing new. */
  eventKey: string;
  migrationId: string;
  actor: Actor | { role: 'system'; organisationId: 'idp-orchestrator'; name?: string };
  action: string;
  details?: Record<string, unknown>;
  occurredAt: string;
}

export interface NotifyInput {
  workflowId: string;
  migrationId: string;
  alert: Alert;
  /** Participants of the alert's roles, resolved by the workflow from its current participant list. */
  recipients: Participant[];
  context: {
    practiceName: string;
    practiceOdsCode: string;
    icbCode: string;
    plannedGoLive: string;
    forecastGoLive: string;
  };
}

export interface NotifyResult {
  delivered: number;
  skipped: number;
}

/** The migration a supplier request is about: what an adapter may tell a supplier (no patient identifiers). */
export interface SupplierRequestContext {
  migrationId: string;
  practiceName: string;
  practiceOdsCode: string;
  icbCode: string;
  currentSupplier: string;
  newSupplier: string;
  plannedGoLive: string;
  /** The migration's clock: the sandbox counts its delays in these working days. */
  time: TimeScale;
}

export interface SupplierRequestInput {
  workflowId: string;
  request: SupplierRequest;
  migration: SupplierRequestContext;
}

export interface SupplierRequestResult {
  /** The adapter that carried the request: `none` when the supplier is not integrated (or not registered). */
  adapter: 'none' | 'webhook' | 'sandbox';
  /** What happened, in words for the audit trail, e.g. `webhook answered 202`. */
  outcome: string;
}

export interface IdpActivityContract {
  recordKickoff(input: RecordKickoffInput): Promise<void>;
  projectState(status: IdpStatus): Promise<void>;
  appendAudit(event: AuditEventInput): Promise<void>;
  notify(input: NotifyInput): Promise<NotifyResult>;
  requestSupplier(input: SupplierRequestInput): Promise<SupplierRequestResult>;
}

export interface SandboxMilestoneInput {
  migrationId: string;
  /** The sandbox supplier organisation; its own API key is looked up by this code. */
  supplierCode: string;
  milestone: string;
}

export interface SandboxReportInput extends SandboxMilestoneInput {
  payload: MilestonePayload;
  /** Sent as Idempotency-Key: a retried report gets the first answer. */
  idempotencyKey: string;
}

/** What the `sandboxSupplier` workflow asks of the outside world: the public API, as the supplier. */
export interface SandboxSupplierActivityContract {
  sandboxMilestone(input: SandboxMilestoneInput): Promise<SandboxMilestoneView>;
  sandboxReport(input: SandboxReportInput): Promise<SandboxReportOutcome>;
}

/** An organisation that gets the weekly digest: an ICB or delivery partner with a contact email. */
export interface DigestRecipient {
  organisationId: string;
  code: string;
}

export interface SendDigestInput {
  /** The schedule run (its workflow id): one digest per organisation per run, however often it is retried. */
  runId: string;
  organisationId: string;
}

export interface SendDigestResult {
  /** `sent`; `already-sent` on a retry of a run; `nothing-to-report` for an organisation with no open migrations. */
  outcome: 'sent' | 'already-sent' | 'nothing-to-report';
  migrations: number;
}

export interface DigestActivityContract {
  listDigestRecipients(): Promise<DigestRecipient[]>;
  sendDigest(input: SendDigestInput): Promise<SendDigestResult>;
}
