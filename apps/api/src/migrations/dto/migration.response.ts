import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PHASES, REMEDIES, ROLES, STAGES, type Phase, type Remedy, type Role, type Stage } from '@idp/domain';
import { RoundSummaryDto } from './commands.dto';
import { ParticipantDto } from './kickoff.dto';

/*
 * Response bodies of the migration routes, for the OpenAPI document. They mirror the types the services return
 * (`MigrationView`, `IdpStatus`, `MigrationSummary`, `AuditEventView`); fields that may be absent are optional.
 */

/** Status of the process itself (the workflow's). */
export const PROCESS_STATUSES = ['active', 'paused', 'cancelled', 'signed-off'] as const;
/** Status of a migration in the registry: `starting` until its workflow has recorded the kickoff. */
export const MIGRATION_STATUSES = ['starting', ...PROCESS_STATUSES] as const;
export const MILESTONE_STATES = ['waiting', 'open', 'overdue', 'done', 'waived'] as const;
type MilestoneStateName = (typeof MILESTONE_STATES)[number];

const DATE = { type: String, format: 'date', example: '2027-03-15' } as const;
const DATE_TIME = { type: String, format: 'date-time', example: '2027-01-08T17:00:00.000Z' } as const;

export class ActorDto {
  @ApiProperty({ enum: ROLES, example: 'new-supplier', description: 'The role the organisation acted in.' })
  role: Role;

  @ApiProperty({ example: 'TPP', description: 'Code of the organisation.' })
  organisationId: string;

  @ApiPropertyOptional({ example: 'TPP Ltd' })
  name?: string;
}

export class RoundStatusDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  round: number;

  @ApiProperty(DATE_TIME)
  startedAt: string;

  @ApiPropertyOptional(DATE_TIME)
  endedAt?: string;

  @ApiPropertyOptional({ enum: ['passed', 'failed'] })
  outcome?: 'passed' | 'failed';

  @ApiPropertyOptional({ enum: REMEDIES })
  remedy?: Remedy;

  @ApiPropertyOptional({ type: RoundSummaryDto })
  summary?: RoundSummaryDto;
}

export class PhaseStatusDto {
  @ApiProperty({ enum: PHASES })
  phase: Phase;

  @ApiProperty({ enum: ['waiting', 'in-progress', 'done'] })
  state: 'waiting' | 'in-progress' | 'done';
}

export class MilestoneStatusDto {
  @ApiProperty({ example: 'extractRequested' })
  key: string;

  @ApiProperty({ example: 'Initial data extract requested from the current supplier' })
  title: string;

  @ApiProperty({ enum: PHASES })
  phase: Phase;

  @ApiProperty({ enum: ROLES, description: 'The role that reports it.' })
  owner: Role;

  @ApiProperty({ enum: MILESTONE_STATES, description: '`waived`: not part of this migration (an optional step).' })
  state: MilestoneStateName;

  @ApiProperty()
  optional: boolean;

  @ApiPropertyOptional({ ...DATE_TIME, description: 'When its prerequisites were done (or the round began).' })
  openedAt?: string;

  @ApiPropertyOptional({ ...DATE_TIME, description: '17:00 London time on its due working day.' })
  dueAt?: string;

  @ApiPropertyOptional({ ...DATE_TIME, description: 'When it is done, or forecast to be.' })
  forecastAt?: string;

  @ApiPropertyOptional(DATE_TIME)
  completedAt?: string;

  @ApiPropertyOptional({ type: ActorDto })
  completedBy?: ActorDto;
}

export class NextActionDto {
  @ApiProperty({ example: 'extractRequested' })
  milestone: string;

  @ApiProperty({ example: 'Initial data extract requested from the current supplier' })
  title: string;

  @ApiProperty({ enum: ['open', 'overdue'] })
  state: MilestoneStateName;

  @ApiPropertyOptional(DATE_TIME)
  dueAt?: string;
}

/** Open milestones by the role that owns them, soonest due first; roles with nothing to do are left out. */
export class NextActionsDto implements Partial<Record<Role, NextActionDto[]>> {
  @ApiPropertyOptional({ type: [NextActionDto] })
  icb?: NextActionDto[];

  @ApiPropertyOptional({ type: [NextActionDto] })
  'delivery-partner'?: NextActionDto[];

  @ApiPropertyOptional({ type: [NextActionDto] })
  'current-supplier'?: NextActionDto[];

  @ApiPropertyOptional({ type: [NextActionDto] })
  'new-supplier'?: NextActionDto[];

  @ApiPropertyOptional({ type: [NextActionDto] })
  practice?: NextActionDto[];
}

export class CancellationDto {
  @ApiProperty({ example: 'Practice merger under review' })
  reason: string;

  @ApiProperty(DATE_TIME)
  at: string;

  @ApiProperty({ type: ActorDto })
  by: ActorDto;
}

export class SignOffRecordDto {
  @ApiProperty({ example: 'Dr Amira Shah' })
  clinicalLeadName: string;

  @ApiProperty(DATE_TIME)
  signedAt: string;

  @ApiProperty({ type: ActorDto })
  signedBy: ActorDto;

  @ApiPropertyOptional()
  note?: string;
}

/** The workflow's status snapshot: where the IDP is, what is due, what is late, the forecast go-live. */
/** What a data-check round must reach to pass, from the migration's policy. */
export class DataCheckThresholdsDto {
  @ApiProperty({ type: 'number', minimum: 0, maximum: 100, example: 100 })
  completenessPercent: number;

  @ApiProperty({ type: 'number', minimum: 0, maximum: 100, example: 98 })
  accuracyPercent: number;
}

export class ProcessStatusDto {
  @ApiProperty({ format: 'uuid' })
  migrationId: string;

  @ApiProperty({ type: 'integer', example: 1, description: 'Version of the milestone graph the migration follows.' })
  graphVersion: number;

  @ApiProperty({ example: 'A81001' })
  practiceOdsCode: string;

  @ApiProperty({ example: 'Riverside Surgery' })
  practiceName: string;

  @ApiProperty({ example: 'QHG' })
  icbCode: string;

  @ApiProperty({ example: 'EMIS' })
  currentSupplier: string;

  @ApiProperty({ example: 'TPP' })
  newSupplier: string;

  @ApiProperty({ enum: PROCESS_STATUSES })
  status: (typeof PROCESS_STATUSES)[number];

  @ApiProperty({ enum: STAGES })
  stage: Stage;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'The current data-check round.' })
  round: number;

  @ApiProperty({ type: 'integer', example: 3, description: 'Rounds allowed before the ICB is alerted.' })
  maxRounds: number;

  @ApiProperty({ type: DataCheckThresholdsDto, description: 'Pass thresholds of a data-check round.' })
  dataCheckThresholds: DataCheckThresholdsDto;

  @ApiProperty({ type: [RoundStatusDto] })
  rounds: RoundStatusDto[];

  @ApiProperty(DATE)
  plannedGoLive: string;

  @ApiProperty(DATE)
  forecastGoLive: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Working days the forecast go-live is behind the plan.' })
  slipWorkingDays: number;

  @ApiProperty()
  atRisk: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  overdueCount: number;

  @ApiProperty({ type: [PhaseStatusDto] })
  phases: PhaseStatusDto[];

  @ApiProperty({ type: [MilestoneStatusDto] })
  milestones: MilestoneStatusDto[];

  @ApiProperty({ type: NextActionsDto })
  nextActions: NextActionsDto;

  @ApiProperty({ type: [ParticipantDto] })
  participants: ParticipantDto[];

  @ApiProperty({ type: [String], example: ['few-trained-users'] })
  warnings: string[];

  @ApiPropertyOptional(DATE_TIME)
  pausedAt?: string;

  @ApiPropertyOptional({ type: CancellationDto })
  cancellation?: CancellationDto;

  @ApiPropertyOptional({ type: SignOffRecordDto })
  signOff?: SignOffRecordDto;

  @ApiProperty({ type: 'integer', description: 'Grows with every change.' })
  revision: number;

  @ApiProperty({ ...DATE_TIME, description: 'When this snapshot was taken.' })
  asOf: string;
}

/** Which migration and who takes part in it: shared by the full view and the list line. */
export class MigrationPartiesDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'A81001' })
  practiceOdsCode: string;

  @ApiProperty({ example: 'Riverside Surgery' })
  practiceName: string;

  @ApiProperty({ example: 'QHG' })
  icbCode: string;

  @ApiProperty({ example: 'EMIS' })
  currentSupplier: string;

  @ApiProperty({ example: 'TPP' })
  newSupplier: string;

  @ApiProperty({ type: String, nullable: true, example: 'CSU-MIDLANDS' })
  deliveryPartner: string | null;
}

/** A migration: its registry entry and its live process status. */
export class MigrationViewDto extends MigrationPartiesDto {
  @ApiProperty({ example: 'idp-5b1d0f7e-3c55-4d0b-9a43-6f1f0e3a4b2c' })
  workflowId: string;

  @ApiProperty(DATE)
  plannedGoLive: string;

  @ApiProperty(DATE)
  forecastGoLive: string;

  @ApiProperty({ enum: MIGRATION_STATUSES })
  status: string;

  @ApiProperty({ enum: STAGES })
  stage: string;

  @ApiProperty()
  atRisk: boolean;

  @ApiProperty(DATE_TIME)
  createdAt: string;

  @ApiProperty({
    enum: ['workflow', 'read-model'],
    description: '`workflow`: live from the workflow; `read-model`: its last projection (Temporal unreachable).',
  })
  source: 'workflow' | 'read-model';

  @ApiPropertyOptional({
    type: ProcessStatusDto,
    description: 'The process status; absent only before the workflow has recorded the kickoff.',
  })
  process?: ProcessStatusDto;
}

/** A line of the portfolio list, from the read model. */
export class MigrationSummaryDto extends MigrationPartiesDto {
  @ApiProperty({ enum: MIGRATION_STATUSES })
  status: string;

  @ApiProperty({ enum: STAGES })
  stage: string;

  @ApiProperty()
  atRisk: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  overdueCount: number;

  @ApiProperty({ type: 'integer', minimum: 1 })
  round: number;

  @ApiProperty(DATE)
  plannedGoLive: string;

  @ApiProperty(DATE)
  forecastGoLive: string;

  @ApiProperty(DATE_TIME)
  createdAt: string;

  @ApiProperty(DATE_TIME)
  updatedAt: string;
}

class PageFields {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  page: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 20 })
  pageSize: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Items on all pages.' })
  total: number;
}

export class MigrationPageDto extends PageFields {
  @ApiProperty({ type: [MigrationSummaryDto] })
  items: MigrationSummaryDto[];
}

export class AuditActorDto {
  @ApiProperty({ example: 'icb', description: 'A role in the migration, or `system` for the process itself.' })
  role: string;

  @ApiProperty({ example: 'QHG', description: 'Code of the organisation.' })
  organisation: string;

  @ApiProperty({ type: String, nullable: true, example: 'NHS Example ICB' })
  name: string | null;
}

export class AuditEventDto {
  @ApiProperty({ example: '1', description: 'Position in the audit trail (a number, as a string).' })
  id: string;

  @ApiProperty(DATE_TIME)
  occurredAt: string;

  @ApiProperty({ type: AuditActorDto })
  actor: AuditActorDto;

  @ApiProperty({ example: 'migration.kicked-off' })
  action: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { graphVersion: 1, plannedGoLive: '2027-03-15' },
    description: 'What the action carried (no patient data).',
  })
  details: Record<string, unknown>;
}

export class AuditEventPageDto extends PageFields {
  @ApiProperty({ type: [AuditEventDto] })
  items: AuditEventDto[];
}
