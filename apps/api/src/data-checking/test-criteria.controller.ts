import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiMigrationId } from '../common/api-docs';
import type { Caller } from '../organisations/organisations.service';
import { ChangeProblems, CLOSED_409, ReadProblems } from './api-docs';
import { TestCriterionInputDto } from './dto/requests.dto';
import { TestCriterionDto, TestCriterionListDto } from './dto/responses.dto';
import { TestCriteriaService } from './test-criteria.service';
import { EVERYONE } from './routes';

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id/test-criteria', version: '1' })
export class TestCriteriaController {
  constructor(private readonly criteria: TestCriteriaService) {}

  @Get()
  @Access(EVERYONE)
  @ApiOperation({ summary: 'The test criteria: what kind of record to select and how many' })
  @ApiMigrationId()
  @ApiOkResponse({ type: TestCriterionListDto, description: 'Every criterion, with how many patients are selected.' })
  @ReadProblems()
  async list(@CurrentParticipation() p: Participation) {
    return { items: await this.criteria.list(p) };
  }

  @Post()
  @HttpCode(201)
  @Access({ migration: { roles: ['new-supplier', 'delivery-partner'] } })
  @ApiOperation({ summary: 'Add a test criterion (the new supplier, or the delivery partner)' })
  @ApiMigrationId()
  @ApiCreatedResponse({ type: TestCriterionDto, description: 'Added.' })
  @ChangeProblems(`${CLOSED_409} Or the migration already has a criterion with this code (\`code: CriterionExists\`).`)
  add(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() dto: TestCriterionInputDto) {
    return this.criteria.add(p, caller, dto);
  }
}
