import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, type EntityManager, type Repository } from 'typeorm';
import { compareFigure, figureKey, validateFigure, validateFigureRows, type FigureEntry, type Role } from '@idp/domain';
import { ReportFigureEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import { ProblemException, problemType } from '../common/problem';
import type { Caller } from '../organisations/organisations.service';
import { parseCsv, rejectedUpload, toCsv } from './csv';
import { DataCheckContext, type DataCheckActor } from './data-check-context';
import type { ReportFigureInputDto } from './dto/requests.dto';

export interface ReportFigureView {
  id: string;
  round: number;
  kind: string;
  code: string | null;
  name: string;
  oldValue: number | null;
  newValue: number | null;
  difference: number | null;
  tolerance: number;
  result: 'pass' | 'fail' | 'pending';
  oldSource: string | null;
  newSource: string | null;
}

/** Which values each role gives: suppliers only their own system's; the practice and its partner any, and tolerances. */
function refusal(role: Role, f: FigureEntry): { field: string; message: string } | undefined {
  if (role === 'current-supplier' && (f.newValue !== null || f.tolerance !== null)) {
    return {
      field: f.newValue !== null ? 'newValue' : 'tolerance',
      message: 'The current supplier gives the old system’s figures (oldValue) only.',
    };
  }
  if (role === 'new-supplier' && (f.oldValue !== null || f.tolerance !== null)) {
    return {
      field: f.oldValue !== null ? 'oldValue' : 'tolerance',
      message: 'The new supplier gives the test system’s figures (newValue) only.',
    };
  }
  return undefined;
}

/** The columns of an upload, as headers, and which of them each role fills (as `refusal` allows). */
const UPLOAD_COLUMNS = {
  kind: 'kind',
  code: 'code',
  name: 'name',
  oldValue: 'old value',
  newValue: 'new value',
  tolerance: 'tolerance',
} as const;
const IDENTITY = ['kind', 'code', 'name'] as const;
function uploadColumnsOf(role: string): Array<keyof typeof UPLOAD_COLUMNS> {
  if (role === 'current-supplier') return [...IDENTITY, 'oldValue'];
  if (role === 'new-supplier') return [...IDENTITY, 'newValue'];
  return [...IDENTITY, 'oldValue', 'newValue', 'tolerance'];
}

/** The header line of an upload of report figures by `role`. */
export const uploadHeadersOf = (role: string): string[] => uploadColumnsOf(role).map((c) => UPLOAD_COLUMNS[c]);

export function toFigureView(row: ReportFigureEntity): ReportFigureView {
  const comparison = compareFigure(row);
  return {
    id: row.id,
    round: row.round,
    kind: row.kind,
    code: row.code,
    name: row.name,
    oldValue: row.oldValue,
    newValue: row.newValue,
    difference: comparison.difference,
    tolerance: row.tolerance,
    result: comparison.result,
    oldSource: row.oldSource,
    newSource: row.newSource,
  };
}

/**
 * Report figures of the old and the test system for the current round: list size, QOF registers, target reports
 * and any named figure. Each side is given by whoever has it; a new round starts from the last round's old-system
 * values and tolerances, since re-extracting or re-transforming changes only the test system.
 */
@Injectable()
export class ReportFiguresService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly dataSource: DataSource,
    @InjectRepository(ReportFigureEntity) private readonly figures: Repository<ReportFigureEntity>,
  ) {}

  async list(p: Participation): Promise<ReportFigureView[]> {
    const rows = await this.figures.find({
      where: { migrationId: p.migration.id },
      order: { round: 'ASC', kind: 'ASC', figureKey: 'ASC' },
    });
    return rows.map(toFigureView);
  }

  async submit(p: Participation, caller: Caller, dto: ReportFigureInputDto): Promise<ReportFigureView> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The report figures');
    const { figure, errors } = validateFigure(dto);
    if (!figure) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, {
        type: problemType('validation'),
        title: 'The request has invalid fields',
        detail: errors.map((e) => e.message).join('; '),
        errors: errors.map((e) => ({ field: e.field, message: e.message })),
      });
    }
    const denied = refusal(actor.role, figure);
    if (denied) {
      throw new ProblemException(HttpStatus.FORBIDDEN, {
        type: problemType('forbidden'),
        title: 'Forbidden',
        detail: denied.message,
      });
    }
    const { round } = await this.context.status(p);
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await this.upsert(manager, p, actor, round, figure);
      await this.context.record(
        p,
        actor,
        'data-check.figures-submitted',
        { round, figures: [figureKey(figure)] },
        { manager },
      );
      return saved;
    });
    return toFigureView(row);
  }

  /** Imports figures from CSV into the current round: every row valid, or nothing at all. */
  async import(p: Participation, caller: Caller, csv: unknown): Promise<{ imported: number }> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The report figures');
    const { figures, rejected } = validateFigureRows(parseCsv(csv));
    for (const f of figures) {
      const denied = refusal(actor.role, f);
      if (denied) rejected.push({ row: f.row, ...denied });
    }
    if (rejected.length) throw rejectedUpload(rejected);
    if (!figures.length) throw rejectedUpload([{ row: 2, field: 'file', message: 'The file lists no figures.' }]);
    const { round } = await this.context.status(p);
    await this.dataSource.transaction(async (manager) => {
      for (const f of figures) await this.upsert(manager, p, actor, round, f);
      await this.context.record(
        p,
        actor,
        'data-check.figures-submitted',
        { round, figures: figures.map(figureKey) },
        { manager },
      );
    });
    return { imported: figures.length };
  }

  async csv(p: Participation): Promise<string> {
    const rows = await this.list(p);
    return toCsv([
      ['round', 'kind', 'code', 'name', 'old value', 'new value', 'difference', 'tolerance', 'result'],
      ...rows.map((r) => [
        r.round,
        r.kind,
        r.code,
        r.name,
        r.oldValue,
        r.newValue,
        r.difference,
        r.tolerance,
        r.result,
      ]),
    ]);
  }

  /**
   * A file to fill in and upload: the figures of the latest round that has any (none: just the header), in the
   * upload's columns for the participant's role, with every value left blank. Values are not copied in: uploaded
   * back, they would overwrite what another party gave since (or carry an earlier round's test-system figures into
   * a new round). A row left blank records nothing.
   */
  async template(p: Participation): Promise<string> {
    const rows = await this.list(p);
    const latest = rows.filter((r) => r.round === rows.at(-1)?.round);
    const columns = uploadColumnsOf(p.role);
    return toCsv([
      uploadHeadersOf(p.role),
      ...latest.map((r) => columns.map((c) => ((IDENTITY as readonly string[]).includes(c) ? r[c] : ''))),
    ]);
  }

  private async upsert(
    manager: EntityManager,
    p: Participation,
    actor: DataCheckActor,
    round: number,
    f: FigureEntry,
  ): Promise<ReportFigureEntity> {
    const repo = manager.getRepository(ReportFigureEntity);
    const key = figureKey(f);
    const earlier = await repo.findOne({
      where: { migrationId: p.migration.id, figureKey: key, round: LessThan(round) },
      order: { round: 'DESC' },
    });
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        id: randomUUID(),
        migrationId: p.migration.id,
        round,
        figureKey: key,
        kind: f.kind,
        code: f.code,
        name: f.name,
        oldValue: earlier?.oldValue ?? null,
        oldSource: earlier?.oldSource ?? null,
        tolerance: earlier?.tolerance ?? 0,
      })
      .orIgnore()
      .execute();
    const row = await repo.findOneOrFail({
      where: { migrationId: p.migration.id, round, figureKey: key },
      lock: { mode: 'pessimistic_write' },
    });
    if (f.oldValue !== null) Object.assign(row, { oldValue: f.oldValue, oldSource: actor.role });
    if (f.newValue !== null) Object.assign(row, { newValue: f.newValue, newSource: actor.role });
    if (f.tolerance !== null) row.tolerance = f.tolerance;
    if (f.kind === 'other') row.name = f.name;
    return repo.save(row);
  }
}
