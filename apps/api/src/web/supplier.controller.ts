import { Controller, Get, Req, Res, UseFilters, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Page } from '../auth/access';
import { PortfolioService } from '../migrations/portfolio.service';
import { layoutLocals, PageErrorFilter, SignedInGuard, type PageRequest } from './pages';
import { formatDate, ROLE_LABELS, STATE_LABELS } from './presenters';

/** The supplier's page: its open requests across every practice, oldest due first. */
@ApiExcludeController()
@Page()
@UseGuards(SignedInGuard)
@UseFilters(PageErrorFilter)
@Controller({ path: 'supplier', version: VERSION_NEUTRAL })
export class SupplierController {
  constructor(private readonly portfolio: PortfolioService) {}

  @Get()
  async page(@Req() req: PageRequest, @Res() res: Response): Promise<void> {
    const caller = req.caller!;
    const requests = caller.role === 'supplier' ? await this.portfolio.openRequestsFor(caller.code) : [];
    res.render('supplier.njk', {
      ...layoutLocals(req, res, '/supplier'),
      isSupplier: caller.role === 'supplier',
      requests: requests.map((r) => ({
        ...r,
        as: ROLE_LABELS[r.role],
        due: formatDate(r.dueAt),
        stateLabel: STATE_LABELS[r.state],
        overdue: r.state === 'overdue',
      })),
    });
  }
}
