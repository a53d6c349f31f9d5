import { Body, Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Repository } from 'typeorm';
import {
  CHECK_RESULTS,
  FIGURE_KINDS,
  graphFor,
  ISSUE_CATEGORIES,
  ISSUE_SEVERITIES,
  ISSUE_STATUSES,
  issueTransitionRefusal,
  RECORD_CATEGORIES,
  type IssueStatus,
  type Role,
} from '@idp/domain';
import { MigrationEntity } from '@idp/persistence';
import { Page, type Participation } from '../auth/access';
import { ProblemException } from '../common/problem';
import { DataCheckFiguresService } from '../data-checking/figures.service';
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
} from '../data-checking/dto/requests.dto';
import { IssuesService } from '../data-checking/issues.service';
import { PatientsService } from '../data-checking/patients.service';
import { RecordChecksService } from '../data-checking/record-checks.service';
import { ReportFiguresService, uploadHeadersOf } from '../data-checking/report-figures.service';
import { CHECKERS, csvDownload, FIGURE_GIVERS } from '../data-checking/routes';
import { signOffPackCsv, signOffPackPdf } from '../data-checking/sign-off-pack.render';
import { SignOffPackService } from '../data-checking/sign-off-pack.service';
import { SignOffService } from '../data-checking/sign-off.service';
import { TestCriteriaService } from '../data-checking/test-criteria.service';
import { MigrationsService } from '../migrations/migrations.service';
import { byField, submitForm, submitUpload, type FormError, type RejectedRow } from './forms';
import { layoutLocals, PageErrorFilter, SignedInGuard, type PageRequest } from './pages';
import { participationOf } from './participation';
import { dataCheckChart, formatDateTime, formatPercent, labelOf, ROLE_LABELS, STAGE_LABELS } from './presenters';
import { csvTextOf } from './uploads';

const CHECKER_ROLES: string[] = CHECKERS.migration.roles;
const FIGURE_GIVER_ROLES: string[] = FIGURE_GIVERS.migration.roles;
const CRITERIA_GIVERS = ['new-supplier', 'delivery-partner'];
const SUPPLIERS = ['new-supplier', 'current-supplier'];

/** The forms of the page; a failed one shows its errors beside it and in the summary. */
type DataCheckForm =
  | 'criterion'
  | 'patient'
  | 'upload'
  | 'figure'
  | 'figures-upload'
  | 'checks'
  | 'issue'
  | 'issue-update'
  | 'outcome'
  | 'sign-off'
  | 'countersign';

interface Failure {
  form: DataCheckForm;
  /** Which of several forms of one kind (a patient's checks, an issue). */
  key?: string;
  errors: FormError[];
  fields: Record<string, unknown>;
  /** An upload's rejected rows, shown as a table. */
  rejected?: RejectedRow[];
}

/** An NHS number as people read it, 943 476 5919 (a masked one is already spaced). */
const spaced = (nhsNumber: string) => nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3');

/** Options of a select, the one given before selected. */
const choices = (values: readonly string[], chosen: unknown) =>
  values.map((value) => ({ value, text: value, selected: value === chosen }));

/** A whole number typed into a form as a number; anything else stays text so the DTO's message says what is wrong. */
const wholeNumber = (text: string | undefined) => {
  const t = text?.trim();
  return t && /^-?[0-9]{1,12}$/.test(t) ? Number(t) : t;
};

/**
 * The data check of one migration for the people in it: test criteria, the selected patients, report figures,
 * record checks, the issue log, completeness and accuracy, the round outcome, the clinical lead's declaration, the
 * ICB's countersignature and the sign-off pack. Each form calls the same service as the API route and is offered
 * only to the roles that route admits.
 */
@ApiExcludeController()
@Page()
@UseGuards(SignedInGuard)
@UseFilters(PageErrorFilter)
@Controller({ path: 'migrations/:id/data-checking', version: VERSION_NEUTRAL })
export class DataCheckingPageController {
  constructor(
    @InjectRepository(MigrationEntity) private readonly rows: Repository<MigrationEntity>,
    private readonly migrations: MigrationsService,
    private readonly criteria: TestCriteriaService,
    private readonly patients: PatientsService,
    private readonly reportFigures: ReportFiguresService,
    private readonly checks: RecordChecksService,
    private readonly issues: IssuesService,
    private readonly figures: DataCheckFiguresService,
    private readonly signOffs: SignOffService,
    private readonly packs: SignOffPackService,
  ) {}

  @Get()
  async page(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.render(req, res, await participationOf(this.rows, req, id), 200);
  }

  @Post('criteria')
  async addCriterion(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, CRITERIA_GIVERS);
    const fields = {
      code: body.code?.trim(),
      description: body.description,
      category: body.category,
      patientsToSelect: wholeNumber(body.patientsToSelect),
    };
    await this.act(req, res, p, { form: 'criterion' }, TestCriterionInputDto, fields, 'Test criterion added.', (dto) =>
      this.criteria.add(p, req.caller!, dto),
    );
  }

  @Post('patients')
  async selectPatient(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, CHECKER_ROLES);
    const fields = { nhsNumber: body.nhsNumber?.trim(), criterion: body.criterion || undefined };
    await this.act(req, res, p, { form: 'patient' }, SelectPatientDto, fields, 'Patient selected.', (dto) =>
      this.patients.select(p, req.caller!, dto),
    );
  }

  /** The file arrives parsed by the upload middleware of setup-web (before the CSRF check, which needs its fields). */
  @Post('patients.csv')
  async uploadPatients(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const p = await participationOf(this.rows, req, id, CHECKER_ROLES);
    await this.upload(req, res, p, 'upload', 'selected patients', async (text) => {
      const { imported } = await this.patients.import(p, req.caller!, text);
      return `${imported} patient${imported === 1 ? '' : 's'} imported.`;
    });
  }

  @Post('report-figures')
  async giveFigure(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, FIGURE_GIVER_ROLES);
    const fields = {
      kind: body.kind,
      code: body.code?.trim(),
      name: body.name,
      oldValue: wholeNumber(body.oldValue),
      newValue: wholeNumber(body.newValue),
      tolerance: wholeNumber(body.tolerance),
    };
    await this.act(req, res, p, { form: 'figure' }, ReportFigureInputDto, fields, 'Report figure saved.', (dto) =>
      this.reportFigures.submit(p, req.caller!, dto),
    );
  }

  /** Report figures as a CSV file, checked and imported by the same service as the API's upload. */
  @Post('report-figures.csv')
  async uploadFigures(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const p = await participationOf(this.rows, req, id, FIGURE_GIVER_ROLES);
    await this.upload(req, res, p, 'figures-upload', 'report figures', async (text) => {
      const { imported } = await this.reportFigures.import(p, req.caller!, text);
      return `${imported} report figure${imported === 1 ? '' : 's'} imported.`;
    });
  }

  @Get('report-figures.csv')
  async figuresCsv(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const p = await participationOf(this.rows, req, id);
    const name = `report-figures-${p.migration.practiceOdsCode}.csv`;
    res.send(csvDownload(res, name, await this.reportFigures.csv(p)));
  }

  /** The latest round's figures in the upload's columns for the viewer's role, values blank: a file to fill in. */
  @Get('report-figures-template.csv')
  async figuresTemplate(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const p = await participationOf(this.rows, req, id, FIGURE_GIVER_ROLES);
    const name = `report-figures-template-${p.migration.practiceOdsCode}.csv`;
    res.send(csvDownload(res, name, await this.reportFigures.template(p)));
  }

  /** One patient's checks: every category answered in the form, the rest left for later. */
  @Post('record-checks/:patientId')
  async checkRecord(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('patientId') patientId: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, CHECKER_ROLES);
    const answered = RECORD_CATEGORIES.filter((category) => body[`result-${category}`]);
    const checks = answered.map((category) => ({
      patientId,
      category,
      result: body[`result-${category}`],
      missing: body[`missing-${category}`] === 'yes' || undefined,
      note: body[`note-${category}`]?.trim() || undefined,
    }));
    // Errors name `checks[i].field`; on the page they belong to that category's inputs.
    const toCategory = (errors: FormError[]) =>
      errors.map((e) => {
        const [, index, field = ''] = /^checks\[(\d+)\]\.?(\w*)/.exec(e.field) ?? [];
        const category = index === undefined || field === 'patientId' ? undefined : answered[Number(index)];
        if (!category) {
          const none = e.field === 'checks' && !answered.length;
          return {
            field: 'form',
            text: none ? 'Choose a result for at least one area' : e.text,
            href: `#checks-${patientId}`,
          };
        }
        const name = field === 'note' || field === 'missing' ? field : 'result';
        const text = e.text.startsWith('checks[')
          ? e.text.replace(/^checks\[\d+\]\.?(\w*)/, (_m, f: string) => `${labelOf(category)} ${f || 'check'}`)
          : `${labelOf(category)}: ${e.text}`;
        return { field: `${name}-${category}`, text, href: `#checks-${patientId}-${name}-${category}` };
      });
    const fields = Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_csrf'));
    const failed = { form: 'checks' as const, key: patientId, fields };
    await submitForm(RecordChecksDto, { checks }, (value) => this.checks.submit(p, req.caller!, value), {
      refusalField: 'checks',
      again: (status, errors) => this.render(req, res, p, status, { ...failed, errors: toCategory(errors) }),
      done: () => {
        const mismatches = checks.filter((c) => c.result === 'mismatch').length;
        req.session.flash = `${checks.length} check${checks.length === 1 ? '' : 's'} saved${mismatches ? `; ${mismatches} mismatch${mismatches === 1 ? '' : 'es'} logged as issues` : ''}.`;
        res.redirect(303, `${this.url(p)}#checks-${patientId}`);
      },
    });
  }

  @Post('issues')
  async raiseIssue(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, CHECKER_ROLES);
    const fields = { severity: body.severity, category: body.category, description: body.description };
    await this.act(req, res, p, { form: 'issue' }, CreateIssueDto, fields, 'Issue logged.', (dto) =>
      this.issues.raise(p, req.caller!, dto),
    );
  }

  @Post('issues/:number')
  async updateIssue(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('number') number: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, FIGURE_GIVER_ROLES);
    const n = /^[0-9]{1,7}$/.test(number) ? Number(number) : 0;
    const fields = {
      status: body.status || undefined,
      supplierReference: body.supplierReference?.trim() || undefined,
      severity: body.severity || undefined,
    };
    await this.act(
      req,
      res,
      p,
      { form: 'issue-update', key: number },
      UpdateIssueDto,
      fields,
      `Issue ${n} updated.`,
      (dto) => this.issues.update(p, req.caller!, n, dto),
    );
  }

  @Post('round-outcome')
  async recordOutcome(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, CHECKER_ROLES);
    const round = Number(body.round) || 0;
    const fields = { remedy: body.remedy || undefined, note: body.note?.trim() || undefined };
    let message = '';
    await this.act(
      req,
      res,
      p,
      { form: 'outcome' },
      ComputedOutcomeDto,
      fields,
      () => message,
      async (dto) => {
        const result = await this.figures.recordOutcome(p, req.caller!, round, dto);
        message =
          result.outcome === 'passed'
            ? `Round ${result.round} passed. The clinical lead can now sign off.`
            : `Round ${result.round} failed (${result.reasons.join(' ')}). Round ${result.nextRound} has started.`;
      },
    );
  }

  @Post('sign-off')
  async signOff(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, ['practice']);
    const fields = {
      clinicalLeadName: body.clinicalLeadName?.trim(),
      declarationAccepted: body.declarationAccepted === 'yes',
      notMigrated: body.notMigrated?.trim() || undefined,
      note: body.note?.trim() || undefined,
    };
    await this.act(req, res, p, { form: 'sign-off' }, SignOffDeclarationDto, fields, 'Signed off.', (dto) =>
      this.signOffs.signOff(p, req.caller!, dto),
    );
  }

  @Post('countersign')
  async countersign(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await participationOf(this.rows, req, id, ['icb']);
    const fields = { name: body.name?.trim(), note: body.note?.trim() || undefined };
    await this.act(req, res, p, { form: 'countersign' }, CountersignDto, fields, 'Countersigned.', (dto) =>
      this.signOffs.countersign(p, req.caller!, dto),
    );
  }

  @Get('sign-off-pack.pdf')
  async packPdf(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const p = await participationOf(this.rows, req, id);
    const pack = await this.packs.build(p);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="sign-off-pack-${p.migration.practiceOdsCode}.pdf"`)
      .setHeader('X-Content-Hash', pack.contentHash)
      .send(await signOffPackPdf(pack));
  }

  @Get('sign-off-pack.csv')
  async packCsv(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const p = await participationOf(this.rows, req, id);
    const pack = await this.packs.build(p);
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="sign-off-pack-${p.migration.practiceOdsCode}.csv"`)
      .setHeader('X-Content-Hash', pack.contentHash)
      .send(signOffPackCsv(pack));
  }

  private url(p: Participation): string {
    return `/migrations/${p.migration.id}/data-checking`;
  }

  /** A CSV upload of the page: imported whole and back to the form with a message, or the page again saying why. */
  private async upload(
    req: PageRequest,
    res: Response,
    p: Participation,
    form: 'upload' | 'figures-upload',
    what: string,
    run: (text: string) => Promise<string>,
  ): Promise<void> {
    await submitUpload(form, csvTextOf(res, req.file, what), run, {
      again: (status, errors, rejected) => this.render(req, res, p, status, { form, errors, fields: {}, rejected }),
      done: (message) => {
        req.session.flash = message;
        res.redirect(303, `${this.url(p)}#${form}`);
      },
    });
  }

  /**
   * Validates a form with the API's DTO and runs the service: then back to the page with a message, or the page
   * again with the errors beside the form (each linked to its input, whose id is `<form>-<field>`).
   */
  private async act<T extends object>(
    req: PageRequest,
    res: Response,
    p: Participation,
    which: { form: DataCheckForm; key?: string },
    dto: new () => T,
    fields: Record<string, unknown>,
    done: string | (() => string),
    run: (value: T) => Promise<unknown>,
  ): Promise<void> {
    const prefix = `${which.form}${which.key ? `-${which.key}` : ''}`;
    const linked = (errors: FormError[]) =>
      errors.map((e) => ({ ...e, href: e.field === 'form' ? `#${prefix}` : `#${prefix}-${e.field}` }));
    await submitForm(dto, fields, run, {
      again: (status, errors) => this.render(req, res, p, status, { ...which, errors: linked(errors), fields }),
      done: () => {
        req.session.flash = typeof done === 'string' ? done : done();
        res.redirect(303, `${this.url(p)}#${prefix}`);
      },
    });
  }

  private async render(
    req: PageRequest,
    res: Response,
    p: Participation,
    status: number,
    failed?: Failure,
  ): Promise<void> {
    const role = p.role;
    const view = await this.migrations.get(p.migration);
    const process = view.process;
    const open = view.status === 'active';
    const [criteria, patients, figures, checks, issues, signOff] = await Promise.all([
      this.criteria.list(p),
      this.patients.list(p),
      this.reportFigures.list(p),
      this.checks.list(p),
      this.issues.list(p),
      this.signOffs.view(p).catch((error: unknown) => {
        if (error instanceof ProblemException && error.getStatus() === 404) return null;
        throw error;
      }),
    ]);
    const measures = process ? await this.figures.compute(p, process) : undefined;
    const round = process?.round ?? 1;
    const milestoneOpen = (completedBy: string) => {
      const defs = graphFor(p.migration.graphVersion).milestones;
      return (process?.milestones ?? []).some(
        (m) =>
          defs.find((d) => d.key === m.key)?.completedBy === completedBy &&
          (m.state === 'open' || m.state === 'overdue'),
      );
    };
    const current = measures?.byRound[round - 1];
    const resultsOf = (patientId: string) =>
      new Map(checks.filter((c) => c.patientId === patientId && c.round === round).map((c) => [c.category, c]));
    const may = (roles: string[]) => open && roles.includes(role);
    const fieldErrors = failed ? byField(failed.errors) : {};
    const given = (form: DataCheckForm, field: string) => (failed?.form === form ? failed.fields[field] : undefined);

    res.status(status).render('data-checking.njk', {
      ...layoutLocals(req, res, ''),
      m: view,
      role,
      roleLabel: ROLE_LABELS[role] ?? role,
      stageLabel: STAGE_LABELS[view.stage] ?? view.stage,
      round,
      starting: !process,
      categories: RECORD_CATEGORIES.map((c) => ({ value: c, text: labelOf(c) })),
      results: CHECK_RESULTS.map((r) => ({ value: r, text: labelOf(r) })),
      options: {
        criterion: [
          { value: '', text: 'None: a random pick' },
          ...choices(
            criteria.map((c) => `${c.code}`),
            given('patient', 'criterion'),
          ).map((o, i) => ({ ...o, text: `${o.text}: ${criteria[i].description}` })),
        ],
        kind: choices(FIGURE_KINDS, given('figure', 'kind')).map((o) => ({ ...o, text: labelOf(o.value) })),
        severity: choices(ISSUE_SEVERITIES, given('issue', 'severity') ?? 'medium').map((o) => ({
          ...o,
          text: labelOf(o.value),
        })),
        issueCategory: choices(ISSUE_CATEGORIES, given('issue', 'category')).map((o) => ({
          ...o,
          text: labelOf(o.value),
        })),
      },
      criteria: criteria.map((c) => ({ ...c, providedByLabel: ROLE_LABELS[c.providedByRole] ?? c.providedByRole })),
      patients: patients.map((x) => {
        const done = resultsOf(x.id);
        return {
          ...x,
          shown: spaced(x.nhsNumber),
          selectedByLabel: `${ROLE_LABELS[x.selectedByRole] ?? x.selectedByRole}${x.assisted ? ' (assisting)' : ''}`,
          checked: done.size,
          mismatches: [...done.values()].filter((c) => c.result === 'mismatch').length,
          results: Object.fromEntries([...done].map(([category, c]) => [category, c])),
        };
      }),
      figures: figures.map((f) => ({ ...f, kindLabel: labelOf(f.kind) })),
      uploadColumns: uploadHeadersOf(role),
      kinds: FIGURE_KINDS,
      issues: issues.map((i) => ({
        ...i,
        statusLabel: labelOf(i.status),
        severityLabel: labelOf(i.severity),
        categoryLabel: labelOf(i.category),
        raisedByLabel: ROLE_LABELS[i.raisedByRole] ?? i.raisedByRole,
        patient: i.patient && spaced(i.patient),
        nextStatuses: ISSUE_STATUSES.filter(
          (s) => s !== i.status && !issueTransitionRefusal(i.status as IssueStatus, s, role as Role),
        ).map((s) => ({ value: s, text: labelOf(s) })),
      })),
      measures: measures && {
        ...measures,
        completeness: formatPercent(measures.completenessPercent),
        accuracy: formatPercent(measures.accuracyPercent),
        byCategory: measures.byCategory.map((c) => ({
          ...c,
          label: labelOf(c.category),
          completeness: formatPercent(c.completenessPercent),
          accuracy: formatPercent(c.accuracyPercent),
        })),
        byRound: measures.byRound.map((r) => ({
          ...r,
          completeness: formatPercent(r.completenessPercent),
          accuracy: formatPercent(r.accuracyPercent),
          outcomeLabel: labelOf(r.outcome.outcome),
          recorded: process?.rounds.find((x) => x.round === r.round)?.outcome,
        })),
        chart: dataCheckChart(measures.byRound, measures.thresholds),
      },
      verdict: current?.outcome,
      signOff: signOff && {
        ...signOff,
        signedAt: formatDateTime(signOff.clinicalLead.signedAt),
        countersignedAt: formatDateTime(signOff.countersignature?.signedAt),
      },
      openIssues: issues.filter((i) => i.status !== 'closed').map((i) => i.number),
      can: {
        addCriterion: may(CRITERIA_GIVERS),
        select: may(CHECKER_ROLES),
        giveFigures: may(FIGURE_GIVER_ROLES),
        giveOld: role !== 'new-supplier',
        giveNew: role !== 'current-supplier',
        giveTolerance: !SUPPLIERS.includes(role),
        check: may(CHECKER_ROLES) && view.stage === 'data-checking',
        raise: may(CHECKER_ROLES),
        // As in the API: issues accepted at sign-off are still fixed and closed afterwards.
        updateIssues: FIGURE_GIVER_ROLES.includes(role),
        giveSupplierReference: SUPPLIERS.includes(role) || role === 'delivery-partner',
        setSeverity: !SUPPLIERS.includes(role),
        recordOutcome: may(CHECKER_ROLES) && view.stage === 'data-checking',
        outcomeReady: milestoneOpen('round-outcome'),
        signOff: open && role === 'practice' && !signOff && milestoneOpen('sign-off'),
        countersign: role === 'icb' && !!signOff && !signOff.countersignature,
      },
      failed: failed && { ...failed, fieldErrors },
      errors: failed?.errors ?? [],
    });
  }
}
