import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  isISO8601,
  registerDecorator,
} from 'class-validator';
import { BANK_HOLIDAY_DATA_RANGE, REMEDIES, STAGES, type Remedy } from '@idp/domain';
import { IsFutureWorkingDay, ParticipantDto } from './kickoff.dto';

export class AdminUserDto {
  @ApiProperty({ example: 'Pat Khan', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'pat.khan@nhs.net', maxLength: 320 })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

export class TrainingSessionDto {
  @ApiProperty({ example: '2027-01-12T10:00:00Z', format: 'date-time', description: 'ISO 8601 date-time.' })
  @IsDateString({}, { message: 'trainingSession.startsAt must be an ISO 8601 date-time' })
  startsAt: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 24 * 60, example: 120 })
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  durationMinutes: number;

  @ApiPropertyOptional({ example: 'Online (Teams link in the invitation)', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  location?: string;
}

/** A milestone report: optional evidence and note, plus what some milestones need (admins, trained users). */
export class MilestoneReportDto {
  @ApiPropertyOptional({
    example: 'MESH message 1f6c…',
    maxLength: 500,
    description: 'A reference to evidence (no patient data).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  evidence?: string;

  @ApiPropertyOptional({ example: 'Delivered a day early.', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({
    type: [AdminUserDto],
    minItems: 1,
    maxItems: 3,
    description: 'adminUsersProvisioned: the 1 to 3 admin users created.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'adminUsers must name 1 to 3 admin users' })
  @ArrayMaxSize(3, { message: 'adminUsers must name 1 to 3 admin users' })
  @ValidateNested({ each: true })
  @Type(() => AdminUserDto)
  adminUsers?: AdminUserDto[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    example: 2,
    description: 'usersTrained: how many staff were trained.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  trainedUsers?: number;

  @ApiPropertyOptional({ type: TrainingSessionDto, description: 'trainingScheduled: when and where training is.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrainingSessionDto)
  trainingSession?: TrainingSessionDto;
}

/** A real calendar date as YYYY-MM-DD, or an ISO 8601 date-time, in a year the working-day calendar covers. */
function isDueDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (!dateOnly && !isISO8601(value, { strict: true })) return false;
  const at = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime()) || (dateOnly && !at.toISOString().startsWith(value))) return false;
  const year = at.getUTCFullYear();
  return year >= BANK_HOLIDAY_DATA_RANGE.firstYear && year <= BANK_HOLIDAY_DATA_RANGE.lastYear;
}

/** dueDates: every value a date or date-time (the workflow checks the keys and that each is in the future). */
function AreDueDates(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'areDueDates',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'object' || value === null || Object.values(value).every(isDueDate),
        defaultMessage: () =>
          `dueDates values must be dates as YYYY-MM-DD or ISO 8601 date-times, in ${BANK_HOLIDAY_DATA_RANGE.firstYear}–${BANK_HOLIDAY_DATA_RANGE.lastYear}`,
      },
    });
}

export class ReplanDto {
  @ApiPropertyOptional({
    example: '2027-04-19',
    format: 'date',
    description: 'New planned go-live (YYYY-MM-DD): a future working day; the plan is re-baselined.',
  })
  @IsOptional()
  @IsFutureWorkingDay()
  plannedGoLive?: string;

  @ApiPropertyOptional({
    example: { extractDelivered: '2027-01-08' },
    description:
      'New due dates by milestone key (see `process.milestones[].key`): YYYY-MM-DD (end of that working day) or an ISO date-time, in the future.',
    type: 'object',
    additionalProperties: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}' },
  })
  @IsOptional()
  @IsObject()
  @AreDueDates()
  dueDates?: Record<string, string>;

  @ApiProperty({ example: 'Current supplier agreed a later extract date', minLength: 1, maxLength: 1000 })
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Practice merger under review', minLength: 1, maxLength: 1000 })
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;
}

export class ParticipantsDto {
  @ApiProperty({ type: [ParticipantDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1, { message: 'participants must list at least one person' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants: ParticipantDto[];
}

export class RoundSummaryDto {
  @ApiPropertyOptional({ example: 99.2, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  accuracyPercent?: number;

  @ApiPropertyOptional({ example: 100, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  completenessPercent?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 2 })
  @IsOptional()
  @IsInt()
  @Min(0)
  openIssues?: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RoundOutcomeDto {
  @ApiProperty({ enum: ['passed', 'failed'] })
  @IsIn(['passed', 'failed'], { message: 'outcome must be passed or failed' })
  outcome: 'passed' | 'failed';

  @ApiPropertyOptional({ enum: REMEDIES, description: 'Required when the round failed.' })
  @IsOptional()
  @IsIn(REMEDIES, { message: `remedy must be one of ${REMEDIES.join(', ')}` })
  remedy?: Remedy;

  @ApiPropertyOptional({ type: RoundSummaryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RoundSummaryDto)
  summary?: RoundSummaryDto;
}

export class SignOffDto {
  @ApiProperty({ example: 'Dr Amira Shah', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1, { message: 'clinicalLeadName must not be empty' })
  @MaxLength(200)
  clinicalLeadName: string;

  @ApiProperty({
    example: true,
    enum: [true],
    description: 'Must be true: the clinical lead understands what cannot be migrated and accepts the open issues.',
  })
  @IsBoolean()
  @Equals(true, { message: 'declarationAccepted must be true: the clinical lead must accept the declaration' })
  declarationAccepted: boolean;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 100_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  @Max(100_000)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'pageSize must be a whole number from 1 to 100' })
  @Min(1, { message: 'pageSize must be a whole number from 1 to 100' })
  @Max(100, { message: 'pageSize must be a whole number from 1 to 100' })
  pageSize = 20;
}

export class ListMigrationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STAGES })
  @IsOptional()
  @IsIn(STAGES, { message: `stage must be one of ${STAGES.join(', ')}` })
  stage?: string;

  @ApiPropertyOptional({ example: 'QHG', pattern: '^Q[A-Z0-9]{2}$' })
  @IsOptional()
  @Matches(/^Q[A-Z0-9]{2}$/, { message: 'icbCode must be an ICB code such as QHG' })
  icbCode?: string;

  @ApiPropertyOptional({
    example: 'EMIS',
    pattern: '^[A-Za-z0-9-]{2,40}$',
    description: 'Current or new supplier code.',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{2,40}$/, { message: 'supplier must be a supplier code' })
  supplier?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'atRisk must be true or false' })
  atRisk?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Only migrations with at least one overdue milestone (true) or none (false).',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
}
