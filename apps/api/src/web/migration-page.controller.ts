import { londonTimeToEpochMs } from '@idp/domain';
import { Body, Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { DataSource, Repository } from 'typeorm';
import { graphFor, type IdpStatus, type MilestoneDefinition } from '@idp/domain';
import { MigrationEntity } from '@idp/persistence';
import { Page, type Participation } from '../auth/access';
import { MilestoneReportDto, ReasonDto, ReplanDto, RoundOutcomeDto } from '../migrations/dto/commands.dto';
import { SignOffDeclarationDto } from '../data-checking/dto/requests.dto';
import { SignOffService } from '../data-checking/sign-off.service';
import { MigrationsService } from '../migrations/migrations.service';
import { PortfolioService } from '../migrations/portfolio.service';
import { ProcessCommandsService } from '../migrations/process-commands.service';
import { byField, submitForm, type FormError } from './forms';
import { layoutLocals, PageErrorFilter, SignedInGuard, type PageRequest } from './pages';
import { participationOf } from './participation';
import {
  formatDate,
  formatDateTime,
  ganttChart,
  ragOf,
  RAG_LABELS,
  RAG_TAGS,
  ROLE_LABELS,
  STAGE_LABELS,
  STATE_LABELS,
} from './presenters';

const PLANNERS = ['icb', 'delivery-partner'];
const STATE_TAGS: Record<string, string> = {
  done: 'nhsuk-tag--green',
  open: 'nhsuk-tag--blue',
  overdue: 'nhsuk-tag--red',
  waiting: 'nhsuk-tag--grey',
  waived: 'nhsuk-tag--white',
};

/** Which action form a failed submission belongs to, so its errors show beside it. */
type ActionForm = 'report' | 'replan' | 'pause' | 'resume' | 'cancel' | 'outcome' | 'sign-off';

/**
 * One migration for the people in it: timeline and Gantt of plan against actual, owners, notifications sent,
 * rounds and audit trail; and the actions the viewer's role may take, calling the same services as the API.
 */
@ApiExcludeController()
@Page()
@UseGuards(SignedInGuard)
@UseFilters(PageErrorFilter)
@Controller({ path: 'migrations', version: VERSION_NEUTRAL })
export class MigrationPageController {
  constructor(
    @InjectRepository(MigrationEntity) private readonly rows: Repository<MigrationEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly migrations: MigrationsService,
    private readonly portfolio: PortfolioService,
    private readonly commands: ProcessCommandsService,
    private readonly signOffs: SignOffService,
  ) {}

  @Get(':id')
  async page(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.render(req, res, await this.participation(req, id), 200);
  }

  @Post(':id/milestones/:key')
  async report(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('key') key: string,
    @Body() body: Record<string, string>,
  ): Promise<void> {
    const p = await this.participation(req, id);
    const adminUsers = body.adminUsers
      ?.split(/\r?\n/)
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => ({ name }));
    const fields = {
      evidence: body.evidence,
      note: body.note,
      adminUsers: adminUsers?.length ? adminUsers : undefined,
      trainedUsers: body.trainedUsers ? Number(body.trainedUsers) : undefined,
      trainingSession: body.trainingStartsAt
        ? {
            startsAt: ukLocalToIso(body.trainingStartsAt),
            durationMinutes: Number(body.trainingDurationMinutes || 0),
            location: body.trainingLocation || undefined,
          }
        : undefined,
    };
    await this.act(req, res, p, { form: 'report', key }, MilestoneReportDto, fields, (dto) =>
      this.commands.reportMilestone(p, req.caller!, key, dto),
    );
  }

  @Post(':id/replan')
  async replan(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ) {
    const p = await this.participation(req, id, PLANNERS);
    await this.act(
      req,
      res,
      p,
      { form: 'replan' },
      ReplanDto,
      { plannedGoLive: body.plannedGoLive, reason: body.reason },
      (dto) => this.commands.replan(p, req.caller!, dto),
    );
  }

  @Post(':id/pause')
  async pause(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ) {
    const p = await this.participation(req, id, PLANNERS);
    await this.act(req, res, p, { form: 'pause' }, ReasonDto, { reason: body.reason }, (dto) =>
      this.commands.pause(p, req.caller!, dto),
    );
  }

  @Post(':id/resume')
  async resume(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const p = await this.participation(req, id, PLANNERS);
    await this.act(req, res, p, { form: 'resume' }, ReasonDto, { reason: 'resume' }, () =>
      this.commands.resume(p, req.caller!),
    );
  }

  @Post(':id/cancel')
  async cancel(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ) {
    const p = await this.participation(req, id, PLANNERS);
    await this.act(req, res, p, { form: 'cancel' }, ReasonDto, { reason: body.reason }, (dto) =>
      this.commands.cancel(p, req.caller!, dto),
    );
  }

  @Post(':id/round-outcome')
  async outcome(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ) {
    const p = await this.participation(req, id, ['practice', 'delivery-partner']);
    const fields = { outcome: body.outcome, remedy: body.outcome === 'failed' ? body.remedy : undefined };
    await this.act(req, res, p, { form: 'outcome' }, RoundOutcomeDto, fields, (dto) =>
      this.commands.recordRoundOutcome(p, req.caller!, dto),
    );
  }

  @Post(':id/sign-off')
  async signOff(
    @Req() req: PageRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string>,
  ) {
    const p = await this.participation(req, id, ['practice']);
    const fields = { clinicalLeadName: body.clinicalLeadName, declarationAccepted: body.declarationAccepted === 'yes' };
    // The same sign-off as the API and the data-checking page: the workflow update plus the declaration record.
    await this.act(req, res, p, { form: 'sign-off' }, SignOffDeclarationDto, fields, (dto) =>
      this.signOffs.signOff(p, req.caller!, dto),
    );
  }

  /** Validates a form with the API's DTO, runs the command, and redirects, or shows the page again with errors. */
  private async act<T extends object>(
    req: PageRequest,
    res: Response,
    p: Participation,
    failed: { form: ActionForm; key?: string },
    dto: new () => T,
    fields: Record<string, unknown>,
    run: (value: T) => Promise<unknown>,
  ): Promise<void> {
    await submitForm(dto, fields, run, {
      again: (status, errors) => this.render(req, res, p, status, { ...failed, errors, fields }),
      done: () => {
        req.session.flash = DONE[failed.form];
        res.redirect(303, `/migrations/${p.migration.id}`);
      },
    });
  }

  private participation(req: PageRequest, id: string, roles?: string[]): Promise<Participation> {
    return participationOf(this.rows, req, id, roles);
  }

  private async render(
    req: PageRequest,
    res: Response,
    p: Participation,
    status: number,
    failed?: { form: ActionForm; key?: string; errors: FormError[]; fields: Record<string, unknown> },
  ): Promise<void> {
    const view = await this.migrations.get(p.migration);
    const status_ = view.process;
    const defs = new Map(graphFor(p.migration.graphVersion).milestones.map((m) => [m.key, m]));
    const [events, notifications] = await Promise.all([
      this.portfolio.events(p.migration.id, { page: 1, pageSize: 100 }),
      this.db.query(
        `SELECT kind, channel, recipient_name, recipient_role, subject, status, created_at, sent_at FROM notification
         WHERE migration_id = $1 ORDER BY id DESC LIMIT 100`,
        [p.migration.id],
      ) as Promise<Array<Record<string, unknown>>>,
    ]);
    const role = p.role;
    const open = view.status === 'active';
    const milestones = (status_?.milestones ?? []).map((m) => {
      const def = defs.get(m.key);
      const mine = !!def && (def.owner === role || (def.alsoReportableBy ?? []).includes(role as never));
      return {
        ...m,
        ownerLabel: ROLE_LABELS[m.owner],
        stateLabel: STATE_LABELS[m.state],
        stateTag: STATE_TAGS[m.state],
        due: formatDate(m.dueAt),
        completed: formatDateTime(m.completedAt),
        completedBy: m.completedBy ? `${m.completedBy.name ?? ''} (${ROLE_LABELS[m.completedBy.role]})`.trim() : '',
        canReport:
          open && mine && (m.state === 'open' || m.state === 'overdue') && (def?.completedBy ?? 'report') === 'report',
        requires: def?.requires,
      };
    });
    const rag = ragOf({ ...view, overdueCount: status_?.overdueCount ?? p.migration.overdueCount });
    res.status(status).render('migration.njk', {
      ...layoutLocals(req, res, ''),
      m: view,
      role,
      roleLabel: ROLE_LABELS[role] ?? role,
      stageLabel: STAGE_LABELS[view.stage] ?? view.stage,
      rag,
      ragLabel: RAG_LABELS[rag],
      ragTag: RAG_TAGS[rag],
      planned: formatDate(view.plannedGoLive),
      forecast: formatDate(view.forecastGoLive),
      source: view.source,
      milestones,
      reportable: milestones.filter((m) => m.canReport),
      gantt: status_
        ? ganttChart({
            kickoff: view.createdAt,
            now: Date.now(),
            plannedGoLive: view.plannedGoLive,
            forecastGoLive: view.forecastGoLive,
            milestones: status_.milestones,
          })
        : undefined,
      rounds: (status_?.rounds ?? []).map((r) => ({
        ...r,
        started: formatDateTime(r.startedAt),
        ended: formatDateTime(r.endedAt),
      })),
      participants: status_?.participants ?? [],
      warnings: status_?.warnings ?? [],
      nextActions: nextActionsOf(status_, defs),
      events: events.items.map((e) => ({
        ...e,
        at: formatDateTime(e.occurredAt),
        who: `${e.actor.name ?? e.actor.organisation} (${ROLE_LABELS[e.actor.role] ?? e.actor.role})`,
      })),
      notifications: notifications.map((n) => ({
        ...n,
        at: formatDateTime((n.sent_at ?? n.created_at) as Date as unknown as string),
        roleLabel: ROLE_LABELS[n.recipient_role as string] ?? n.recipient_role,
      })),
      canPlan: PLANNERS.includes(role) && (view.status === 'active' || view.status === 'paused'),
      paused: view.status === 'paused',
      canRecordOutcome:
        open &&
        ['practice', 'delivery-partner'].includes(role) &&
        milestones.some(
          (m) => defs.get(m.key)?.completedBy === 'round-outcome' && (m.state === 'open' || m.state === 'overdue'),
        ),
      canSignOff:
        open &&
        role === 'practice' &&
        milestones.some(
          (m) => defs.get(m.key)?.completedBy === 'sign-off' && (m.state === 'open' || m.state === 'overdue'),
        ),
      failed: failed && { ...failed, fieldErrors: byField(failed.errors) },
      // Each error leads to the form it belongs to: several forms on one page share field names.
      errors: (failed?.errors ?? []).map((e) => ({
        ...e,
        href: `#action-${failed!.form}${failed!.key ? `-${failed!.key}` : ''}`,
      })),
    });
  }
}

const DONE: Record<ActionForm, string> = {
  report: 'Milestone reported.',
  replan: 'The plan has changed; everyone affected has been told.',
  pause: 'The migration is paused: no reminders until it is resumed.',
  resume: 'The migration has resumed.',
  cancel: 'The migration has been cancelled.',
  outcome: 'Round outcome recorded.',
  'sign-off': 'Signed off. The initial data production is complete.',
};

/** Who must do what next, in role order, with due dates. */
function nextActionsOf(status: IdpStatus | undefined, defs: Map<string, MilestoneDefinition>) {
  if (!status) return [];
  return Object.entries(status.nextActions).flatMap(([role, actions]) =>
    (actions ?? []).map((a) => ({
      who: ROLE_LABELS[role] ?? role,
      title: defs.get(a.milestone)?.title ?? a.title,
      due: formatDate(a.dueAt),
      overdue: a.state === 'overdue',
    })),
  );
}

/**
 * The form's `datetime-local` value ("2027-06-14T10:00") is UK time, so in summer it is an hour ahead of UTC.
 * Anything else is passed on for the DTO to refuse with its own message.
 */
export function ukLocalToIso(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return value;
  try {
    return new Date(londonTimeToEpochMs(match[1]!, Number(match[2]), Number(match[3]))).toISOString();
  } catch {
    return value; // not a real date or time: the DTO refuses it with its own message
  }
}
