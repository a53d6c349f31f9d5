import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiMigrationId } from '../common/api-docs';
import type { Caller } from '../organisations/organisations.service';
import { ChangeProblems, CLOSED_409, ReadProblems } from './api-docs';
import { RecordChecksDto } from './dto/requests.dto';
import { RecordCheckListDto } from './dto/responses.dto';
import { RecordChecksService } from './record-checks.service';
import { CHECKERS, EVERYONE } from './routes';

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id/record-checks', version: '1' })
export class RecordChecksController {
  constructor(private readonly checks: RecordChecksService) {}

  @Get()
  @Access(EVERYONE)
  @ApiOperation({ summary: 'Every record check of every round' })
  @ApiMigrationId()
  @ApiOkResponse({ type: RecordCheckListDto, description: 'The checks, by round.' })
  @ReadProblems()
  async list(@CurrentParticipation() p: Participation) {
    return { items: await this.checks.list(p) };
  }

  @Post()
  @HttpCode(200)
  @Access(CHECKERS)
  @ApiOperation({
    summary: 'Record checks of selected patients in the current round',
    description:
      'Per patient and category: match, mismatch (with a note; `missing` when the item is absent) or not applicable. A mismatch raises an issue.',
  })
  @ApiMigrationId()
  @ApiOkResponse({ type: RecordCheckListDto, description: 'The checks as recorded.' })
  @ChangeProblems(
    `${CLOSED_409} Or the migration is not data checking (\`code: NotDataChecking\`).`,
    'A patient that is not selected in this migration (`code: PatientNotSelected`).',
  )
  submit(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() dto: RecordChecksDto) {
    return this.checks.submit(p, caller, dto);
  }
}
