import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { dataEncryptionKeys, type Environment } from '@idp/config';
import type { IdpStatus } from '@idp/domain';
import { NotificationService } from '@idp/notifications';
import { OrganisationEntity } from '@idp/persistence';
import { FieldCipher } from '@idp/security';
import {
  dispatch,
  NoAdapter,
  SandboxSupplierAdapter,
  SupplierAdapterRegistry,
  WebhookSupplierAdapter,
} from '@idp/suppliers';
import type {
  AuditEventInput,
  IdpActivityContract,
  NotifyInput,
  NotifyResult,
  RecordKickoffInput,
  SupplierRequestInput,
  SupplierRequestResult,
} from './contracts';
import { startSandboxWorkflow } from './sandbox-supplier.activities';

/**
 * The `idp` workflow's activities. Every one is idempotent: a retry after a crash writes nothing twice
 * (unique keys on audit events and notifications; the read model keeps the newest revision).
 */
@Injectable()
export class IdpActivities implements IdpActivityContract {
  private readonly suppliers: SupplierAdapterRegistry;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: NotificationService,
    private readonly config: ConfigService<Environment, true>,
  ) {
    const cipher = new FieldCipher(...dataEncryptionKeys(config));
    this.suppliers = new SupplierAdapterRegistry({
      none: new NoAdapter(),
      webhook: new WebhookSupplierAdapter(cipher, config.getOrThrow('PUBLIC_BASE_URL', { infer: true })),
      sandbox: new SandboxSupplierAdapter(startSandboxWorkflow),
    });
  }

  async recordKickoff({ workflowId, kickoff, startedAt, status }: RecordKickoffInput): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The API registers the row before starting the workflow; this covers a workflow started another way.
      await tx.query(
        `INSERT INTO migration (id, workflow_id, practice_ods_code, practice_name, icb_code, current_supplier, new_supplier,
           planned_go_live, forecast_go_live, status, stage, graph_version, request_fingerprint, created_by, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'active', $9, $10, $11, $12, 0)
         ON CONFLICT (id) DO UPDATE SET status = CASE WHEN migration.status = 'starting' THEN 'active' ELSE migration.status END`,
        [
          kickoff.migrationId,
          workflowId,
          kickoff.practiceOdsCode,
          kickoff.practiceName,
          kickoff.icbCode,
          kickoff.currentSupplier,
          kickoff.newSupplier,
          kickoff.plannedGoLive,
          status.stage,
          status.graphVersion,
          // No API request behind it: a kickoff through the API for this practice is then told it is taken.
          'started-outside-the-api',
          JSON.stringify({ role: kickoff.kickedOffBy.role, organisationId: kickoff.kickedOffBy.organisationId }),
        ],
      );
      await tx.query(
        `INSERT INTO audit_event (event_key, migration_id, occurred_at, actor_role, actor_organisation, actor_name, action, details)
         VALUES ($1, $2, $3, $4, $5, $6, 'migration.kicked-off', $7) ON CONFLICT (event_key) DO NOTHING`,
        [
          `${workflowId}:kickoff`,
          kickoff.migrationId,
          startedAt,
          kickoff.kickedOffBy.role,
          kickoff.kickedOffBy.organisationId,
          kickoff.kickedOffBy.name ?? null,
          JSON.stringify({ plannedGoLive: kickoff.plannedGoLive, graphVersion: status.graphVersion }),
        ],
      );
    });
    await this.projectState(status);
  }

  async projectState(status: IdpStatus): Promise<void> {
    await this.db.transaction(async (tx) => {
      const updated: Array<{ id: string }> = await tx.query(
        `UPDATE migration SET status = $2, stage = $3, at_risk = $4, overdue_count = $5, round = $6,
           planned_go_live = $7, forecast_go_live = $8, snapshot = $9, revision = $10, updated_at = now()
         WHERE id = $1 AND revision < $10 RETURNING id`,
        [
          status.migrationId,
          status.status,
          status.stage,
          status.atRisk,
          status.overdueCount,
          status.round,
          status.plannedGoLive,
          status.forecastGoLive,
          JSON.stringify(status),
          status.revision,
        ],
      );
      // An older projection arriving late (a retry) must not overwrite a newer one.
      if (updated.length === 0) return;
      const rows = status.milestones;
      await tx.query(
        `INSERT INTO milestone (migration_id, key, title, phase, owner_role, state, round, due_at, completed_at)
         SELECT $1, m.key, m.title, m.phase, m.owner, m.state, $2, m.due_at, m.completed_at
         FROM jsonb_to_recordset($3::jsonb) AS m(key text, title text, phase text, owner text, state text, due_at timestamptz, completed_at timestamptz)
         ON CONFLICT (migration_id, key) DO UPDATE SET title = EXCLUDED.title, phase = EXCLUDED.phase,
           owner_role = EXCLUDED.owner_role, state = EXCLUDED.state, round = EXCLUDED.round,
           due_at = EXCLUDED.due_at, completed_at = EXCLUDED.completed_at`,
        [
          status.migrationId,
          status.round,
          JSON.stringify(
            rows.map((m) => ({
              key: m.key,
              title: m.title,
              phase: m.phase,
              owner: m.owner,
              state: m.state,
              due_at: m.dueAt ?? null,
              completed_at: m.completedAt ?? null,
            })),
          ),
        ],
      );
    });
  }

  async appendAudit(event: AuditEventInput): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_event (event_key, migration_id, occurred_at, actor_role, actor_organisation, actor_name, action, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_key) DO NOTHING`,
      [
        event.eventKey,
        event.migrationId,
        event.occurredAt,
        event.actor.role,
        event.actor.organisationId,
        event.actor.name ?? null,
        event.action,
        JSON.stringify(event.details ?? {}),
      ],
    );
  }

  async notify(input: NotifyInput): Promise<NotifyResult> {
    const base = this.config.getOrThrow('PUBLIC_BASE_URL', { infer: true });
    const outcome = await this.notifications.send(
      input.migrationId,
      `${input.workflowId}:${input.alert.key}`,
      input.recipients.map((recipient) => ({
        alert: input.alert,
        recipient,
        ...input.context,
        // People follow links: to the migration's page (systems use the API with the migration id).
        migrationUrl: `${base}/migrations/${input.migrationId}`,
      })),
      { onProgress: () => heartbeat(), cancelled: Context.current().cancellationSignal },
    );
    if (outcome.failed.length > 0) {
      const message = `${outcome.failed.length} of ${input.recipients.length} notifications failed: ${outcome.failed.map((f) => f.error).join('; ')}`;
      // Refusals a retry cannot fix (unknown template, invalid number) are reported on the migration at once;
      // anything else is retried by Temporal with backoff, and messages already sent are skipped on the retry.
      if (outcome.failed.every((f) => f.permanent))
        throw ApplicationFailure.nonRetryable(message, 'NotificationDeliveryFailed');
      throw ApplicationFailure.retryable(message, 'NotificationDeliveryFailed');
    }
    return { delivered: outcome.delivered, skipped: outcome.skipped };
  }

  /** Hands a supplier request to the adapter the supplier is set to, and records it in the audit trail. */
  async requestSupplier(input: SupplierRequestInput): Promise<SupplierRequestResult> {
    const { request, migration } = input;
    const code = request.supplierRole === 'current-supplier' ? migration.currentSupplier : migration.newSupplier;
    const organisation = await this.db.getRepository(OrganisationEntity).findOneBy({ code, role: 'supplier' });
    const { kind, adapter } = this.suppliers.for(organisation);
    const outcome = organisation
      ? await dispatch(adapter, { ...input, organisation })
      : `not registered: no supplier organisation ${code}`;
    await this.appendAudit({
      eventKey: `${input.workflowId}:supplier-requested:${request.key}`,
      migrationId: migration.migrationId,
      actor: { role: 'system', organisationId: 'idp-orchestrator' },
      action: 'supplier.requested',
      details: {
        kind: request.kind,
        supplier: code,
        supplierRole: request.supplierRole,
        round: request.round,
        milestones: request.milestones,
        adapter: kind,
        outcome,
      },
      occurredAt: new Date().toISOString(),
    });
    return { adapter: kind, outcome };
  }
}
