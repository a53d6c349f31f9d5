import { Controller, Get, Req, Res, UseFilters, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { In, type Repository } from 'typeorm';
import { MigrationEntity } from '@idp/persistence';
import { Page } from '../auth/access';
import { MigrationsService } from '../migrations/migrations.service';
import { layoutLocals, PageErrorFilter, SignedInGuard, type PageRequest } from './pages';
import { formatDate, ROLE_LABELS, STAGE_LABELS, STATE_LABELS } from './presenters';

/** The milestones that say whether the practice's people can get into the new system. */
const ACCESS_AND_TRAINING = ['adminUsersProvisioned', 'practiceUsersSetUp', 'trainingScheduled', 'usersTrained'];

/**
 * The practice's page: what it must do next and by when, in plain words; whether its admin users and training
 * are in place; what it is waiting for from others. Data-checking forms join it with the data-checking API.
 */
@ApiExcludeController()
@Page()
@UseGuards(SignedInGuard)
@UseFilters(PageErrorFilter)
@Controller({ path: 'practice', version: VERSION_NEUTRAL })
export class PracticeController {
  constructor(
    @InjectRepository(MigrationEntity) private readonly rows: Repository<MigrationEntity>,
    private readonly migrations: MigrationsService,
  ) {}

  @Get()
  async page(@Req() req: PageRequest, @Res() res: Response): Promise<void> {
    const caller = req.caller!;
    const rows =
      caller.role === 'practice'
        ? await this.rows.find({
            where: { practiceOdsCode: caller.code, status: In(['starting', 'active', 'paused']) },
            order: { createdAt: 'DESC' },
          })
        : [];
    const migrations = await Promise.all(
      rows.map(async (row) => {
        const view = await this.migrations.get(row);
        const status = view.process;
        const milestones = status?.milestones ?? [];
        const todo = (status?.nextActions.practice ?? []).map((a) => ({
          title: a.title,
          due: formatDate(a.dueAt),
          overdue: a.state === 'overdue',
        }));
        const waitingFor = Object.entries(status?.nextActions ?? {})
          .filter(([role]) => role !== 'practice')
          .flatMap(([role, actions]) =>
            (actions ?? []).map((a) => ({ who: ROLE_LABELS[role] ?? role, title: a.title, due: formatDate(a.dueAt) })),
          );
        return {
          id: view.id,
          practiceName: view.practiceName,
          stageLabel: STAGE_LABELS[view.stage] ?? view.stage,
          planned: formatDate(view.plannedGoLive),
          forecast: formatDate(view.forecastGoLive),
          slipped: view.forecastGoLive > view.plannedGoLive,
          paused: view.status === 'paused',
          todo,
          waitingFor,
          access: milestones
            .filter((m) => ACCESS_AND_TRAINING.includes(m.key))
            .map((m) => ({
              title: m.title,
              state: STATE_LABELS[m.state],
              done: m.state === 'done',
              due: formatDate(m.dueAt),
            })),
        };
      }),
    );
    res.render('practice.njk', {
      ...layoutLocals(req, res, '/practice'),
      migrations,
      isPractice: caller.role === 'practice',
    });
  }
}
