import type { DataSource } from 'typeorm';
import type { IdpStatus } from '@idp/domain';

/** Asserts the Postgres read model equals a workflow status snapshot (the projection contract). */
export async function expectProjectionToMatch(db: DataSource, status: IdpStatus): Promise<void> {
  const [row] = await db.query(
    `SELECT status, stage, at_risk, overdue_count, round, to_char(planned_go_live, 'YYYY-MM-DD') AS planned,
            to_char(forecast_go_live, 'YYYY-MM-DD') AS forecast, revision FROM migration WHERE id = $1`,
    [status.migrationId],
  );
  expect(row).toEqual({
    status: status.status,
    stage: status.stage,
    at_risk: status.atRisk,
    overdue_count: status.overdueCount,
    round: status.round,
    planned: status.plannedGoLive,
    forecast: status.forecastGoLive,
    revision: status.revision,
  });
  const milestones: Array<{ key: string; state: string; completed: boolean }> = await db.query(
    `SELECT key, state, completed_at IS NOT NULL AS completed FROM milestone WHERE migration_id = $1 ORDER BY key`,
    [status.migrationId],
  );
  const expected = status.milestones
    .map((m) => ({ key: m.key, state: m.state, completed: m.completedAt !== undefined }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  // Overdue is a matter of the clock: the read model holds the state as of the last projection.
  const norm = (s: string) => (s === 'overdue' ? 'open' : s);
  expect(milestones.map((m) => ({ ...m, state: norm(m.state) }))).toEqual(
    expected.map((m) => ({ ...m, state: norm(m.state) })),
  );
}

export interface SentNotification {
  kind: string;
  recipient_role: string;
  status: string;
  subject: string;
}

/** The notifications recorded in the outbox for a migration, oldest first. */
export function notificationsOf(db: DataSource, migrationId: string): Promise<SentNotification[]> {
  return db.query(
    `SELECT kind, recipient_role, status, subject FROM notification WHERE migration_id = $1 ORDER BY id`,
    [migrationId],
  );
}
