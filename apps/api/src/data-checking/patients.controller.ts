import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiMigrationId } from '../common/api-docs';
import type { Caller } from '../organisations/organisations.service';
import { ApiCsvDownload, ApiCsvUpload, ChangeProblems, CLOSED_409, ReadProblems } from './api-docs';
import { SelectPatientDto } from './dto/requests.dto';
import { ImportResultDto, SelectedPatientDto, SelectedPatientListDto } from './dto/responses.dto';
import { PatientsService } from './patients.service';
import { CHECKERS, csvDownload, EVERYONE } from './routes';

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id', version: '1' })
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Get('patients')
  @Access(EVERYONE)
  @ApiOperation({
    summary: 'The selected patients',
    description: 'NHS numbers in full for the practice and the new supplier; masked (last four digits) for others.',
  })
  @ApiMigrationId()
  @ApiOkResponse({ type: SelectedPatientListDto, description: 'The selection, oldest first.' })
  @ReadProblems()
  async list(@CurrentParticipation() p: Participation) {
    return { items: await this.patients.list(p) };
  }

  @Post('patients')
  @HttpCode(201)
  @Access(CHECKERS)
  @ApiOperation({
    summary: 'Select a patient for checking (the practice; the delivery partner when assisting, recorded as such)',
  })
  @ApiMigrationId()
  @ApiCreatedResponse({ type: SelectedPatientDto, description: 'Selected.' })
  @ChangeProblems(
    `${CLOSED_409} Or the patient is already selected (\`code: PatientAlreadySelected\`).`,
    'No such test criterion in this migration (`code: UnknownCriterion`).',
  )
  select(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() dto: SelectPatientDto) {
    return this.patients.select(p, caller, dto);
  }

  @Get('patients.csv')
  @Access(EVERYONE)
  @ApiOperation({ summary: 'The selected patients as CSV (what the new supplier’s adapter fetches)' })
  @ApiMigrationId()
  @ApiCsvDownload('Columns: NHS number (masked except for the practice and new supplier), criterion, reason, …')
  async csv(@CurrentParticipation() p: Participation, @Res({ passthrough: true }) res: Response) {
    return csvDownload(res, `patients-${p.migration.practiceOdsCode}.csv`, await this.patients.csv(p));
  }

  @Post('patients.csv')
  @HttpCode(201)
  @Access(CHECKERS)
  @ApiOperation({
    summary: 'Upload selected patients as CSV (a clinical system search export)',
    description:
      'A header line naming an "NHS number" column and optionally a "criterion" column; other columns (names, dates of birth) are ignored and never stored. All rows are imported or none.',
  })
  @ApiMigrationId()
  @ApiCsvUpload('NHS number,criterion\n943 476 5919,TC-01\n9434765870,\n')
  @ApiCreatedResponse({ type: ImportResultDto, description: 'Every row imported.' })
  upload(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.patients.import(p, caller, body);
  }
}
