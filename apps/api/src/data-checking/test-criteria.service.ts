import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SelectedPatientEntity, TestCriterionEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import type { Caller } from '../organisations/organisations.service';
import { DataCheckContext, isUniqueViolation, refused } from './data-check-context';
import type { TestCriterionInputDto } from './dto/requests.dto';

export interface TestCriterionView {
  id: string;
  code: string;
  description: string;
  category: string;
  patientsToSelect: number;
  patientsSelected: number;
  providedByRole: string;
  providedBy: string;
  createdAt: string;
}

/** Test criteria: the new supplier's, plus any the delivery partner adds. */
@Injectable()
export class TestCriteriaService {
  constructor(
    private readonly context: DataCheckContext,
    @InjectRepository(TestCriterionEntity) private readonly criteria: Repository<TestCriterionEntity>,
    @InjectRepository(SelectedPatientEntity) private readonly patients: Repository<SelectedPatientEntity>,
  ) {}

  async list(p: Participation): Promise<TestCriterionView[]> {
    const [rows, counts] = await Promise.all([
      this.criteria.find({ where: { migrationId: p.migration.id }, order: { createdAt: 'ASC', code: 'ASC' } }),
      this.patients
        .createQueryBuilder('s')
        .select('s.criterion_id', 'criterionId')
        .addSelect('count(*)::int', 'selected')
        .where('s.migration_id = :id', { id: p.migration.id })
        .groupBy('s.criterion_id')
        .getRawMany<{ criterionId: string | null; selected: number }>(),
    ]);
    const selected = new Map(counts.map((c) => [c.criterionId, c.selected]));
    return rows.map((c) => ({
      id: c.id,
      code: c.code,
      description: c.description,
      category: c.category,
      patientsToSelect: c.patientsToSelect,
      patientsSelected: selected.get(c.id) ?? 0,
      providedByRole: c.providedByRole,
      providedBy: c.providedBy,
      createdAt: c.createdAt.toISOString(),
    }));
  }

  async add(p: Participation, caller: Caller, dto: TestCriterionInputDto): Promise<TestCriterionView> {
    const actor = this.context.actor(p, caller);
    this.context.assertOpen(p, 'The test criteria');
    const row = this.criteria.create({
      id: randomUUID(),
      migrationId: p.migration.id,
      code: dto.code,
      description: dto.description.trim(),
      category: dto.category.trim(),
      patientsToSelect: dto.patientsToSelect,
      providedByRole: actor.role,
      providedBy: actor.organisation,
    });
    try {
      await this.criteria.insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw refused(
          HttpStatus.CONFLICT,
          'CriterionExists',
          'This criterion already exists',
          `This migration already has a test criterion ${dto.code}.`,
        );
      }
      throw error;
    }
    await this.context.record(p, actor, 'data-check.criterion-added', { code: row.code, category: row.category });
    return (await this.list(p)).find((c) => c.id === row.id)!;
  }
}
