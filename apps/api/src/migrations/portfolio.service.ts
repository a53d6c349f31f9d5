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

export interface AuditEventView {
  id: string;
  occurredAt: string;
  actor: { role: string; organisation: string; name: string | null };
  action: string;
  details: Record<string, unknown>;
}

/** Lists from the Postgres read model: each caller sees the migrations its organisation takes part in. */
@Injectable()
export class PortfolioService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(caller: Caller, q: ListMigrationsQueryDto): Promise<Page<MigrationSummary>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    switch (caller.role) {
      case 'icb':
        where.push(`icb_code = ${param(caller.code)}`);
        break;
      case 'delivery-partner':
        where.push(`delivery_partner = ${param(caller.code)}`);
        break;
      case 'practice':
        where.push(`practice_ods_code = ${param(caller.code)}`);
        break;
      case 'supplier': {
        const code = param(caller.code);
        where.push(`(current_supplier = ${code} OR new_supplier = ${code})`);
        break;
      }
      case 'operator':
        break;
    }
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
         FROM migration ${filter} ORDER BY created_at DESC, id LIMIT ${param(q.pageSize)} OFFSET ${param((q.page - 1) * q.pageSize)}`,
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
