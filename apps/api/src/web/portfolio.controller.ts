import { toCsv } from '../data-checking/csv';
import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { STAGES } from '@idp/domain';
import { Page } from '../auth/access';
import { ListMigrationsQueryDto } from '../migrations/dto/commands.dto';
import { KickoffDto } from '../migrations/dto/kickoff.dto';
import { MigrationsService } from '../migrations/migrations.service';
import { PORTFOLIO_ORDERS, PortfolioService, type PortfolioOrder } from '../migrations/portfolio.service';
import { byField, refusalOf, validateForm } from './forms';
import { layoutLocals, PageErrorFilter, SignedInGuard, type PageRequest } from './pages';
import { formatDate, portfolioChart, ragOf, RAG_LABELS, RAG_TAGS, ROLE_LABELS, STAGE_LABELS } from './presenters';

const PAGE_SIZE = 50;

/** The filters a portfolio page or export takes, as its query string gives them. */
interface PortfolioQuery {
  stage?: string;
  supplier?: string;
  rag?: string;
  sort?: string;
  page?: string;
}

/**
 * The ICB's and delivery partner's portfolio: every migration with stage, RAG, overdue work, whose turn it is
 * and planned against forecast go-live; filters, sorting, a chart and a CSV export. Also the kickoff form.
 */
@ApiExcludeController()
@Page()
@UseGuards(SignedInGuard)
@UseFilters(PageErrorFilter)
@Controller({ version: VERSION_NEUTRAL })
export class PortfolioController {
  constructor(
    private readonly portfolio: PortfolioService,
    private readonly migrations: MigrationsService,
  ) {}

  @Get('portfolio')
  async page(@Req() req: PageRequest, @Res() res: Response, @Query() query: PortfolioQuery): Promise<void> {
    const { filter, order, errors } = await this.filterOf(query);
    const page = Math.max(1, Math.min(100_000, Number.parseInt(query.page ?? '1', 10) || 1));
    const listing = await this.portfolio.list(req.caller!, Object.assign(filter, { page, pageSize: PAGE_SIZE }), order);
    const next = await this.portfolio.nextSteps(listing.items.map((m) => m.id));
    const rows = listing.items.map((m) => {
      const rag = ragOf(m);
      const step = next.get(m.id);
      return {
        ...m,
        rag,
        ragLabel: RAG_LABELS[rag],
        ragTag: RAG_TAGS[rag],
        stageLabel: STAGE_LABELS[m.stage] ?? m.stage,
        nextStep: step && {
          ...step,
          owner: ROLE_LABELS[step.ownerRole] ?? step.ownerRole,
          due: formatDate(step.dueAt),
        },
        planned: formatDate(m.plannedGoLive),
        forecast: formatDate(m.forecastGoLive),
        slipped: m.forecastGoLive > m.plannedGoLive,
      };
    });
    const counts = await this.portfolio.counts(req.caller!);
    const totalPages = Math.max(1, Math.ceil(listing.total / PAGE_SIZE));
    const keep = new URLSearchParams(
      Object.entries({ stage: query.stage, supplier: query.supplier, rag: query.rag, sort: query.sort }).filter(
        (e): e is [string, string] => !!e[1],
      ),
    );
    res.status(errors.length ? 400 : 200).render('portfolio.njk', {
      ...layoutLocals(req, res, '/portfolio'),
      rows,
      total: listing.total,
      page,
      totalPages,
      previous: page > 1 ? `?${new URLSearchParams([...keep, ['page', String(page - 1)]])}` : undefined,
      next: page < totalPages ? `?${new URLSearchParams([...keep, ['page', String(page + 1)]])}` : undefined,
      csvHref: `/portfolio.csv${keep.size ? `?${keep}` : ''}`,
      chart: portfolioChart(
        counts.map((c) => ({ stage: c.stage, rag: ragOf({ ...c, overdueCount: c.overdue ? 1 : 0 }), count: c.count })),
      ),
      query,
      errors,
      stageOptions: [
        { value: '', text: 'Any stage' },
        ...STAGES.map((s) => ({ value: s, text: STAGE_LABELS[s], selected: s === query.stage })),
      ],
      ragOptions: [
        { value: '', text: 'Any status' },
        ...(['red', 'amber', 'green'] as const).map((r) => ({
          value: r,
          text: RAG_LABELS[r],
          selected: r === query.rag,
        })),
      ],
      sortOptions: Object.entries(SORT_LABELS).map(([value, text]) => ({
        value,
        text,
        selected: value === (query.sort ?? 'newest'),
      })),
    });
  }

  @Get('portfolio.csv')
  async csv(@Req() req: PageRequest, @Res() res: Response, @Query() query: PortfolioQuery): Promise<void> {
    const { filter, order } = await this.filterOf(query);
    const records: Array<Array<string | number>> = [];
    for (let page = 1; ; page += 1) {
      const listing = await this.portfolio.list(
        req.caller!,
        Object.assign(new ListMigrationsQueryDto(), filter, { page, pageSize: 100 }),
        order,
      );
      const next = await this.portfolio.nextSteps(listing.items.map((m) => m.id));
      for (const m of listing.items) {
        const step = next.get(m.id);
        records.push([
          m.practiceOdsCode,
          m.practiceName,
          m.icbCode,
          m.currentSupplier,
          m.newSupplier,
          m.deliveryPartner ?? '',
          STAGE_LABELS[m.stage] ?? m.stage,
          RAG_LABELS[ragOf(m)],
          m.overdueCount,
          step?.title ?? '',
          step ? (ROLE_LABELS[step.ownerRole] ?? step.ownerRole) : '',
          step?.dueAt?.slice(0, 10) ?? '',
          m.plannedGoLive,
          m.forecastGoLive,
          m.id,
        ]);
      }
      if (page * 100 >= listing.total || listing.items.length === 0) break;
    }
    const header = [
      'Practice ODS code',
      'Practice',
      'ICB',
      'Current supplier',
      'New supplier',
      'Delivery partner',
      'Stage',
      'RAG',
      'Overdue milestones',
      'Next step',
      'Next step owner',
      'Next step due',
      'Planned go-live',
      'Forecast go-live',
      'Migration id',
    ];
    res
      .type('text/csv; charset=utf-8')
      .attachment(`idp-portfolio-${new Date().toISOString().slice(0, 10)}.csv`)
      // Practice names are free text: cells a spreadsheet would run as a formula are neutralised.
      .send(toCsv([header, ...records]));
  }

  @Get('migrations/new')
  kickoffForm(@Req() req: PageRequest, @Res() res: Response): void {
    this.renderKickoff(req, res, 200, { icbCode: req.caller!.role === 'icb' ? req.caller!.code : '' }, []);
  }

  @Post('migrations/new')
  async kickoff(@Req() req: PageRequest, @Res() res: Response, @Body() body: Record<string, string>): Promise<void> {
    const fields = {
      practiceOdsCode: body.practiceOdsCode?.trim().toUpperCase(),
      practiceName: body.practiceName,
      icbCode: req.caller!.role === 'icb' ? req.caller!.code : body.icbCode?.trim().toUpperCase(),
      currentSupplier: body.currentSupplier?.trim().toUpperCase(),
      newSupplier: body.newSupplier?.trim().toUpperCase(),
      deliveryPartner: body.deliveryPartner?.trim().toUpperCase() || undefined,
      plannedGoLive: body.plannedGoLive?.trim(),
    };
    const { value, errors } = await validateForm(KickoffDto, fields);
    if (errors.length) {
      this.renderKickoff(req, res, 400, fields, errors);
      return;
    }
    try {
      const { migration } = await this.migrations.kickoff(value, req.caller!);
      req.session.flash = `The IDP of ${migration.practiceName} has started.`;
      res.redirect(303, `/migrations/${migration.id}`);
    } catch (error) {
      this.renderKickoff(req, res, 409, fields, refusalOf(error));
    }
  }

  private renderKickoff(
    req: PageRequest,
    res: Response,
    status: number,
    fields: object,
    errors: ReturnType<typeof refusalOf>,
  ): void {
    res.status(status).render('kickoff.njk', {
      ...layoutLocals(req, res, '/migrations/new'),
      fields,
      errors,
      fieldErrors: byField(errors),
      icbFixed: req.caller!.role === 'icb',
    });
  }

  /** The page's filters as the portfolio service takes them; an unknown value is ignored, with a message. */
  private async filterOf(query: PortfolioQuery) {
    const { value, errors } = await validateForm(ListMigrationsQueryDto, {
      stage: query.stage || undefined,
      supplier: query.supplier?.trim() || undefined,
    });
    const filter = Object.assign(
      new ListMigrationsQueryDto(),
      errors.length ? {} : { stage: value.stage, supplier: value.supplier },
    );
    if (query.rag === 'red') filter.overdue = true;
    if (query.rag === 'amber') Object.assign(filter, { overdue: false, atRisk: true });
    if (query.rag === 'green') Object.assign(filter, { overdue: false, atRisk: false });
    const order: PortfolioOrder =
      query.sort && query.sort in PORTFOLIO_ORDERS ? (query.sort as PortfolioOrder) : 'newest';
    return { filter, order, errors };
  }
}

const SORT_LABELS: Record<PortfolioOrder, string> = {
  newest: 'Newest first',
  'forecast-go-live': 'Forecast go-live, soonest first',
  'planned-go-live': 'Planned go-live, soonest first',
  overdue: 'Most overdue first',
  practice: 'Practice name',
};
