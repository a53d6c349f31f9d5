import type { Actor, Alert, IdpStatus, KickoffDetails, Participant } from '@idp/domain';

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

export interface IdpActivityContract {
  recordKickoff(input: RecordKickoffInput): Promise<void>;
  projectState(status: IdpStatus): Promise<void>;
  appendAudit(event: AuditEventInput): Promise<void>;
  notify(input: NotifyInput): Promise<NotifyResult>;
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
