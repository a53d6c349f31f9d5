import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { Environment } from '@idp/config';
import { londonDateOf } from '@idp/domain';
import { NotificationService, PermanentDeliveryError, renderWeeklyDigest, type WeeklyDigest } from '@idp/notifications';
import type { DigestActivityContract, DigestRecipient, SendDigestInput, SendDigestResult } from './contracts';

interface MigrationRow {
  id: string;
  practice_name: string;
  practice_ods_code: string;
  stage: string;
  status: string;
  at_risk: boolean;
  planned_go_live: string;
  forecast_go_live: string;
}

/**
 * The weekly digest's activities. They read the read model (migration and milestone tables) and send through the
 * outbox under a key made of the schedule run and the organisation, so a retried activity never sends twice. What
 * each organisation was told about each forecast is kept in `digest_snapshot`, written after the digest is sent.
 */
@Injectable()
export class DigestActivities implements DigestActivityContract {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: NotificationService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  async listDigestRecipients(): Promise<DigestRecipient[]> {
    const rows: Array<{ id: string; code: string }> = await this.db.query(
      `SELECT id, code FROM organisation
        WHERE role IN ('icb', 'delivery-partner') AND contact_email IS NOT NULL ORDER BY code`,
    );
    return rows.map((r) => ({ organisationId: r.id, code: r.code }));
  }

  async sendDigest({ runId, organisationId }: SendDigestInput): Promise<SendDigestResult> {
    const [org]: Array<{ id: string; code: string; name: string; role: 'icb' | 'delivery-partner'; email: string }> =
      await this.db.query(
        `SELECT id, code, name, role, contact_email AS email FROM organisation
          WHERE id = $1 AND role IN ('icb', 'delivery-partner') AND contact_email IS NOT NULL`,
        [organisationId],
      );
    if (!org) return { outcome: 'nothing-to-report', migrations: 0 };
    const migrations: MigrationRow[] = await this.db.query(
      `SELECT id, practice_name, practice_ods_code, stage, status, at_risk,
              to_char(planned_go_live, 'YYYY-MM-DD') AS planned_go_live,
              to_char(forecast_go_live, 'YYYY-MM-DD') AS forecast_go_live
         FROM migration
        WHERE (CASE $2 WHEN 'icb' THEN icb_code ELSE delivery_partner END) = $1 AND status IN ('active', 'paused')
        ORDER BY forecast_go_live, practice_name, id`,
      [org.code, org.role],
    );
    if (migrations.length === 0) return { outcome: 'nothing-to-report', migrations: 0 };
    const ids = migrations.map((m) => m.id);
    const byId = new Map(migrations.map((m) => [m.id, m]));
    const overdue: Array<{ migration_id: string; title: string; owner_role: string; due_at: Date }> =
      await this.db.query(
        `SELECT migration_id, title, owner_role, due_at FROM milestone
          WHERE migration_id = ANY($1::uuid[]) AND state = 'overdue' ORDER BY due_at, title`,
        [ids],
      );
    const snapshots: Array<{ migration_id: string; forecast_go_live: string }> = await this.db.query(
      `SELECT migration_id, to_char(forecast_go_live, 'YYYY-MM-DD') AS forecast_go_live
         FROM digest_snapshot WHERE organisation_id = $1`,
      [org.id],
    );
    const previous = new Map(snapshots.map((s) => [s.migration_id, s.forecast_go_live]));

    const base = this.config.getOrThrow('PUBLIC_BASE_URL', { infer: true });
    const portfolioUrl = `${base}/portfolio`;
    const practiceOf = (m: MigrationRow) => ({ practiceName: m.practice_name, practiceOdsCode: m.practice_ods_code });
    const digest: WeeklyDigest = {
      organisationName: org.name,
      weekOf: londonDateOf(Date.now()),
      portfolioUrl,
      hasPreviousDigest: snapshots.length > 0,
      migrations: migrations.map((m) => ({
        migrationId: m.id,
        ...practiceOf(m),
        stage: m.stage,
        status: m.status,
        atRisk: m.at_risk,
        plannedGoLive: m.planned_go_live,
        forecastGoLive: m.forecast_go_live,
      })),
      overdue: overdue.map((o) => ({
        ...practiceOf(byId.get(o.migration_id)!),
        title: o.title,
        ownerRole: o.owner_role,
        dueAt: new Date(o.due_at).getTime(),
      })),
      forecastChanges: migrations
        .filter((m) => previous.has(m.id) && previous.get(m.id) !== m.forecast_go_live)
        .map((m) => ({
          ...practiceOf(m),
          previousForecastGoLive: previous.get(m.id)!,
          forecastGoLive: m.forecast_go_live,
        })),
    };

    let delivery: 'delivered' | 'skipped';
    try {
      delivery = await this.notifications.sendEmail(
        `${runId}:weekly-digest:${org.code}`,
        { name: org.name, organisation: org.code, role: org.role, email: org.email, notificationPreference: 'email' },
        renderWeeklyDigest(digest),
        { kind: 'weekly-digest', migrationId: null, url: portfolioUrl },
      );
    } catch (error) {
      if (error instanceof PermanentDeliveryError)
        throw ApplicationFailure.nonRetryable(error.message, 'NotificationDeliveryFailed');
      throw error;
    }
    await this.db.query(
      `INSERT INTO digest_snapshot (organisation_id, migration_id, forecast_go_live, digest_run)
       SELECT $1, m.id, m.forecast::date, $3 FROM jsonb_to_recordset($2::jsonb) AS m(id uuid, forecast text)
       ON CONFLICT (organisation_id, migration_id) DO UPDATE
         SET forecast_go_live = EXCLUDED.forecast_go_live, digest_run = EXCLUDED.digest_run, recorded_at = now()`,
      [org.id, JSON.stringify(migrations.map((m) => ({ id: m.id, forecast: m.forecast_go_live }))), runId],
    );
    return { outcome: delivery === 'delivered' ? 'sent' : 'already-sent', migrations: migrations.length };
  }
}
