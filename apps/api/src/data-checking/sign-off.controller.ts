import { Body, Controller, Get, Headers, HttpCode, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentCaller, CurrentParticipation, type Participation } from '../auth/access';
import { ApiIdempotencyKey, ApiMigrationId, ApiProblems } from '../common/api-docs';
import { idempotencyKey } from '../migrations/migrations.controller';
import type { Caller } from '../organisations/organisations.service';
import { ApiCsvDownload, ApiPdfDownload, ChangeProblems, MIGRATION_400, MIGRATION_404 } from './api-docs';
import { CountersignDto, SignOffDeclarationDto } from './dto/requests.dto';
import { SignOffViewDto } from './dto/responses.dto';
import { signOffPackCsv, signOffPackPdf } from './sign-off-pack.render';
import { SignOffPackService } from './sign-off-pack.service';
import { SignOffService } from './sign-off.service';
import { csvDownload, EVERYONE } from './routes';

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
  @ApiPdfDownload('The pack.')
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
  @ApiCsvDownload('The pack, one block per section.', true)
  async csv(@CurrentParticipation() p: Participation, @Res({ passthrough: true }) res: Response) {
    const pack = await this.packs.build(p);
    res.setHeader('X-Content-Hash', pack.contentHash);
    return csvDownload(res, `sign-off-pack-${p.migration.practiceOdsCode}.csv`, signOffPackCsv(pack));
  }
}
