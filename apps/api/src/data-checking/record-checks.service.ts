import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import { DataCheckIssueEntity, RecordCheckEntity, SelectedPatientEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import { ProblemException, problemType, type FieldProblem } from '../common/problem';
import type { Caller } from '../organisations/organisations.service';
import { DataCheckContext, refused } from './data-check-context';
import type { RecordChecksDto } from './dto/requests.dto';
import { IssuesService } from './issues.service';

export interface RecordCheckView {
  patientId: string;
  category: string;
  round: number;
  result: string;
  missing: boolean;
  note: string | null;
  issue: number | null;
}

/**
 * Record checks of the current round: for each selected patient and category, match, mismatch (with a note) or
 * not applicable. A mismatch raises an issue once; checking the same patient and category again in the round
 * replaces the earlier answer.
 */
@Injectable()
export class RecordChecksService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly issues: IssuesService,
    private readonly dataSource: DataSource,
    @InjectRepository(RecordCheckEntity) private readonly checks: Repository<RecordCheckEntity>,
    @InjectRepository(DataCheckIssueEntity) private readonly issueRows: Repository<DataCheckIssueEntity>,
    @InjectRepository(SelectedPatientEntity) private readonly patients: Repository<SelectedPatientEntity>,
  ) {}

  async list(p: Participation): Promise<RecordCheckView[]> {
    const [rows, issues] = await Promise.all([
      this.checks.find({
        where: { migrationId: p.migration.id },
        order: { round: 'ASC', patientId: 'ASC', category: 'ASC' },
      }),
      this.issueRows.find({ select: { number: true, recordCheckId: true }, where: { migrationId: p.migration.id } }),
    ]);
    const issueOf = new Map(issues.filter((i) => i.recordCheckId).map((i) => [i.recordCheckId!, i.number]));
    return rows.map((r) => ({
      patientId: r.patientId,
      category: r.category,
      round: r.round,
      result: r.result,
      missing: r.missing,
      note: r.note,
      issue: issueOf.get(r.id) ?? null,
    }));
  }

  async submit(p: Participation, caller: Caller, dto: RecordChecksDto): Promise<RecordCheckView[]> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The record checks');
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    dto.checks.forEach((c, i) => {
      if (c.result === 'mismatch' && !c.note?.trim()) {
        problems.push({
          field: `checks[${i}].note`,
          message: `checks[${i}].note must say what differs for a mismatch`,
        });
      }
      if (c.missing && c.result !== 'mismatch') {
        problems.push({ field: `checks[${i}].missing`, message: `checks[${i}].missing is only for a mismatch` });
      }
      const key = `${c.patientId}|${c.category}`;
      if (seen.has(key)) {
        problems.push({
          field: `checks[${i}]`,
          message: `checks[${i}] repeats a patient and category of this request`,
        });
      }
      seen.add(key);
    });
    if (problems.length) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, {
        type: problemType('validation'),
        title: 'The request has invalid fields',
        detail: problems.map((x) => x.message).join('; '),
        errors: problems,
      });
    }
    const ids = [...new Set(dto.checks.map((c) => c.patientId))];
    const selected = new Set(
      (await this.patients.find({ select: { id: true }, where: { migrationId: p.migration.id, id: In(ids) } })).map(
        (x) => x.id,
      ),
    );
    const unknown = dto.checks.map((c, i) => [c, i] as const).filter(([c]) => !selected.has(c.patientId));
    if (unknown.length) {
      throw refused(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'PatientNotSelected',
        'Not a selected patient',
        `Only selected patients are checked: ${unknown.map(([, i]) => `checks[${i}].patientId`).join(', ')} is not a patient selected in this migration.`,
      );
    }
    const { round, stage } = await this.context.status(p);
    if (stage !== 'data-checking') {
      throw refused(
        HttpStatus.CONFLICT,
        'NotDataChecking',
        'Records are not being checked now',
        `Record checks are taken while the migration is data checking; it is ${stage}.`,
      );
    }
    const saved = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(RecordCheckEntity);
      const out: RecordCheckEntity[] = [];
      for (const c of dto.checks) {
        const result = await repo
          .createQueryBuilder()
          .insert()
          .values({
            id: randomUUID(),
            migrationId: p.migration.id,
            patientId: c.patientId,
            category: c.category,
            round,
            result: c.result,
            missing: c.missing ?? false,
            note: c.note?.trim() || null,
            checkedByRole: actor.role,
            checkedBy: actor.organisation,
          })
          .orUpdate(
            ['result', 'missing', 'note', 'checked_by_role', 'checked_by', 'checked_at'],
            ['patient_id', 'category', 'round'],
          )
          .returning(['id'])
          .execute();
        const id = (result.raw as Array<{ id: string }>)[0].id;
        out.push(await repo.findOneByOrFail({ id }));
        if (
          c.result === 'mismatch' &&
          !(await manager.getRepository(DataCheckIssueEntity).existsBy({ recordCheckId: id }))
        ) {
          await this.issues.open(manager, p, actor, {
            severity: c.severity ?? 'medium',
            category: c.category,
            round,
            description: c.note!.trim(),
            recordCheckId: id,
            patientId: c.patientId,
          });
        }
      }
      await this.context.record(
        p,
        actor,
        'data-check.records-checked',
        {
          round,
          checks: dto.checks.length,
          mismatches: dto.checks.filter((c) => c.result === 'mismatch').length,
        },
        { manager },
      );
      return out;
    });
    const keys = new Set(saved.map((s) => `${s.patientId}|${s.category}|${s.round}`));
    return (await this.list(p)).filter((v) => keys.has(`${v.patientId}|${v.category}|${v.round}`));
  }
}
