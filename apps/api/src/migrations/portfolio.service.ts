import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Caller } from '../organisations/organisations.service';
import type { ListMigrationsQueryDto, PageQueryDto } from './dto/commands.dto';

export interface MigrationSummary {
  id: string;
  practiceOdsCode: string;
  practiceName: string;
  icbCode: string;
  currentSupplier: string;
  newSupplier: string;
  deliveryPartner: string | null;
  status: string;
  stage: string;
  atRisk: boolean;
  overdueCount: number;
  round: number;
  plannedGoLive: string;
  forecastGoLive: string;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** How the pages may order a portfolio (the API lists newest first). */
export const PORTFOLIO_ORDERS = {
  newest: 'created_at DESC, id',
  'forecast-go-live': 'forecast_go_live, id',
  'planned-go-live': 'planned_go_live, id',
  overdue: 'overdue_count DESC, forecast_go_live, id',
  practice: 'practice_name, id',
} as const;
export type PortfolioOrder = keyof typeof PORTFOLIO_ORDERS;

/** The open milestone due soonest of a migration: what must happen next, and whose turn it is. */
export interface NextStep {
  migrationId: string;
  key: string;
  title: string;
  ownerRole: string;
  state: string;
  dueAt: string | null;
}

export interface AuditEventView {
  id: string;
  occurredAt: string;
  actor: { role: string; organisation: string; name: string | null };
  action: string;
  details: Record<string, unknown>;
}

/** The condition on `migration` rows that keeps a caller to the migrations its organisation takes part in. */
function visibleTo(caller: Caller, param: (value: unknown) => string): string | undefined {
  switch (caller.role) {
    case 'icb':
      return `icb_code = ${param(caller.code)}`;
    case 'delivery-partner':
      return `delivery_partner = ${param(caller.code)}`;
    case 'practice':
      return `practice_ods_code = ${param(caller.code)}`;
    case 'supplier': {
      const code = param(caller.code);
      return `(current_supplier = ${code} OR new_supplier = ${code})`;
    }
    case 'operator':
      return undefined;
  }
}

/** How many of a caller's migrations are in each stage and state: what the portfolio chart draws. */
export interface PortfolioCount {
  stage: string;
  status: string;
  atRisk: boolean;
  overdue: boolean;
  count: number;
}

/** Lists from the Postgres read model: each caller sees the migrations its organisation takes part in. */
@Injectable()
export class PortfolioService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(
    caller: Caller,
    q: ListMigrationsQueryDto,
    order: PortfolioOrder = 'newest',
  ): Promise<Page<MigrationSummary>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const visible = visibleTo(caller, param);
    if (visible) where.push(visible);
    if (q.stage) where.push(`stage = ${param(q.stage)}`);
    if (q.icbCode) where.push(`icb_code = ${param(q.icbCode)}`);
    if (q.supplier) {
      const code = param(q.supplier.toUpperCase());
      where.push(`(current_supplier = ${code} OR new_supplier = ${code})`);
    }
    if (q.atRisk !== undefined) where.push(`at_risk = ${param(q.atRisk)}`);
    if (q.overdue !== undefined) where.push(q.overdue ? 'overdue_count > 0' : 'overdue_count = 0');
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const filterParams = [...params];
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT id, practice_ods_code, practice_name, icb_code, current_supplier, new_supplier, delivery_partner, status, stage,
                at_risk, overdue_count, round, to_char(planned_go_live, 'YYYY-MM-DD') AS planned_go_live,
                to_char(forecast_go_live, 'YYYY-MM-DD') AS forecast_go_live, created_at, updated_at
         FROM migration ${filter} ORDER BY ${PORTFOLIO_ORDERS[order]} LIMIT ${param(q.pageSize)} OFFSET ${param((q.page - 1) * q.pageSize)}`,
        params,
      ),
      this.db.query(`SELECT count(*)::int AS total FROM migration ${filter}`, filterParams),
    ]);
    return {
      items: rows.map((r: Record<string, unknown>) => ({
        id: r.id,
        practiceOdsCode: r.practice_ods_code,
        practiceName: r.practice_name,
        icbCode: r.icb_code,
        currentSupplier: r.current_supplier,
        newSupplier: r.new_supplier,
        deliveryPartner: r.delivery_partner,
        status: r.status,
        stage: r.stage,
        atRisk: r.at_risk,
        overdueCount: r.overdue_count,
        round: r.round,
        plannedGoLive: r.planned_go_live,
        forecastGoLive: r.forecast_go_live,
        createdAt: (r.created_at as Date).toISOString(),
        updatedAt: (r.updated_at as Date).toISOString(),
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  /** Counts of the caller's migrations by stage, status, at-risk and overdue, in one aggregate query. */
  async counts(caller: Caller): Promise<PortfolioCount[]> {
    const params: unknown[] = [];
    const visible = visibleTo(caller, (value) => {
      params.push(value);
      return `$${params.length}`;
    });
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT stage, status, at_risk, overdue_count > 0 AS overdue, count(*)::int AS count FROM migration
       ${visible ? `WHERE ${visible}` : ''} GROUP BY 1, 2, 3, 4`,
      params,
    );
    return rows.map((r) => ({
      stage: r.stage as string,
      status: r.status as string,
      atRisk: r.at_risk as boolean,
      overdue: r.overdue as boolean,
      count: r.count as number,
    }));
  }

  /** The next step of each open migration (overdue first, then soonest due), from the read model's milestones. */
  async nextSteps(migrationIds: string[]): Promise<Map<string, NextStep>> {
    if (migrationIds.length === 0) return new Map();
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT DISTINCT ON (s.migration_id) s.migration_id, s.key, s.title, s.owner_role, s.state, s.due_at
       FROM milestone s JOIN migration m ON m.id = s.migration_id
       WHERE s.migration_id = ANY($1::uuid[]) AND m.status IN ('active', 'paused') AND s.state IN ('open', 'overdue')
       ORDER BY s.migration_id, s.state = 'overdue' DESC, s.due_at NULLS LAST, s.key`,
      [migrationIds],
    );
    return new Map(
      rows.map((r) => [
        r.migration_id as string,
        {
          migrationId: r.migration_id as string,
          key: r.key as string,
          title: r.title as string,
          ownerRole: r.owner_role as string,
          state: r.state as string,
          dueAt: r.due_at ? (r.due_at as Date).toISOString() : null,
        },
      ]),
    );
  }

  /** A supplier's open requests across practices, oldest due first: the milestones its role owns that are open. */
  async openRequestsFor(
    supplierCode: string,
  ): Promise<Array<NextStep & { practiceName: string; practiceOdsCode: string; role: string }>> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT m.id AS migration_id, m.practice_name, m.practice_ods_code, s.key, s.title, s.owner_role, s.state, s.due_at
       FROM migration m JOIN milestone s ON s.migration_id = m.id
       WHERE m.status IN ('active', 'paused') AND s.state IN ('open', 'overdue')
         AND ((m.current_supplier = $1 AND s.owner_role = 'current-supplier')
           OR (m.new_supplier = $1 AND s.owner_role = 'new-supplier'))
       ORDER BY s.due_at NULLS LAST, m.practice_name, s.key
       LIMIT 500`,
      [supplierCode],
    );
    return rows.map((r) => ({
      migrationId: r.migration_id as string,
      practiceName: r.practice_name as string,
      practiceOdsCode: r.practice_ods_code as string,
      role: r.owner_role as string,
      key: r.key as string,
      title: r.title as string,
      ownerRole: r.owner_role as string,
      state: r.state as string,
      dueAt: r.due_at ? (r.due_at as Date).toISOString() : null,
    }));
  }

  async events(migrationId: string, q: PageQueryDto): Promise<Page<AuditEventView>> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT id, occurred_at, actor_role, actor_organisation, actor_name, action, details FROM audit_event
         WHERE migration_id = $1 ORDER BY occurred_at, id LIMIT $2 OFFSET $3`,
        [migrationId, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.db.query(`SELECT count(*)::int AS total FROM audit_event WHERE migration_id = $1`, [migrationId]),
    ]);
    return {
      items: rows.map((r: Record<string, unknown>) => ({
        id: String(r.id),
        occurredAt: (r.occurred_at as Date).toISOString(),
        actor: {
          role: r.actor_role as string,
          organisation: r.actor_organisation as string,
          name: r.actor_name as string | null,
        },
        action: r.action as string,
        details: r.details as Record<string, unknown>,
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }
}
