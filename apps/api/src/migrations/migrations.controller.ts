import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
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
  SignOffDto,
} from './dto/commands.dto';
import { KickoffDto } from './dto/kickoff.dto';
import { MigrationsService, type MigrationView } from './migrations.service';
import { PortfolioService } from './portfolio.service';
import { ProcessCommandsService } from './process-commands.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

function idempotencyKey(value: string | undefined): string | undefined {
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

const IdempotencyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeat a request safely: the same key gets the same answer.',
  });
const Problems = () => (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
  for (const decorate of [
    ApiBadRequestResponse({ description: 'Invalid input: problem details with `errors` (field and what to fix).' }),
    ApiUnauthorizedResponse({ description: 'No or invalid API key.' }),
    ApiForbiddenResponse({ description: 'Your organisation’s role may not do this.' }),
    ApiNotFoundResponse({ description: 'No such migration (or not one your organisation takes part in).' }),
    ApiServiceUnavailableResponse({
      description: 'Temporal or Postgres unreachable; retry after Retry-After seconds.',
    }),
  ]) {
    decorate(target, key!, descriptor!);
  }
};
const Refusals = () => (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
  ApiConflictResponse({
    description: 'Refused by the process: wrong order, already done differently, migration closed.',
  })(target, key!, descriptor!);
  ApiUnprocessableEntityResponse({ description: 'Refused by the process: the details do not fit this step.' })(
    target,
    key!,
    descriptor!,
  );
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
  @IdempotencyHeader()
  @ApiOperation({
    summary: 'Kick off a practice migration’s initial data production',
    description:
      'Starts one `idp` workflow. Repeating the same kickoff (or the same Idempotency-Key and body) returns the first migration.',
  })
  @ApiCreatedResponse({ description: 'Started; Location points at the migration.' })
  @ApiOkResponse({ description: 'The same kickoff was already made; this is that migration.' })
  @ApiConflictResponse({
    description: 'The practice already has an open migration, or the Idempotency-Key was used for another body.',
  })
  @Problems()
  async kickoff(
    @Body() dto: KickoffDto,
    @CurrentCaller() caller: Caller,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; workflowId: string; status: string }> {
    const { created, replayed, migration } = await this.migrations.kickoff(dto, caller, idempotencyKey(key));
    res.status(created || replayed ? 201 : 200).location(`/v1/migrations/${migration.id}`);
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
  @ApiOkResponse({ description: '`{ items, page, pageSize, total }`' })
  @Problems()
  list(@Query() query: ListMigrationsQueryDto, @CurrentCaller() caller: Caller) {
    return this.portfolio.list(caller, query);
  }

  @Get(':id')
  @Access({ migration: {} })
  @ApiOperation({ summary: 'A migration with its live process status' })
  @ApiOkResponse({ description: 'The migration; `process` is the workflow’s status snapshot.' })
  @Problems()
  get(@CurrentParticipation() p: Participation): Promise<MigrationView> {
    return this.migrations.get(p.migration);
  }

  @Get(':id/events')
  @Access({ migration: {} })
  @ApiOperation({ summary: 'The migration’s audit trail, oldest first, paged' })
  @Problems()
  events(@CurrentParticipation() p: Participation, @Query() query: PageQueryDto) {
    return this.portfolio.events(p.migration.id, query);
  }

  @Post(':id/milestones/:key')
  @HttpCode(200)
  @Access({ migration: {}, milestoneOwner: true })
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Report a milestone as done (by the role that owns it)' })
  @ApiOkResponse({ description: '`{ milestone, round, completedAt, duplicate }`' })
  @Problems()
  @Refusals()
  reportMilestone(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Param('key') key: string,
    @Body() dto: MilestoneReportDto,
    @Headers('idempotency-key') idem: string | undefined,
  ) {
    return this.commands.reportMilestone(p, caller, key, dto, idempotencyKey(idem));
  }

  @Patch(':id/plan')
  @Access(PLANNERS)
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Change the plan: a new go-live date and/or due dates; every pending deadline moves' })
  @Problems()
  @Refusals()
  replan(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ReplanDto,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.replan(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Access(PLANNERS)
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Put the migration on hold: the clock stops, no reminders' })
  @Problems()
  @Refusals()
  pause(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ReasonDto,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.pause(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Access(PLANNERS)
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Resume a paused migration; open deadlines move by the time it was paused' })
  @Problems()
  @Refusals()
  resume(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.resume(p, caller, idempotencyKey(idem));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Access(PLANNERS)
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Cancel the migration, with a reason everyone is told' })
  @Problems()
  @Refusals()
  cancel(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ReasonDto,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.cancel(p, caller, dto, idempotencyKey(idem));
  }

  @Put(':id/participants')
  @Access(PLANNERS)
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Replace the list of people told about this migration' })
  @Problems()
  @Refusals()
  participants(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: ParticipantsDto,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.changeParticipants(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/rounds/current/outcome')
  @HttpCode(200)
  @Access({ migration: { roles: ['practice', 'delivery-partner'] } })
  @IdempotencyHeader()
  @ApiOperation({ summary: 'Record the outcome of the current data-check round (a failure opens the next round)' })
  @Problems()
  @Refusals()
  roundOutcome(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: RoundOutcomeDto,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.recordRoundOutcome(p, caller, dto, idempotencyKey(idem));
  }

  @Post(':id/sign-off')
  @HttpCode(200)
  @Access({ migration: { roles: ['practice'] } })
  @IdempotencyHeader()
  @ApiOperation({ summary: 'The clinical lead signs off the data check; the IDP is complete' })
  @Problems()
  @Refusals()
  signOff(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: SignOffDto,
    @Headers('idempotency-key') idem?: string,
  ) {
    return this.commands.signOff(p, caller, dto, idempotencyKey(idem));
  }
}
