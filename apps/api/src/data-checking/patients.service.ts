import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import { normaliseNhsNumber, validatePatientRows, type RowRejection, type SelectionReason } from '@idp/domain';
import { SelectedPatientEntity, TestCriterionEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import type { Caller } from '../organisations/organisations.service';
import { parseCsv, rejectedUpload, toCsv } from './csv';
import { DataCheckContext, invalidField, isUniqueViolation, refused, type DataCheckActor } from './data-check-context';
import type { SelectPatientDto } from './dto/requests.dto';

export interface SelectedPatientView {
  id: string;
  nhsNumber: string;
  masked: boolean;
  criterion: string | null;
  reason: string;
  selectedByRole: string;
  assisted: boolean;
  selectedAt: string;
}

interface NewSelection {
  nhsNumber: string;
  criterionId: string | null;
  reason: SelectionReason;
}

const alreadySelected = () =>
  refused(
    HttpStatus.CONFLICT,
    'PatientAlreadySelected',
    'This patient is already selected',
    'This patient is already selected in this migration; a patient appears once per migration.',
  );

/**
 * The patients the practice (or the delivery partner assisting it) selects for checking, one at a time or as a
 * CSV from its clinical system's search. NHS numbers are stored encrypted, de-duplicated by a keyed hash, shown in
 * full only to the practice and the new supplier, and never logged or echoed in errors.
 */
@Injectable()
export class PatientsService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly dataSource: DataSource,
    @InjectRepository(SelectedPatientEntity) private readonly patients: Repository<SelectedPatientEntity>,
    @InjectRepository(TestCriterionEntity) private readonly criteria: Repository<TestCriterionEntity>,
  ) {}

  async list(p: Participation): Promise<SelectedPatientView[]> {
    const [rows, criteria] = await Promise.all([
      this.patients.find({ where: { migrationId: p.migration.id }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.criteria.findBy({ migrationId: p.migration.id }),
    ]);
    const codes = new Map(criteria.map((c) => [c.id, c.code]));
    return rows.map((row) => ({
      id: row.id,
      ...this.context.showNhsNumber(p, row.nhsNumberEncrypted),
      criterion: row.criterionId ? (codes.get(row.criterionId) ?? null) : null,
      reason: row.reason,
      selectedByRole: row.selectedByRole,
      assisted: row.assisted,
      selectedAt: row.createdAt.toISOString(),
    }));
  }

  async select(p: Participation, caller: Caller, dto: SelectPatientDto): Promise<SelectedPatientView> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The patient selection');
    const nhsNumber = normaliseNhsNumber(dto.nhsNumber);
    if (!nhsNumber) throw invalidField('nhsNumber', 'nhsNumber is not a valid NHS number (the modulus 11 check fails)');
    let criterionId: string | null = null;
    if (dto.criterion) {
      const criterion = await this.criteria.findOneBy({ migrationId: p.migration.id, code: dto.criterion });
      if (!criterion) {
        throw refused(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'UnknownCriterion',
          'No such test criterion',
          `This migration has no test criterion ${dto.criterion}; see GET /v1/migrations/${p.migration.id}/test-criteria.`,
        );
      }
      criterionId = criterion.id;
    }
    // The unique index catches a repeat under the current key's hash only (see alreadySelected).
    if ((await this.alreadySelected(p, [nhsNumber]))[0]) throw alreadySelected();
    const [id] = await this.insert(p, actor, [
      { nhsNumber, criterionId, reason: criterionId ? 'criterion' : 'random' },
    ]);
    const view = (await this.list(p)).find((v) => v.id === id)!;
    return view;
  }

  /** Imports a patient list: every row valid and new, or nothing at all (422 with each rejected row). */
  async import(p: Participation, caller: Caller, csv: unknown): Promise<{ imported: number }> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The patient selection');
    const criteria = await this.criteria.findBy({ migrationId: p.migration.id });
    const byCode = new Map(criteria.map((c) => [c.code, c.id]));
    const { patients, rejected } = validatePatientRows(parseCsv(csv), new Set(byCode.keys()));
    const existing = await this.alreadySelected(
      p,
      patients.map((row) => row.nhsNumber),
    );
    const duplicates: RowRejection[] = patients
      .filter((_, i) => existing[i])
      .map((row) => ({
        row: row.row,
        field: 'NHS number',
        message: 'This patient is already selected in this migration.',
      }));
    if (rejected.length || duplicates.length) throw rejectedUpload([...rejected, ...duplicates]);
    if (!patients.length) throw rejectedUpload([{ row: 2, field: 'file', message: 'The file lists no patients.' }]);
    await this.insert(
      p,
      actor,
      patients.map((row) => ({
        nhsNumber: row.nhsNumber,
        criterionId: row.criterionCode ? byCode.get(row.criterionCode)! : null,
        reason: row.reason,
      })),
    );
    return { imported: patients.length };
  }

  /** The selection as CSV for the new supplier (and the practice); masked for everyone else. */
  async csv(p: Participation): Promise<string> {
    const rows = await this.list(p);
    return toCsv([
      ['NHS number', 'criterion', 'reason', 'selected by', 'assisted', 'selected at'],
      ...rows.map((r) => [r.nhsNumber, r.criterion, r.reason, r.selectedByRole, r.assisted, r.selectedAt]),
    ]);
  }

  /**
   * For each NHS number, whether the migration already has it. A row may still carry the previous key's hash
   * while DATA_ENCRYPTION_KEY is being rotated, which the unique index cannot see: every key's hash is asked for.
   */
  private async alreadySelected(p: Participation, nhsNumbers: string[]): Promise<boolean[]> {
    const hashes = nhsNumbers.map((n) => this.context.cipher.lookupHashes(n));
    if (!hashes.length) return [];
    const found = new Set(
      (
        await this.patients.find({
          select: { nhsNumberLookup: true },
          where: { migrationId: p.migration.id, nhsNumberLookup: In(hashes.flat()) },
        })
      ).map((r) => r.nhsNumberLookup),
    );
    return hashes.map((h) => h.some((x) => found.has(x)));
  }

  private async insert(p: Participation, actor: DataCheckActor, selections: NewSelection[]): Promise<string[]> {
    const rows = selections.map((s) =>
      this.patients.create({
        id: randomUUID(),
        migrationId: p.migration.id,
        nhsNumberEncrypted: this.context.cipher.encrypt(s.nhsNumber),
        nhsNumberLookup: this.context.cipher.lookupHash(s.nhsNumber),
        criterionId: s.criterionId,
        reason: s.reason,
        selectedByRole: actor.role,
        selectedBy: actor.organisation,
        // The delivery partner selects on the practice's behalf: the record says so.
        assisted: actor.role === 'delivery-partner',
      }),
    );
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(SelectedPatientEntity).insert(rows);
        await this.context.record(
          p,
          actor,
          'data-check.patients-selected',
          { count: rows.length, assisted: actor.role === 'delivery-partner' },
          { manager },
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadySelected();
      throw error;
    }
    return rows.map((r) => r.id);
  }
}
