import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { issueTransitionRefusal, type IssueStatus } from '@idp/domain';
import { DataCheckIssueEntity, MigrationEntity, SelectedPatientEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import { ProblemException, problemType } from '../common/problem';
import type { Caller } from '../organisations/organisations.service';
import { DataCheckContext, invalidField, refused, type DataCheckActor } from './data-check-context';
import type { CreateIssueDto, UpdateIssueDto } from './dto/requests.dto';

export interface IssueView {
  number: number;
  severity: string;
  category: string;
  round: number;
  status: string;
  description: string;
  supplierReference: string | null;
  patient: string | null;
  raisedByRole: string;
  createdAt: string;
  updatedAt: string;
}

export type NewIssue = Pick<DataCheckIssueEntity, 'severity' | 'category' | 'round' | 'description'> &
  Partial<Pick<DataCheckIssueEntity, 'recordCheckId' | 'patientId'>>;

/**
 * The issue log of a migration: raised by a mismatched record check or by hand, seen by every participant, fixed
 * by a supplier, re-checked and closed by the practice or its delivery partner.
 */
@Injectable()
export class IssuesService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly dataSource: DataSource,
    @InjectRepository(DataCheckIssueEntity) private readonly issues: Repository<DataCheckIssueEntity>,
    @InjectRepository(SelectedPatientEntity) private readonly patients: Repository<SelectedPatientEntity>,
  ) {}

  async list(p: Participation): Promise<IssueView[]> {
    const rows = await this.issues.find({ where: { migrationId: p.migration.id }, order: { number: 'ASC' } });
    return this.views(p, rows);
  }

  async raise(p: Participation, caller: Caller, dto: CreateIssueDto): Promise<IssueView> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The issue log');
    const { round } = await this.context.status(p);
    const row = await this.dataSource.transaction(async (manager) => {
      const issue = await this.open(manager, p, actor, { ...dto, description: dto.description.trim(), round });
      await this.context.record(
        p,
        actor,
        'data-check.issue-raised',
        { issue: issue.number, severity: issue.severity },
        { manager },
      );
      return issue;
    });
    return (await this.views(p, [row]))[0];
  }

  async update(p: Participation, caller: Caller, number: number, given: UpdateIssueDto): Promise<IssueView> {
    const actor = this.context.actor(p, caller);
    // null means left out, as everywhere in the API.
    const dto = {
      status: given.status ?? undefined,
      supplierReference: given.supplierReference ?? undefined,
      severity: given.severity ?? undefined,
    };
    if (dto.status === undefined && dto.supplierReference === undefined && dto.severity === undefined) {
      throw invalidField('status', 'Give at least one of status, supplierReference or severity');
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(DataCheckIssueEntity);
      const issue = await repo.findOne({
        where: { migrationId: p.migration.id, number },
        lock: { mode: 'pessimistic_write' },
      });
      if (!issue) {
        throw new ProblemException(HttpStatus.NOT_FOUND, {
          type: problemType('not-found'),
          title: 'Issue not found',
          detail: `This migration has no issue ${number}.`,
        });
      }
      const supplier = actor.role === 'new-supplier' || actor.role === 'current-supplier';
      if (dto.severity !== undefined && supplier) {
        throw forbidden('The practice or the delivery partner sets an issue’s severity.');
      }
      if (dto.supplierReference !== undefined && !supplier && actor.role !== 'delivery-partner') {
        throw forbidden('A supplier (or the delivery partner) gives the supplier reference.');
      }
      const changes: Record<string, unknown> = {};
      if (dto.status !== undefined && dto.status !== issue.status) {
        const why = issueTransitionRefusal(issue.status as IssueStatus, dto.status, actor.role);
        if (why?.startsWith('Moving')) throw forbidden(why);
        if (why) throw refused(HttpStatus.CONFLICT, 'IssueTransitionNotAllowed', 'The issue cannot move there', why);
        changes.status = { from: issue.status, to: dto.status };
        issue.status = dto.status;
      }
      if (dto.supplierReference !== undefined)
        issue.supplierReference = changes.supplierReference = dto.supplierReference;
      if (dto.severity !== undefined) issue.severity = changes.severity = dto.severity;
      const saved = await repo.save(issue);
      await this.context.record(p, actor, 'data-check.issue-updated', { issue: number, ...changes }, { manager });
      return saved;
    });
    return (await this.views(p, [row]))[0];
  }

  /** Opens a new issue with the next number of the migration (the caller's transaction serialises numbering). */
  async open(
    manager: EntityManager,
    p: Participation,
    actor: DataCheckActor,
    issue: NewIssue,
  ): Promise<DataCheckIssueEntity> {
    // Lock the migration's registry row: concurrent issues of one migration take numbers one after another.
    await manager
      .getRepository(MigrationEntity)
      .findOne({ where: { id: p.migration.id }, lock: { mode: 'pessimistic_write' } });
    const repo = manager.getRepository(DataCheckIssueEntity);
    const { max } = (await repo
      .createQueryBuilder('i')
      .select('coalesce(max(i.number), 0)::int', 'max')
      .where('i.migration_id = :id', { id: p.migration.id })
      .getRawOne<{ max: number }>())!;
    const row = repo.create({
      id: randomUUID(),
      migrationId: p.migration.id,
      number: max + 1,
      status: 'open',
      supplierReference: null,
      recordCheckId: null,
      patientId: null,
      ...issue,
      raisedByRole: actor.role,
      raisedBy: actor.organisation,
    });
    await repo.insert(row);
    return row;
  }

  async views(p: Participation, rows: DataCheckIssueEntity[]): Promise<IssueView[]> {
    const ids = [...new Set(rows.map((r) => r.patientId).filter((id): id is string => !!id))];
    const patients = ids.length ? await this.patients.findBy(ids.map((id) => ({ id }))) : [];
    const shown = new Map(patients.map((x) => [x.id, this.context.showNhsNumber(p, x.nhsNumberEncrypted).nhsNumber]));
    return rows.map((r) => ({
      number: r.number,
      severity: r.severity,
      category: r.category,
      round: r.round,
      status: r.status,
      description: r.description,
      supplierReference: r.supplierReference,
      patient: r.patientId ? (shown.get(r.patientId) ?? null) : null,
      raisedByRole: r.raisedByRole,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }
}

const forbidden = (detail: string) =>
  new ProblemException(HttpStatus.FORBIDDEN, { type: problemType('forbidden'), title: 'Forbidden', detail });
