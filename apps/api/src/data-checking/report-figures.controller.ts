import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiMigrationId } from '../common/api-docs';
import type { Caller } from '../organisations/organisations.service';
import { ApiCsvDownload, ApiCsvUpload, ChangeProblems, ReadProblems } from './api-docs';
import { ReportFigureInputDto } from './dto/requests.dto';
import { ImportResultDto, ReportFigureDto, ReportFigureListDto } from './dto/responses.dto';
import { ReportFiguresService } from './report-figures.service';
import { csvDownload, EVERYONE, FIGURE_GIVERS } from './routes';

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id', version: '1' })
export class ReportFiguresController {
  constructor(private readonly figures: ReportFiguresService) {}

  @Get('report-figures')
  @Access(EVERYONE)
  @ApiOperation({ summary: 'Report figures of the old and the test system, each with difference and pass/fail' })
  @ApiMigrationId()
  @ApiOkResponse({ type: ReportFigureListDto, description: 'Every figure of every round.' })
  @ReadProblems()
  async list(@CurrentParticipation() p: Participation) {
    return { items: await this.figures.list(p) };
  }

  @Post('report-figures')
  @HttpCode(200)
  @Access(FIGURE_GIVERS)
  @ApiOperation({
    summary: 'Give a report figure for the current round',
    description:
      'List size, a QOF register, a target report or any named figure. The practice and delivery partner give either value and the tolerance; the current supplier gives oldValue only, the new supplier newValue only. The figure is created or updated.',
  })
  @ApiMigrationId()
  @ApiOkResponse({ type: ReportFigureDto, description: 'The figure as it stands.' })
  @ChangeProblems()
  submit(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() dto: ReportFigureInputDto) {
    return this.figures.submit(p, caller, dto);
  }

  @Get('report-figures.csv')
  @Access(EVERYONE)
  @ApiOperation({ summary: 'The report figures as CSV' })
  @ApiMigrationId()
  @ApiCsvDownload('Columns: round, kind, code, name, old value, new value, difference, tolerance, result.')
  async csv(@CurrentParticipation() p: Participation, @Res({ passthrough: true }) res: Response) {
    return csvDownload(res, `report-figures-${p.migration.practiceOdsCode}.csv`, await this.figures.csv(p));
  }

  @Post('report-figures.csv')
  @HttpCode(201)
  @Access(FIGURE_GIVERS)
  @ApiOperation({
    summary: 'Upload report figures as CSV into the current round',
    description:
      'A header line with kind, code, name, old value, new value, tolerance (columns may be left out). All rows are imported or none.',
  })
  @ApiMigrationId()
  @ApiCsvUpload('kind,code,name,old value,new value,tolerance\nlist-size,,,5230,,\nqof-register,AF,,88,,\n')
  @ApiCreatedResponse({ type: ImportResultDto, description: 'Every row imported.' })
  upload(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.figures.import(p, caller, body);
  }
}
