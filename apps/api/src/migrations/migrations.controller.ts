import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { graphFor } from '@idp/domain';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiIdempotencyKey, ApiMigrationId, ApiProblems } from '../common/api-docs';
import { ProblemException, problemType } from '../common/problem';
import type { Caller } from '../organisations/organisations.service';
import {
  ListMigrationsQueryDto,
  MilestoneReportDto,
  PageQueryDto,
  ParticipantsDto,
  ReasonDto,
  ReplanDto,
  RoundOutcomeDto,
} from './dto/commands.dto';
import { ForecastDto, KickoffResultDto, MilestoneReportResultDto, RoundOutcomeResultDto } from './dto/command.response';
import { KickoffDto, ParticipantDto } from './dto/kickoff.dto';
import { AuditEventPageDto, MigrationPageDto, MigrationViewDto, ProcessStatusDto } from './dto/migration.response';
import { MigrationsService, type MigrationView } from './migrations.service';
import { PortfolioService } from './portfolio.service';
import { ProcessCommandsService } from './process-commands.service';

const MILESTONE_KEYS = graphFor().milestones.map((m) => m.key);
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

/** The `Idempotency-Key` header, checked: 400 when it is malformed. */
export function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ProblemException(400, {
      type: problemType('validation'),
      title: 'The request has invalid fields',
      detail: 'Idempotency-Key must be 1–200 letters, digits or . _ : -',
      errors: [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1–200 letters, digits or . _ : -' }],
    });
  }
  return value;
}

const MIGRATION_400 =
  'Invalid input: a migration id that is not a UUID, or a bad field, query parameter or Idempotency-Key; `errors` lists each.';
const MIGRATION_404 = 'No such migration, or not one your organisation takes part in.';
const COMMAND_403 =
  'Your organisation’s role in this migration may not do this (the operator reads every migration and acts in none).';
const COMMAND_409 =
  'Refused by the process, `code` says why: PrerequisitesNotMet, MilestoneAlreadyCompleted, MigrationPaused, MigrationNotPaused, RoundNotReady or MigrationClosed.';
const COMMAND_422 =
  'Refused by the process: the details do not fit this step (`code`: InvalidPayload, WrongCommandForMilestone or MilestoneNotIncluded).';

/** The problems a command on a running migration can answer with. */
const CommandProblems = (notFound = MIGRATION_404) =>
  ApiProblems(
    [400, MIGRATION_400],
    401,
    [403, COMMAND_403],
    [404, notFound],
    [409, COMMAND_409],
    413,
    [422, COMMAND_422],
    429,
    503,
  );
/** The problems reading a migration can answer with. */
const ReadProblems = () => ApiProblems([400, MIGRATION_400], 401, [404, MIGRATION_404], 429, 503);

/** The kickoff's answer headers, the same for 201 and 200: either can be a replay of an Idempotency-Key. */
const KICKOFF_HEADERS = {
  Location: { description: 'Path of the migration.', schema: { type: 'string', example: '/v1/migrations/{id}' } },
  'Idempotent-Replayed': {
    description: '`true` when this answers an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
};

const PLANNERS = { migration: { roles: ['icb' as const, 'delivery-partner' as const] } };

@ApiTags('migrations')
@ApiBearerAuth()
@Controller({ path: 'migrations', version: '1' })
export class MigrationsController {
  constructor(
    private readonly migrations: MigrationsService,
    private readonly portfolio: PortfolioService,
    private readonly commands: ProcessCommandsService,
  ) {}

  @Post()
  @HttpCode(201)
  @Access({ organisations: ['icb', 'delivery-partner'] })
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Kick off a practice migration’s initial data production',
    description:
      'Starts one `idp` workflow. Repeating the same kickoff (or the same Idempotency-Key and body) returns the first migration; a replay of an Idempotency-Key answers with the status of the key’s first answer.',
  })
  @ApiCreatedResponse({
    type: KickoffResultDto,
    description:
      'Started; or a replay (`Idempotent-Replayed: true`) of an Idempotency-Key whose first request started it. `Location` is the migration.',
    headers: KICKOFF_HEADERS,
  })
  @ApiOkResponse({
    type: KickoffResultDto,
    description:
      'The same kickoff was already made (this is that migration); or a replay (`Idempotent-Replayed: true`) of an Idempotency-Key whose first request found it so. `Location` is the migration.',
    headers: KICKOFF_HEADERS,
  })
  @ApiProblems(
    400,
    401,
    [403, 'Not an ICB or delivery partner, or an ICB kicking off a practice of another ICB.'],
    [
      409,
      'The practice already has an open migration with other details (`code: PracticeHasOpenMigration`), or the Idempotency-Key was used for another body (`code: IdempotencyKeyReused`), or other kickoffs for the practice or with the key kept interfering (`code: KickoffContended`: try again).',
    ],
    413,
    429,
    503,
  )
  async kickoff(
    @Body() dto: KickoffDto,
    @CurrentCaller() caller: Caller,
    @Headers('Idempotency-Key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; workflowId: string; status: string }> {
    const { created, replayed, migration } = await this.migrations.kickoff(dto, caller, idempotencyKey(key));
    res.status(created ? 201 : 200).location(`/v1/migrations/${migration.id}`);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return {
      id: migration.id,
      workflowId: migration.workflowId,
      status: migration.status === 'starting' ? 'active' : migration.status,
    };
  }

  @Get()
  @Access({})
  @ApiOperation({ summary: 'Your organisation’s migrations, newest first, filterable (from the read model)' })
  @ApiOkResponse({ type: MigrationPageDto, description: 'One page of the migrations your organisation takes part in.' })
  @ApiProblems([400, 'A query parameter is invalid; `errors` lists each.'], 401, 429, 503)
  list(@Query() query: ListMigrationsQueryDto, @CurrentCaller() caller: Caller) {
    return this.portfolio.list(caller, query);
  }

  @Get(':id')
  @Access({ migration: {} })
  @ApiOperation({ summary: 'A migration with its live process status' })
  @ApiMigrationId()
  @ApiOkResponse({ type: MigrationViewDto, description: 'The migration; `process` is the workflow’s status snapshot.' })
  @ReadProblems()
  get(@CurrentParticipation() p: Participation): Promise<MigrationView> {
    return this.migrations.get(p.migration);
  }

  @Get(':id/events')
  @Access({ migration: {} })
  @ApiOperation({ summary: 'The migration’s audit trail, oldest first, paged' })
  @ApiMigrationId()
  @ApiOkResponse({ type: AuditEventPageDto, description: 'One page of the audit trail.' })
  @ReadProblems()
  events(@CurrentParticipation() p: Participation, @Query() query: PageQueryDto) {
    return this.portfolio.events(p.migration.id, query);
  }

  @Post(':id/milestones/:key')
  @HttpCode(200)
  @Access({ migration: {}, milestoneOwner: true })
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Report a milestone as done (by the role that owns it)' })
  @ApiMigrationId()
  @ApiParam({
    name: 'key',
    description: 'The milestone, as `process.milestones[].key` lists them.',
    schema: { type: 'string', enum: MILESTONE_KEYS, example: 'extractRequested' },
  })
  @ApiBody({
    type: MilestoneReportDto,
    required: false,
    description: 'Optional evidence and note, plus what some milestones need (admin users, trained users, a session).',
  })
  @ApiOkResponse({ type: MilestoneReportResultDto, description: 'Recorded (or an identical earlier report).' })
  @CommandProblems(`${MIGRATION_404} Or no such milestone (\`code: UnknownMilestone\`).`)
  reportMilestone(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Param('key') key: string,
    @Body() dto: MilestoneReportDto,
    @Headers('Idempotency-Key') idem: string | undefined,
  ) {
    return this.commands.reportMilestone(p, caller, key, dto, idempotencyKey(idem));
  }

  @Patch(':id/plan')
  @Access(PLANNERS)
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Change the plan: a new go-live date and/or due dates; every pending deadline moves' })
  @ApiMigrationId()
  @ApiOkResponse({ type: ForecastDto, description: 'The plan changed; the forecast go-live that follows.' })
  @CommandProblems(`${MIGRATION_404} Or dueDates names no such milestone (\`code: UnknownMilestone\`).`)
  replan(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ReplanDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.commands.replan(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Access(PLANNERS)
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Put the migration on hold: the clock stops, no reminders' })
  @ApiMigrationId()
  @ApiOkResponse({ type: ProcessStatusDto, description: 'Done; the process status that follows.' })
  @CommandProblems()
  pause(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ReasonDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.commands.pause(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Access(PLANNERS)
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Resume a paused migration; open deadlines move by the time it was paused' })
  @ApiMigrationId()
  @ApiOkResponse({ type: ProcessStatusDto, description: 'Done; the process status that follows.' })
  @CommandProblems()
  resume(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.commands.resume(p, caller, idempotencyKey(idem));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Access(PLANNERS)
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Cancel the migration, with a reason everyone is told' })
  @ApiMigrationId()
  @ApiOkResponse({ type: ProcessStatusDto, description: 'Done; the process status that follows.' })
  @CommandProblems()
  cancel(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ReasonDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.commands.cancel(p, caller, dto, idempotencyKey(idem));
  }

  @Put(':id/participants')
  @Access(PLANNERS)
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Replace the list of people told about this migration' })
  @ApiMigrationId()
  @ApiOkResponse({ type: ParticipantDto, isArray: true, description: 'The new list.' })
  @CommandProblems()
  participants(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ParticipantsDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.commands.changeParticipants(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/rounds/current/outcome')
  @HttpCode(200)
  @Access({ migration: { roles: ['practice', 'delivery-partner'] } })
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Record the outcome of the current data-check round (a failure opens the next round)' })
  @ApiMigrationId()
  @ApiOkResponse({ type: RoundOutcomeResultDto, description: 'Recorded.' })
  @CommandProblems()
  roundOutcome(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: RoundOutcomeDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.commands.recordRoundOutcome(p, caller, dto, idempotencyKey(idem));
  }
}
