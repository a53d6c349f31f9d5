import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@idp/domain';
import { ProblemException } from '../common/problem';
import { KickoffDto } from './dto/kickoff.dto';
import { MigrationsService, type MigrationView } from './migrations.service';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () =>
    new ProblemException(400, {
      title: 'Bad request',
      detail: 'The migration id must be a UUID.',
      errors: [{ field: 'id', message: 'id must be a UUID' }],
    }),
});

@ApiTags('migrations')
@Controller({ path: 'migrations', version: '1' })
export class MigrationsController {
  constructor(private readonly migrations: MigrationsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Kick off a practice migration’s initial data production',
    description: 'Starts one `idp` workflow. Repeating the same kickoff returns the first migration (200).',
  })
  @ApiCreatedResponse({ description: 'Started; Location points at the migration.' })
  @ApiOkResponse({ description: 'The same kickoff was already made; this is that migration.' })
  @ApiBadRequestResponse({ description: 'Invalid fields (problem details with `errors`).' })
  @ApiConflictResponse({ description: 'The practice already has an open migration with different details.' })
  @ApiServiceUnavailableResponse({ description: 'Temporal or Postgres unreachable; retry after Retry-After seconds.' })
  async kickoff(
    @Body() dto: KickoffDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; workflowId: string; status: string }> {
    // Until organisations and API keys exist, the kickoff is attributed to the ICB named in it.
    const actor: Actor = { role: 'icb', organisationId: dto.icbCode };
    const { created, migration } = await this.migrations.kickoff(dto, actor);
    res.status(created ? 201 : 200).location(`/v1/migrations/${migration.id}`);
    return {
      id: migration.id,
      workflowId: migration.workflowId,
      status: migration.status === 'starting' ? 'active' : migration.status,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A migration with its live process status' })
  @ApiOkResponse({ description: 'The migration; `process` is the workflow’s status snapshot.' })
  @ApiNotFoundResponse({ description: 'No such migration.' })
  get(@Param('id', uuidPipe) id: string): Promise<MigrationView> {
    return this.migrations.get(id);
  }
}
