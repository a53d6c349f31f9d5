import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import {
  graphFor,
  ICB_CODE_PATTERN,
  isWorkingDay,
  londonDateOf,
  PRACTICE_ODS_CODE_PATTERN,
  ROLES,
  type Role,
} from '@idp/domain';

const OPTIONAL_MILESTONES = graphFor()
  .milestones.filter((m) => m.optional)
  .map((m) => m.key);

/** A go-live date: YYYY-MM-DD, a working day of England and Wales, after today. */
export function IsFutureWorkingDay(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFutureWorkingDay',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          try {
            return value > londonDateOf(Date.now()) && isWorkingDay(value);
          } catch {
            return false;
          }
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a future working day (not a weekend or bank holiday of England and Wales) as YYYY-MM-DD, within the years the calendar covers`,
      },
    });
}

export class ParticipantDto {
  @ApiProperty({ example: 'Sam Patel', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Riverside Surgery', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  organisation: string;

  @ApiProperty({ enum: ROLES, example: 'practice' })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({ example: 'sam.patel@nhs.net', format: 'email', maxLength: 320 })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+447700900123', pattern: '^\\+?[0-9 ]{7,20}$' })
  @IsOptional()
  @Matches(/^\+?[0-9 ]{7,20}$/, { message: 'phone must be a phone number, e.g. +447700900123' })
  phone?: string;

  @ApiPropertyOptional({ enum: ['email', 'sms', 'webhook', 'none'], default: 'email' })
  @IsOptional()
  @IsIn(['email', 'sms', 'webhook', 'none'], {
    message: 'notificationPreference must be one of email, sms, webhook, none',
  })
  notificationPreference?: 'email' | 'sms' | 'webhook' | 'none';
}

export class TimeScaleDto {
  @ApiProperty({
    description: 'Length of one compressed working day in milliseconds (demos and tests only).',
    example: 2000,
    type: 'integer',
    minimum: 100,
    maximum: 86_400_000,
  })
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  workingDayMs: number;
}

/** What an ICB or delivery partner sends to start a practice's initial data production. */
/** Pass thresholds of this migration's data-check rounds (the defaults are 100% and 98%). */
export class DataCheckThresholdsInputDto {
  @ApiProperty({ type: 'number', minimum: 0, maximum: 100, example: 100 })
  @IsNumber({}, { message: 'completenessPercent must be a number from 0 to 100' })
  @Min(0, { message: 'completenessPercent must be a number from 0 to 100' })
  @Max(100, { message: 'completenessPercent must be a number from 0 to 100' })
  completenessPercent: number;

  @ApiProperty({ type: 'number', minimum: 0, maximum: 100, example: 98 })
  @IsNumber({}, { message: 'accuracyPercent must be a number from 0 to 100' })
  @Min(0, { message: 'accuracyPercent must be a number from 0 to 100' })
  @Max(100, { message: 'accuracyPercent must be a number from 0 to 100' })
  accuracyPercent: number;
}

export class KickoffDto {
  @ApiProperty({
    description: 'ODS code of the GP practice: one letter and five digits.',
    example: 'A81001',
    pattern: PRACTICE_ODS_CODE_PATTERN.source,
  })
  @IsString()
  @Matches(PRACTICE_ODS_CODE_PATTERN, {
    message: 'practiceOdsCode must be a GP practice ODS code: one capital letter and 5 digits, e.g. A81001',
  })
  practiceOdsCode: string;

  @ApiProperty({ example: 'Riverside Surgery', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1, { message: 'practiceName must not be empty' })
  @MaxLength(200)
  practiceName: string;

  @ApiProperty({
    description: 'ODS code of the ICB: Q and two capital letters or digits. An ICB kicks off its own practices only.',
    example: 'QHG',
    pattern: ICB_CODE_PATTERN.source,
  })
  @IsString()
  @Matches(ICB_CODE_PATTERN, {
    message: 'icbCode must be an ICB code: Q followed by 2 capital letters or digits, e.g. QHG',
  })
  icbCode: string;

  @ApiProperty({
    description: 'Supplier code of the current clinical system supplier.',
    example: 'EMIS',
    pattern: '^[A-Za-z0-9-]{2,40}$',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{2,40}$/, {
    message: 'currentSupplier must be a supplier code of 2–40 letters, digits or hyphens',
  })
  currentSupplier: string;

  @ApiProperty({
    description: 'Supplier code of the new clinical system supplier (not the current one).',
    example: 'TPP',
    pattern: '^[A-Za-z0-9-]{2,40}$',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{2,40}$/, {
    message: 'newSupplier must be a supplier code of 2–40 letters, digits or hyphens',
  })
  newSupplier: string;

  @ApiPropertyOptional({
    description:
      'Code of the delivery partner organisation running the migration (set automatically when it kicks off).',
    example: 'CSU-MIDLANDS',
    pattern: '^[A-Z0-9-]{2,40}$',
  })
  @IsOptional()
  @Matches(/^[A-Z0-9-]{2,40}$/, { message: 'deliveryPartner must be an organisation code (capitals, digits, hyphens)' })
  deliveryPartner?: string;

  @ApiProperty({
    description: 'Planned go-live: a future working day of England and Wales, YYYY-MM-DD.',
    example: '2027-03-15',
    format: 'date',
  })
  @IsFutureWorkingDay()
  plannedGoLive: string;

  @ApiPropertyOptional({ type: [ParticipantDto], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants?: ParticipantDto[];

  @ApiPropertyOptional({
    enum: OPTIONAL_MILESTONES,
    isArray: true,
    description: 'Optional milestones to include, e.g. subsidiary-system extracts.',
  })
  @IsOptional()
  @IsArray()
  @IsIn(OPTIONAL_MILESTONES, {
    each: true,
    message: `optionalMilestones may contain only ${OPTIONAL_MILESTONES.join(', ')}`,
  })
  optionalMilestones?: string[];

  @ApiPropertyOptional({
    type: TimeScaleDto,
    description: 'Compressed time; accepted only where ALLOW_COMPRESSED_TIME=true.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TimeScaleDto)
  timeScale?: TimeScaleDto;

  @ApiPropertyOptional({
    type: DataCheckThresholdsInputDto,
    description: 'Completeness and accuracy a data-check round must reach to pass; 100% and 98% unless given.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DataCheckThresholdsInputDto)
  dataCheckThresholds?: DataCheckThresholdsInputDto;
}
