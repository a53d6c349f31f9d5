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
} from 'class-validator';
import { REMEDIES, STAGES, type Remedy } from '@idp/domain';
import { ParticipantDto } from './kickoff.dto';

export class AdminUserDto {
  @ApiProperty({ example: 'Pat Khan' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'pat.khan@nhs.net' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

export class TrainingSessionDto {
  @ApiProperty({ example: '2027-01-12T10:00:00Z', description: 'ISO 8601 date-time.' })
  @IsDateString({}, { message: 'trainingSession.startsAt must be an ISO 8601 date-time' })
  startsAt: string;

  @ApiProperty({ example: 120 })
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  durationMinutes: number;

  @ApiPropertyOptional({ example: 'Online (Teams link in the invitation)' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  location?: string;
}

/** A milestone report: optional evidence and note, plus what some milestones need (admins, trained users). */
export class MilestoneReportDto {
  @ApiPropertyOptional({ example: 'MESH message 1f6c…', description: 'A reference to evidence (no patient data).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  evidence?: string;

  @ApiPropertyOptional({ example: 'Delivered a day early.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ type: [AdminUserDto], description: 'adminUsersProvisioned: the 1 to 3 admin users created.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'adminUsers must name 1 to 3 admin users' })
  @ArrayMaxSize(3, { message: 'adminUsers must name 1 to 3 admin users' })
  @ValidateNested({ each: true })
  @Type(() => AdminUserDto)
  adminUsers?: AdminUserDto[];

  @ApiPropertyOptional({ example: 2, description: 'usersTrained: how many staff were trained.' })
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

export class ReplanDto {
  @ApiPropertyOptional({
    example: '2027-04-19',
    description: 'New planned go-live (YYYY-MM-DD); the plan is re-baselined.',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'plannedGoLive must be a date, YYYY-MM-DD' })
  plannedGoLive?: string;

  @ApiPropertyOptional({
    example: { extractDelivered: '2027-01-08' },
    description: 'New due dates by milestone key: YYYY-MM-DD (end of that working day) or an ISO date-time.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  dueDates?: Record<string, string>;

  @ApiProperty({ example: 'Current supplier agreed a later extract date' })
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Practice merger under review' })
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;
}

export class ParticipantsDto {
  @ApiProperty({ type: [ParticipantDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'participants must list at least one person' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants: ParticipantDto[];
}

export class RoundSummaryDto {
  @ApiPropertyOptional({ example: 99.2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  accuracyPercent?: number;

  @ApiPropertyOptional({ example: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  completenessPercent?: number;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsInt()
  @Min(0)
  openIssues?: number;

  @ApiPropertyOptional()
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
  @ApiProperty({ example: 'Dr Amira Shah' })
  @IsString()
  @MinLength(1, { message: 'clinicalLeadName must not be empty' })
  @MaxLength(200)
  clinicalLeadName: string;

  @ApiProperty({
    example: true,
    description: 'The clinical lead understands what cannot be migrated and accepts the open issues.',
  })
  @IsBoolean()
  @Equals(true, { message: 'declarationAccepted must be true: the clinical lead must accept the declaration' })
  declarationAccepted: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PageQueryDto {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  @Max(100_000)
  page = 1;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
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

  @ApiPropertyOptional({ example: 'QHG' })
  @IsOptional()
  @Matches(/^Q[A-Z0-9]{2}$/, { message: 'icbCode must be an ICB code such as QHG' })
  icbCode?: string;

  @ApiPropertyOptional({ example: 'EMIS', description: 'Current or new supplier code.' })
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
