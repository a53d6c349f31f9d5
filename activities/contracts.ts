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
