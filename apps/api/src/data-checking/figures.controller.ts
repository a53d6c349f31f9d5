import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiIdempotencyKey, ApiMigrationId } from '../common/api-docs';
import { idempotencyKey } from '../migrations/migrations.controller';
import type { Caller } from '../organisations/organisations.service';
import { ChangeProblems, ReadProblems } from './api-docs';
import { ComputedOutcomeDto } from './dto/requests.dto';
import { ComputedOutcomeResultDto, DataCheckFiguresDto } from './dto/responses.dto';
import { WholeNumberPipe } from './dto/whole-number.pipe';
import { DataCheckFiguresService } from './figures.service';
import { CHECKERS, EVERYONE } from './routes';

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id', version: '1' })
export class DataCheckFiguresController {
  constructor(private readonly figures: DataCheckFiguresService) {}

  @Get('figures')
  @Access(EVERYONE)
  @ApiOperation({
    summary: 'Completeness and accuracy, overall, per category and per round, with each round’s outcome',
    description:
      'Completeness: expected items present (applicable record checks not missing, report figures within tolerance). Accuracy: checked record items that match. Thresholds from the migration’s policy.',
  })
  @ApiMigrationId()
  @ApiOkResponse({ type: DataCheckFiguresDto, description: 'The figures as they stand now.' })
  @ReadProblems()
  compute(@CurrentParticipation() p: Participation) {
    return this.figures.compute(p);
  }

  @Post('rounds/:round/outcome')
  @HttpCode(200)
  @Access(CHECKERS)
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Compute the round’s outcome from its figures and record it (a failure opens the next round)',
  })
  @ApiMigrationId()
  @ApiParam({ name: 'round', description: 'The current round.', schema: { type: 'integer', minimum: 1, maximum: 100 } })
  @ApiBody({
    type: ComputedOutcomeDto,
    required: false,
    description: 'Optional: the remedy (needed when the figures fail the round) and a note.',
  })
  @ApiOkResponse({ type: ComputedOutcomeResultDto, description: 'Recorded in the process.' })
  @ChangeProblems(
    'Not the current round (`RoundNotCurrent`), checks outstanding (`ChecksIncomplete`), or refused by the process (`RoundNotReady`, `MigrationClosed`, …).',
    'The figures fail the round and no remedy was given (`code: RemedyRequired`).',
  )
  outcome(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Param('round', new WholeNumberPipe('round', 100)) round: number,
    @Body() dto: ComputedOutcomeDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.figures.recordOutcome(p, caller, round, dto, idempotencyKey(idem));
  }
}
