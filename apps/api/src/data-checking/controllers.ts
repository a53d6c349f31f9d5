import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiIdempotencyKey, ApiMigrationId, ApiProblems } from '../common/api-docs';
import { idempotencyKey } from '../migrations/migrations.controller';
import type { Caller } from '../organisations/organisations.service';
import {
  ApiCsvDownload,
  ApiCsvUpload,
  ApiPdfDownload,
  ChangeProblems,
  CLOSED_409,
  MIGRATION_400,
  MIGRATION_404,
  ReadProblems,
  ROLE_403,
} from './api-docs';
import {
  ComputedOutcomeDto,
  CountersignDto,
  CreateIssueDto,
  RecordChecksDto,
  ReportFigureInputDto,
  SelectPatientDto,
  SignOffDeclarationDto,
  TestCriterionInputDto,
  UpdateIssueDto,
} from './dto/requests.dto';
import {
  ComputedOutcomeResultDto,
  DataCheckFiguresDto,
  ImportResultDto,
  IssueDto,
  IssueListDto,
  RecordCheckListDto,
  ReportFigureDto,
  ReportFigureListDto,
  SelectedPatientDto,
  SelectedPatientListDto,
  SignOffViewDto,
  TestCriterionDto,
  TestCriterionListDto,
} from './dto/responses.dto';
import { WholeNumberPipe } from './dto/whole-number.pipe';
import { DataCheckFiguresService } from './figures.service';
import { IssuesService } from './issues.service';
import { PatientsService } from './patients.service';
import { RecordChecksService } from './record-checks.service';
import { ReportFiguresService } from './report-figures.service';
import { signOffPackCsv, signOffPackPdf } from './sign-off-pack.render';
import { SignOffPackService } from './sign-off-pack.service';
import { SignOffService } from './sign-off.service';
import { TestCriteriaService } from './test-criteria.service';

/*
 * The data-checking routes, one controller per resource under /v1/migrations/:id. Who may call each is declared
 * on the route; the services take the participation and caller, so the web pages can call them too.
 */

const EVERYONE = { migration: {} };
const CHECKERS = { migration: { roles: ['practice' as const, 'delivery-partner' as const] } };
const FIGURE_GIVERS = {
  migration: {
    roles: ['practice' as const, 'delivery-partner' as const, 'current-supplier' as const, 'new-supplier' as const],
  },
};

/** Sends `csv` as a download named `name`. */
function csvDownload(res: Response, name: string, csv: string): string {
  res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}"`);
  return csv;
}

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

@ApiTags('data checking')
@ApiBearerAuth()
@Controller({ path: 'migrations/:id', version: '1' })
export class SignOffController {
  constructor(
    private readonly signOffs: SignOffService,
    private readonly packs: SignOffPackService,
  ) {}

  @Get('sign-off')
  @Access(EVERYONE)
  @ApiOperation({ summary: 'The clinical lead’s signed declaration and the ICB’s countersignature' })
  @ApiMigrationId()
  @ApiOkResponse({ type: SignOffViewDto, description: 'The sign-off.' })
  @ApiProblems([400, MIGRATION_400], 401, [404, `${MIGRATION_404} Or not signed off yet.`], 429, 503)
  view(@CurrentParticipation() p: Participation) {
    return this.signOffs.view(p);
  }

  @Post('sign-off')
  @HttpCode(200)
  @Access({ migration: { roles: ['practice'] } })
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'The clinical lead signs off the data check with the declaration; the IDP is complete',
    description:
      'Needs a passed round. The declaration names the issues still open, which the clinical lead accepts, and what cannot be migrated.',
  })
  @ApiMigrationId()
  @ApiOkResponse({ type: SignOffViewDto, description: 'Signed off; `signedAt` is when.' })
  @ChangeProblems(
    'Refused by the process, `code` says why: PrerequisitesNotMet (no passed round yet), MigrationPaused or MigrationClosed.',
    'Refused by the process: the details do not fit (`code: InvalidPayload`).',
  )
  signOff(
    @CurrentParticipation() p: Participation,
    @CurrentCaller() caller: Caller,
    @Body() dto: SignOffDeclarationDto,
    @Headers('Idempotency-Key') idem?: string,
  ) {
    return this.signOffs.signOff(p, caller, dto, idempotencyKey(idem));
  }

  @Post('countersign')
  @HttpCode(200)
  @Access({ migration: { roles: ['icb'] } })
  @ApiOperation({ summary: 'The ICB countersigns the clinical lead’s sign-off' })
  @ApiMigrationId()
  @ApiOkResponse({ type: SignOffViewDto, description: 'Countersigned.' })
  @ChangeProblems('Not signed off yet (`code: NotSignedOff`), or already countersigned (`code: AlreadyCountersigned`).')
  countersign(@CurrentParticipation() p: Participation, @CurrentCaller() caller: Caller, @Body() dto: CountersignDto) {
    return this.signOffs.countersign(p, caller, dto);
  }

  @Get('sign-off-pack.pdf')
  @Access(EVERYONE)
  @ApiOperation({
    summary: 'The sign-off pack as PDF: the evidence the ICB files',
    description:
      'Migration, dates, graph version, figures, report comparison, record-check summary (masked NHS numbers), issues, rounds, signatures, and a SHA-256 content hash of the pack’s canonical data.',
  })
  @ApiMigrationId()
  @ApiPdfDownload('The pack (`X-Content-Hash` repeats its content hash).')
  async pdf(@CurrentParticipation() p: Participation, @Res({ passthrough: true }) res: Response) {
    const pack = await this.packs.build(p);
    res.setHeader('X-Content-Hash', pack.contentHash);
    return new StreamableFile(await signOffPackPdf(pack), {
      type: 'application/pdf',
      disposition: `attachment; filename="sign-off-pack-${p.migration.practiceOdsCode}.pdf"`,
    });
  }

  @Get('sign-off-pack.csv')
  @Access(EVERYONE)
  @ApiOperation({ summary: 'The sign-off pack as CSV (the same sections and content hash as the PDF)' })
  @ApiMigrationId()
  @ApiCsvDownload('The pack, one block per section.')
  async csv(@CurrentParticipation() p: Participation, @Res({ passthrough: true }) res: Response) {
    const pack = await this.packs.build(p);
    res.setHeader('X-Content-Hash', pack.contentHash);
    return csvDownload(res, `sign-off-pack-${p.migration.practiceOdsCode}.csv`, signOffPackCsv(pack));
  }
}
