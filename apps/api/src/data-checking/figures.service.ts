import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, type Repository } from 'typeorm';
import {
  computeDataCheckFigures,
  type CheckResult,
  type DataCheckFigures,
  type IdpStatus,
  type RecordCategory,
  type RoundFigures,
} from '@idp/domain';
import { DataCheckIssueEntity, RecordCheckEntity, ReportFigureEntity, SelectedPatientEntity } from '@idp/persistence';
import type { Participation } from '../auth/access';
import { ProcessCommandsService } from '../migrations/process-commands.service';
import type { Caller } from '../organisations/organisations.service';
import { DataCheckContext, refused } from './data-check-context';
import type { ComputedOutcomeDto } from './dto/requests.dto';

export interface ComputedOutcome {
  round: number;
  outcome: 'passed' | 'failed';
  reasons: string[];
  remedy?: string;
  nextRound?: number;
  escalated: boolean;
  figures: RoundFigures;
}

/**
 * The DMI20 figures of a migration (completeness and accuracy overall, per category and per round) from its
 * record checks and report figures, against the pass thresholds of its policy; and the round outcome they give,
 * sent to the workflow, which opens the next round or lets the clinical lead sign off.
 */
@Injectable()
export class DataCheckFiguresService {
  constructor(
    private readonly context: DataCheckContext,
    private readonly commands: ProcessCommandsService,
    @InjectRepository(SelectedPatientEntity) private readonly patients: Repository<SelectedPatientEntity>,
    @InjectRepository(RecordCheckEntity) private readonly checks: Repository<RecordCheckEntity>,
    @InjectRepository(ReportFigureEntity) private readonly figures: Repository<ReportFigureEntity>,
    @InjectRepository(DataCheckIssueEntity) private readonly issues: Repository<DataCheckIssueEntity>,
  ) {}

  async compute(p: Participation, status?: IdpStatus): Promise<DataCheckFigures & { currentRound: number }> {
    const live = status ?? (await this.context.status(p));
    const migrationId = p.migration.id;
    const [patients, checks, figures] = await Promise.all([
      this.patients.find({ select: { id: true }, where: { migrationId } }),
      this.checks.findBy({ migrationId }),
      this.figures.findBy({ migrationId }),
    ]);
    const result = computeDataCheckFigures({
      patientIds: patients.map((x) => x.id),
      checks: checks.map((c) => ({
        patientId: c.patientId,
        category: c.category as RecordCategory,
        round: c.round,
        result: c.result as CheckResult,
        missing: c.missing,
      })),
      figures,
      currentRound: live.round,
      thresholds: live.dataCheckThresholds,
    });
    return { currentRound: live.round, ...result };
  }

  /** Computes round `round`'s outcome and records it in the workflow (a failure needs the remedy). */
  async recordOutcome(
    p: Participation,
    caller: Caller,
    round: number,
    dto: ComputedOutcomeDto,
    idempotencyKey?: string,
  ): Promise<ComputedOutcome> {
    this.context.actor(p, caller);
    const status = await this.context.status(p);
    // A retry (same Idempotency-Key) of an outcome already recorded gets the first answer from the workflow, even
    // though the round is no longer current: the update id is the key, so nothing is recorded twice.
    const retryOfRecorded =
      idempotencyKey !== undefined && round < status.round && status.rounds[round - 1]?.outcome !== undefined;
    if (round !== status.round && !retryOfRecorded) {
      throw refused(
        HttpStatus.CONFLICT,
        'RoundNotCurrent',
        'Not the current round',
        `Round ${round} is not the current data-check round; the current round is ${status.round}.`,
      );
    }
    const figures = (await this.compute(p, status)).byRound[round - 1];
    const verdict = figures.outcome;
    if (verdict.outcome === 'incomplete' && !retryOfRecorded) {
      throw refused(
        HttpStatus.CONFLICT,
        'ChecksIncomplete',
        'The round’s checks are not complete',
        `Round ${round} has no outcome yet: ${verdict.reasons.join(' ')}`,
      );
    }
    if (verdict.outcome === 'failed' && !dto.remedy && !retryOfRecorded) {
      throw refused(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'RemedyRequired',
        'A failed round needs a remedy',
        `Round ${round} fails (${verdict.reasons.join(' ')}); say how it is put right: remedy re-extract or re-transform.`,
      );
    }
    // Past the checks above, a new request's verdict is passed or failed; a retry resends what was recorded.
    const outcome = (retryOfRecorded ? status.rounds[round - 1]!.outcome : verdict.outcome) as 'passed' | 'failed';
    const openIssues = await this.issues.countBy({ migrationId: p.migration.id, status: Not('closed') });
    const result = await this.commands.recordRoundOutcome(
      p,
      caller,
      {
        outcome,
        remedy: outcome === 'failed' ? (dto.remedy ?? undefined) : undefined,
        summary: {
          completenessPercent: figures.completenessPercent ?? undefined,
          accuracyPercent: figures.accuracyPercent ?? undefined,
          openIssues,
          note: dto.note ?? undefined,
        },
      },
      idempotencyKey,
    );
    return {
      round: result.round,
      outcome: result.outcome,
      reasons: verdict.reasons,
      remedy: verdict.outcome === 'failed' ? (dto.remedy ?? undefined) : undefined,
      nextRound: result.nextRound,
      escalated: result.escalated,
      figures,
    };
  }
}
