import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiMigrationId, ApiProblems } from '../common/api-docs';
import type { Caller } from '../organisations/organisations.service';
import { ChangeProblems, MIGRATION_400, MIGRATION_404, ReadProblems, ROLE_403 } from './api-docs';
import { CreateIssueDto, UpdateIssueDto } from './dto/requests.dto';
import { IssueDto, IssueListDto } from './dto/responses.dto';
import { WholeNumberPipe } from './dto/whole-number.pipe';
import { IssuesService } from './issues.service';
import { CHECKERS, EVERYONE, FIGURE_GIVERS } from './routes';

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id/issues', version: '1' })
export class IssuesController {
  constructor(private readonly issues: IssuesService) {}

  @Get()
  @Access(EVERYONE)
  @ApiOperation({ summary: 'The issue log' })
  @ApiMigrationId()
  @ApiOkResponse({ type: IssueListDto, description: 'Every issue, by number.' })
  @ReadProblems()
  async list(@CurrentParticipation() p: Participation) {
    return { items: await this.issues.list(p) };
  }

  @Post()
  @HttpCode(201)
  @Access(CHECKERS)
  @ApiOperation({ summary: 'Log an issue found in the current round' })
  @ApiMigrationId()
  @ApiCreatedResponse({ type: IssueDto, description: 'Logged, status open.' })
  @ChangeProblems()
  raise(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() dto: CreateIssueDto) {
    return this.issues.raise(p, caller, dto);
  }

  @Patch(':number')
  @Access(FIGURE_GIVERS)
  @ApiOperation({
    summary: 'Update an issue: status, supplier reference, severity',
    description:
      'open → fixed-by-supplier (a supplier) → re-checked → closed (the practice or delivery partner); they may also reopen it.',
  })
  @ApiMigrationId()
  @ApiParam({
    name: 'number',
    description: 'The issue number.',
    schema: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  })
  @ApiOkResponse({ type: IssueDto, description: 'The issue as it now stands.' })
  @ApiProblems(
    [400, MIGRATION_400],
    401,
    [403, `${ROLE_403} Or this status change or field is for another role.`],
    [404, `${MIGRATION_404} Or no such issue.`],
    [409, 'The issue cannot move to that status from where it is (`code: IssueTransitionNotAllowed`).'],
    413,
    429,
    503,
  )
  update(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Param('number', new WholeNumberPipe('number', 1_000_000)) number: number,
    @Body() dto: UpdateIssueDto,
  ) {
    return this.issues.update(p, caller, number, dto);
  }
}
