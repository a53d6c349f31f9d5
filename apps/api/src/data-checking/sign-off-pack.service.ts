import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { maskNhsNumber, type Measure } from '@idp/domain';
import {
  DataCheckIssueEntity,
  RecordCheckEntity,
  SelectedPatientEntity,
  SignOffDeclarationEntity,
} from '@idp/persistence';
import type { Participation } from '../auth/access';
import { DataCheckContext } from './data-check-context';
import { DataCheckFiguresService } from './figures.service';
import { ReportFiguresService, type ReportFigureView } from './report-figures.service';

type MeasureRow = Measure & { scope: string; round: number | null; category: string | null };

/** Everything the sign-off pack says; its canonical JSON is what the content hash covers. */
export interface SignOffPackData {
  migration: {
    id: string;
    practiceOdsCode: string;
    practiceName: string;
    icbCode: string;
    currentSupplier: string;
    newSupplier: string;
    deliveryPartner: string | null;
    graphVersion: number;
    status: string;
    kickedOffAt: string;
    plannedGoLive: string;
    forecastGoLive: string;
  };
  thresholds: { completenessPercent: number; accuracyPercent: number };
  figures: MeasureRow[];
  rounds: Array<{
    round: number;
    startedAt: string;
    endedAt: string | null;
    outcome: string | null;
    remedy: string | null;
    figuresVerdict: string;
  }>;
  reportComparison: Array<Omit<ReportFigureView, 'id' | 'oldSource' | 'newSource'>>;
  recordChecks: Array<{
    round: number;
    patient: string;
    match: number;
    mismatch: number;
    missing: number;
    notApplicable: number;
  }>;
  issues: Array<{
    number: number;
    severity: string;
    category: string;
    round: number;
    status: string;
    supplierReference: string | null;
    patient: string | null;
    description: string;
  }>;
  signatures: {
    clinicalLead: { name: string; organisation: string; signedAt: string; declaration: string } | null;
    acceptedOpenIssues: number[];
    notMigrated: string | null;
    countersignature: { name: string; organisation: string; signedAt: string } | null;
  };
}

export interface SignOffPack {
  data: SignOffPackData;
  /** SHA-256 (hex) of `canonicalJson(data)`. */
  contentHash: string;
  generatedAt: string;
}

/** JSON with object keys sorted at every level: the same data always gives the same text, hence the same hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The evidence the ICB files: the migration, its figures, report comparison, record-check summary (NHS numbers
 * masked for every reader), issues, rounds and signatures, with a SHA-256 content hash of that data.
 */
@Injectable()
export class SignOffPackService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly figures: DataCheckFiguresService,
    private readonly reportFigures: ReportFiguresService,
    @InjectRepository(SelectedPatientEntity) private readonly patients: Repository<SelectedPatientEntity>,
    @InjectRepository(RecordCheckEntity) private readonly checks: Repository<RecordCheckEntity>,
    @InjectRepository(DataCheckIssueEntity) private readonly issues: Repository<DataCheckIssueEntity>,
    @InjectRepository(SignOffDeclarationEntity) private readonly declarations: Repository<SignOffDeclarationEntity>,
  ) {}

  async build(p: Participation): Promise<SignOffPack> {
    const m = p.migration;
    const status = await this.context.status(p);
    const [computed, comparison, patients, checks, issues, signOff] = await Promise.all([
      this.figures.compute(p, status),
      this.reportFigures.list(p),
      this.patients.findBy({ migrationId: m.id }),
      this.checks.find({ where: { migrationId: m.id }, order: { round: 'ASC' } }),
      this.issues.find({ where: { migrationId: m.id }, order: { number: 'ASC' } }),
      this.declarations.findOneBy({ migrationId: m.id }),
    ]);
    const masked = new Map(
      patients.map((x) => [x.id, maskNhsNumber(this.context.cipher.decrypt(x.nhsNumberEncrypted))]),
    );
    const order = new Map(patients.map((x, i) => [x.id, i]));
    const measure = (scope: string, round: number | null, category: string | null, v: Measure): MeasureRow => ({
      scope,
      round,
      category,
      expected: v.expected,
      present: v.present,
      completenessPercent: v.completenessPercent,
      checked: v.checked,
      matched: v.matched,
      accuracyPercent: v.accuracyPercent,
    });
    const summary = new Map<string, SignOffPackData['recordChecks'][number] & { order: number }>();
    for (const c of checks) {
      const key = `${c.round}|${c.patientId}`;
      const line = summary.get(key) ?? {
        round: c.round,
        patient: masked.get(c.patientId) ?? '*** *** ****',
        match: 0,
        mismatch: 0,
        missing: 0,
        notApplicable: 0,
        order: order.get(c.patientId) ?? 0,
      };
      if (c.result === 'match') line.match++;
      else if (c.result === 'not-applicable') line.notApplicable++;
      else if (c.missing) line.missing++;
      else line.mismatch++;
      summary.set(key, line);
    }
    const data: SignOffPackData = {
      migration: {
        id: m.id,
        practiceOdsCode: m.practiceOdsCode,
        practiceName: m.practiceName,
        icbCode: m.icbCode,
        currentSupplier: m.currentSupplier,
        newSupplier: m.newSupplier,
        deliveryPartner: m.deliveryPartner,
        graphVersion: m.graphVersion,
        status: status.status,
        kickedOffAt: m.createdAt.toISOString(),
        plannedGoLive: status.plannedGoLive,
        forecastGoLive: status.forecastGoLive,
      },
      thresholds: computed.thresholds,
      figures: [
        measure('overall', null, null, computed),
        ...computed.byCategory.map((c) => measure('category', null, c.category, c)),
        ...computed.byRound.map((r) => measure('round', r.round, null, r)),
      ],
      rounds: status.rounds.map((r) => ({
        round: r.round,
        startedAt: r.startedAt,
        endedAt: r.endedAt ?? null,
        outcome: r.outcome ?? null,
        remedy: r.remedy ?? null,
        figuresVerdict: computed.byRound[r.round - 1]?.outcome.outcome ?? 'incomplete',
      })),
      reportComparison: comparison.map(({ id: _id, oldSource: _o, newSource: _n, ...rest }) => rest),
      recordChecks: [...summary.values()]
        .sort((a, b) => a.round - b.round || a.order - b.order)
        .map(({ order: _order, ...line }) => line),
      issues: issues.map((i) => ({
        number: i.number,
        severity: i.severity,
        category: i.category,
        round: i.round,
        status: i.status,
        supplierReference: i.supplierReference,
        patient: i.patientId ? (masked.get(i.patientId) ?? null) : null,
        description: i.description,
      })),
      signatures: {
        clinicalLead: signOff
          ? {
              name: signOff.clinicalLeadName,
              organisation: signOff.signedBy,
              signedAt: signOff.signedAt.toISOString(),
              declaration: signOff.declaration,
            }
          : null,
        acceptedOpenIssues: signOff?.acceptedOpenIssues ?? [],
        notMigrated: signOff?.notMigrated ?? null,
        countersignature:
          signOff?.countersignedAt && signOff.countersignedByName && signOff.countersignedBy
            ? {
                name: signOff.countersignedByName,
                organisation: signOff.countersignedBy,
                signedAt: signOff.countersignedAt.toISOString(),
              }
            : null,
      },
    };
    return {
      data,
      contentHash: createHash('sha256').update(canonicalJson(data)).digest('hex'),
      generatedAt: new Date().toISOString(),
    };
  }
}
