import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHECK_RESULTS,
  FIGURE_KINDS,
  ISSUE_CATEGORIES,
  ISSUE_SEVERITIES,
  ISSUE_STATUSES,
  RECORD_CATEGORIES,
  REMEDIES,
  ROLES,
  SELECTION_REASONS,
} from '@idp/domain';
import { ProblemDto } from '../../common/problem.dto';
import { DataCheckThresholdsDto } from '../../migrations/dto/migration.response';

/*
 * What the data-checking routes answer, for the OpenAPI document; each mirrors a view type of the services.
 */

const PERCENT = { type: 'number', minimum: 0, maximum: 100, nullable: true, example: 97.5 } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;

export class TestCriterionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'TC-01' })
  code: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ example: 'medication' })
  category: string;

  @ApiProperty(COUNT)
  patientsToSelect: number;

  @ApiProperty({ ...COUNT, description: 'Patients selected for it so far.' })
  patientsSelected: number;

  @ApiProperty({ enum: ROLES })
  providedByRole: string;

  @ApiProperty({ example: 'TPP' })
  providedBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class TestCriterionListDto {
  @ApiProperty({ type: [TestCriterionDto] })
  items: TestCriterionDto[];
}

export class SelectedPatientDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    example: '*** *** 5919',
    description: 'In full for the practice and the new supplier; masked (last four digits) for everyone else.',
  })
  nhsNumber: string;

  @ApiProperty({ description: 'True when `nhsNumber` is masked.' })
  masked: boolean;

  @ApiProperty({ type: 'string', nullable: true, example: 'TC-01' })
  criterion: string | null;

  @ApiProperty({ enum: SELECTION_REASONS })
  reason: string;

  @ApiProperty({ enum: ROLES })
  selectedByRole: string;

  @ApiProperty({ description: 'Selected by the delivery partner assisting the practice.' })
  assisted: boolean;

  @ApiProperty({ format: 'date-time' })
  selectedAt: string;
}

export class SelectedPatientListDto {
  @ApiProperty({ type: [SelectedPatientDto] })
  items: SelectedPatientDto[];
}

export class ImportResultDto {
  @ApiProperty({ ...COUNT, example: 20, description: 'Rows imported (every row: an import is all or nothing).' })
  imported: number;
}

export class RowRejectionDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3, description: 'Line in the file; the header is line 1.' })
  row: number;

  @ApiProperty({ example: 'NHS number' })
  field: string;

  @ApiProperty({ example: 'Not a valid NHS number (10 digits, modulus 11 check).' })
  message: string;
}

/** A 422 for an upload: nothing was imported; `rejected` says which rows and why. */
export class UploadRejectedProblemDto extends ProblemDto {
  @ApiProperty({ type: [RowRejectionDto] })
  rejected: RowRejectionDto[];
}

export class ReportFigureDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  round: number;

  @ApiProperty({ enum: FIGURE_KINDS })
  kind: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'AF' })
  code: string | null;

  @ApiProperty({ example: 'Atrial fibrillation register' })
  name: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 88 })
  oldValue: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 87 })
  newValue: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: -1, description: 'newValue − oldValue.' })
  difference: number | null;

  @ApiProperty({ ...COUNT, example: 0 })
  tolerance: number;

  @ApiProperty({ enum: ['pass', 'fail', 'pending'] })
  result: string;

  @ApiProperty({ type: 'string', nullable: true, enum: [...ROLES, null], description: 'Who gave oldValue.' })
  oldSource: string | null;

  @ApiProperty({ type: 'string', nullable: true, enum: [...ROLES, null], description: 'Who gave newValue.' })
  newSource: string | null;
}

export class ReportFigureListDto {
  @ApiProperty({ type: [ReportFigureDto] })
  items: ReportFigureDto[];
}

export class IssueDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3, description: 'The issue’s number in this migration.' })
  number: number;

  @ApiProperty({ enum: ISSUE_SEVERITIES })
  severity: string;

  @ApiProperty({ enum: ISSUE_CATEGORIES })
  category: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  round: number;

  @ApiProperty({ enum: ISSUE_STATUSES })
  status: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ type: 'string', nullable: true })
  supplierReference: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: '*** *** 5919', description: 'Masked as for patients.' })
  patient: string | null;

  @ApiProperty({ enum: ROLES })
  raisedByRole: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class IssueListDto {
  @ApiProperty({ type: [IssueDto] })
  items: IssueDto[];
}

export class RecordCheckDto {
  @ApiProperty({ format: 'uuid' })
  patientId: string;

  @ApiProperty({ enum: RECORD_CATEGORIES })
  category: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  round: number;

  @ApiProperty({ enum: CHECK_RESULTS })
  result: string;

  @ApiProperty()
  missing: boolean;

  @ApiProperty({ type: 'string', nullable: true })
  note: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The issue a mismatch raised.' })
  issue: number | null;
}

export class RecordCheckListDto {
  @ApiProperty({ type: [RecordCheckDto] })
  items: RecordCheckDto[];
}

export class MeasureDto {
  @ApiProperty({ ...COUNT, description: 'Items expected: applicable record checks plus compared report figures.' })
  expected: number;

  @ApiProperty({ ...COUNT, description: 'Expected items present (not missing; figures within tolerance).' })
  present: number;

  @ApiProperty(PERCENT)
  completenessPercent: number | null;

  @ApiProperty({ ...COUNT, description: 'Record items present and checked.' })
  checked: number;

  @ApiProperty({ ...COUNT, description: 'Checked record items that match.' })
  matched: number;

  @ApiProperty(PERCENT)
  accuracyPercent: number | null;
}

export class CategoryMeasureDto extends MeasureDto {
  @ApiProperty({ enum: RECORD_CATEGORIES })
  category: string;
}

export class RoundVerdictDto {
  @ApiProperty({ enum: ['passed', 'failed', 'incomplete'] })
  outcome: string;

  @ApiProperty({ type: [String] })
  reasons: string[];
}

export class ReportFigureCountsDto {
  @ApiProperty(COUNT)
  compared: number;

  @ApiProperty(COUNT)
  withinTolerance: number;

  @ApiProperty(COUNT)
  pending: number;
}

export class RoundFiguresDto extends MeasureDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  round: number;

  @ApiProperty({ type: [CategoryMeasureDto] })
  byCategory: CategoryMeasureDto[];

  @ApiProperty({ type: ReportFigureCountsDto })
  reportFigures: ReportFigureCountsDto;

  @ApiProperty({ ...COUNT, description: 'Patient × category checks still without a result.' })
  unchecked: number;

  @ApiProperty({ type: RoundVerdictDto })
  outcome: RoundVerdictDto;
}

export class DataCheckFiguresDto extends MeasureDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  currentRound: number;

  @ApiProperty({ type: DataCheckThresholdsDto })
  thresholds: DataCheckThresholdsDto;

  @ApiProperty({ type: [CategoryMeasureDto] })
  byCategory: CategoryMeasureDto[];

  @ApiProperty({ type: [RoundFiguresDto] })
  byRound: RoundFiguresDto[];
}

export class ComputedOutcomeResultDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  round: number;

  @ApiProperty({ enum: ['passed', 'failed'] })
  outcome: string;

  @ApiProperty({ type: [String], description: 'Why the round failed (empty when it passed).' })
  reasons: string[];

  @ApiPropertyOptional({ enum: REMEDIES })
  remedy?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 2, description: 'After a failure: the new round.' })
  nextRound?: number;

  @ApiProperty({ description: 'True when the rounds allowed are used up and the ICB has been alerted.' })
  escalated: boolean;

  @ApiProperty({ type: RoundFiguresDto })
  figures: RoundFiguresDto;
}

export class SignatureDto {
  @ApiProperty({ example: 'Dr Amira Shah' })
  name: string;

  @ApiProperty({ example: 'A81001', description: 'The signing organisation’s code.' })
  organisation: string;

  @ApiProperty({ format: 'date-time' })
  signedAt: string;

  @ApiProperty({ type: 'string', nullable: true })
  note: string | null;
}

export class SignOffViewDto {
  @ApiProperty({ type: SignatureDto })
  clinicalLead: SignatureDto;

  @ApiProperty({ description: 'The declaration as signed.' })
  declaration: string;

  @ApiProperty({ type: 'string', nullable: true })
  notMigrated: string | null;

  @ApiProperty({ type: [Number], description: 'Issues open at sign-off, accepted by the clinical lead.' })
  acceptedOpenIssues: number[];

  @ApiProperty({ type: SignatureDto, nullable: true })
  countersignature: SignatureDto | null;
}
