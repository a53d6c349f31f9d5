import { SignOffDto } from '../../migrations/dto/commands.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CHECK_RESULTS,
  FIGURE_KINDS,
  ISSUE_CATEGORIES,
  ISSUE_SEVERITIES,
  ISSUE_STATUSES,
  RECORD_CATEGORIES,
  REMEDIES,
  type CheckResult,
  type FigureKind,
  type IssueCategory,
  type IssueSeverity,
  type IssueStatus,
  type RecordCategory,
  type Remedy,
} from '@idp/domain';

const CRITERION_CODE = /^[A-Za-z0-9._-]{1,50}$/;
const CRITERION_CODE_MESSAGE = 'criterion codes are 1–50 letters, digits or . _ -';
const NHS_NUMBER_SHAPE = /^[0-9 -]{10,14}$/;

export class TestCriterionInputDto {
  @ApiProperty({ example: 'TC-01', pattern: CRITERION_CODE.source, description: 'The supplier’s id of the criterion.' })
  @IsString()
  @Matches(CRITERION_CODE, { message: `code: ${CRITERION_CODE_MESSAGE}` })
  code: string;

  @ApiProperty({ example: 'Patients on warfarin with an INR result in the last 3 months', maxLength: 500 })
  @IsString()
  @MinLength(1, { message: 'description must not be empty' })
  @MaxLength(500)
  description: string;

  @ApiProperty({ example: 'medication', maxLength: 100, description: 'What the criterion exercises.' })
  @IsString()
  @MinLength(1, { message: 'category must not be empty' })
  @MaxLength(100)
  category: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 2 })
  @IsInt({ message: 'patientsToSelect must be a whole number from 0 to 100' })
  @Min(0)
  @Max(100)
  patientsToSelect: number;
}

export class SelectPatientDto {
  @ApiProperty({
    example: '9434765919',
    description: 'A valid NHS number (10 digits, modulus 11); spaces or hyphens are ignored.',
  })
  @IsString()
  @Matches(NHS_NUMBER_SHAPE, { message: 'nhsNumber must be 10 digits (spaces and hyphens allowed)' })
  nhsNumber: string;

  @ApiPropertyOptional({
    example: 'TC-01',
    pattern: CRITERION_CODE.source,
    description: 'The criterion the patient was selected for; leave out for a random pick.',
  })
  @IsOptional()
  @IsString()
  @Matches(CRITERION_CODE, { message: `criterion: ${CRITERION_CODE_MESSAGE}` })
  criterion?: string;
}

export class ReportFigureInputDto {
  @ApiProperty({ enum: FIGURE_KINDS, example: 'qof-register' })
  @IsIn(FIGURE_KINDS, { message: `kind must be one of ${FIGURE_KINDS.join(', ')}` })
  kind: FigureKind;

  @ApiPropertyOptional({
    example: 'AF',
    maxLength: 50,
    description: 'QOF register code (qof-register) or target report code (target).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  code?: string;

  @ApiPropertyOptional({
    example: 'Patients with a flu vaccination',
    maxLength: 200,
    description: 'Required for other.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 88, description: 'The old system’s figure.' })
  @IsOptional()
  @IsInt({ message: 'oldValue must be a whole number from 0' })
  @Min(0)
  @Max(100_000_000)
  oldValue?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 88, description: 'The test system’s figure.' })
  @IsOptional()
  @IsInt({ message: 'newValue must be a whole number from 0' })
  @Min(0)
  @Max(100_000_000)
  newValue?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 0,
    description: 'Largest difference accepted; 0 (exact) unless set.',
  })
  @IsOptional()
  @IsInt({ message: 'tolerance must be a whole number from 0' })
  @Min(0)
  @Max(100_000_000)
  tolerance?: number;
}

export class RecordCheckInputDto {
  @ApiProperty({ format: 'uuid', description: 'A selected patient’s id, as GET …/patients lists it.' })
  @IsUUID('all', { message: 'patientId must be the id of a selected patient' })
  patientId: string;

  @ApiProperty({ enum: RECORD_CATEGORIES })
  @IsIn(RECORD_CATEGORIES, { message: `category must be one of ${RECORD_CATEGORIES.join(', ')}` })
  category: RecordCategory;

  @ApiProperty({ enum: CHECK_RESULTS })
  @IsIn(CHECK_RESULTS, { message: `result must be one of ${CHECK_RESULTS.join(', ')}` })
  result: CheckResult;

  @ApiPropertyOptional({ description: 'A mismatch where the item is missing from the test system altogether.' })
  @IsOptional()
  @IsBoolean()
  missing?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required for a mismatch: what differs.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ enum: ISSUE_SEVERITIES, description: 'Severity of the issue a mismatch raises (medium).' })
  @IsOptional()
  @IsIn(ISSUE_SEVERITIES, { message: `severity must be one of ${ISSUE_SEVERITIES.join(', ')}` })
  severity?: IssueSeverity;
}

export class RecordChecksDto {
  @ApiProperty({ type: [RecordCheckInputDto], minItems: 1, maxItems: 500 })
  @IsArray()
  @ArrayMinSize(1, { message: 'checks must list at least one check' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => RecordCheckInputDto)
  checks: RecordCheckInputDto[];
}

export class CreateIssueDto {
  @ApiProperty({ enum: ISSUE_SEVERITIES })
  @IsIn(ISSUE_SEVERITIES, { message: `severity must be one of ${ISSUE_SEVERITIES.join(', ')}` })
  severity: IssueSeverity;

  @ApiProperty({ enum: ISSUE_CATEGORIES })
  @IsIn(ISSUE_CATEGORIES, { message: `category must be one of ${ISSUE_CATEGORIES.join(', ')}` })
  category: IssueCategory;

  @ApiProperty({ maxLength: 2000, example: 'QOF hypertension register is 3 short in the test system' })
  @IsString()
  @MinLength(1, { message: 'description must not be empty' })
  @MaxLength(2000)
  description: string;
}

export class UpdateIssueDto {
  @ApiPropertyOptional({ enum: ISSUE_STATUSES })
  @IsOptional()
  @IsIn(ISSUE_STATUSES, { message: `status must be one of ${ISSUE_STATUSES.join(', ')}` })
  status?: IssueStatus;

  @ApiPropertyOptional({ maxLength: 200, example: 'TPP-INC-44120', description: 'The supplier’s own reference.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  supplierReference?: string;

  @ApiPropertyOptional({ enum: ISSUE_SEVERITIES })
  @IsOptional()
  @IsIn(ISSUE_SEVERITIES, { message: `severity must be one of ${ISSUE_SEVERITIES.join(', ')}` })
  severity?: IssueSeverity;
}

export class ComputedOutcomeDto {
  @ApiPropertyOptional({ enum: REMEDIES, description: 'Required when the figures fail the round.' })
  @IsOptional()
  @IsIn(REMEDIES, { message: `remedy must be one of ${REMEDIES.join(', ')}` })
  remedy?: Remedy;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** The migrations API's sign-off, plus what the clinical lead understands cannot be migrated. */
export class SignOffDeclarationDto extends SignOffDto {
  @ApiPropertyOptional({
    maxLength: 4000,
    example: 'Appointment history before 2019; scanned documents over 20 MB',
    description: 'What the clinical lead understands cannot be migrated.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notMigrated?: string;
}

export class CountersignDto {
  @ApiProperty({ example: 'Jo Reed, Primary Care Digital Lead', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
