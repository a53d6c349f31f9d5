import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '@idp/domain';
import { TemporalConnectionHolder } from '@idp/temporal';
import {
  cancelUpdate,
  changeParticipantsUpdate,
  pauseUpdate,
  recordRoundOutcomeUpdate,
  replanUpdate,
  reportMilestoneUpdate,
  resumeUpdate,
  signOffUpdate,
} from '@idp/workflows/idp/messages';
import type { Participation } from '../auth/access';
import { temporalProblem } from '../common/error-mapping';
import { ProblemException, problemType } from '../common/problem';
import type { Caller } from '../organisations/organisations.service';
import type {
  MilestoneReportDto,
  ParticipantsDto,
  ReasonDto,
  ReplanDto,
  RoundOutcomeDto,
  SignOffDto,
} from './dto/commands.dto';

const CLOSED_DETAIL: Record<string, string> = {
  cancelled: 'This migration has been cancelled.',
  'signed-off': 'This migration has been signed off.',
};

/**
 * Everything a party does to a running IDP, as workflow updates: the workflow validates and answers; the
 * caller's Idempotency-Key (scoped to its organisation and the command) becomes the update id, so a retry is
 * answered, not redone.
 */
@Injectable()
export class ProcessCommandsService {
  constructor(private readonly temporal: TemporalConnectionHolder) {}

  reportMilestone(p: Participation, caller: Caller, key: string, dto: MilestoneReportDto, idempotencyKey?: string) {
    return this.execute(
      p,
      caller,
      idempotencyKey,
      reportMilestoneUpdate,
      (actor) => ({ actor, milestone: key, payload: { ...dto } }),
      key,
    );
  }

  replan(p: Participation, caller: Caller, dto: ReplanDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, replanUpdate, (actor) => ({ actor, command: { ...dto } }));
  }

  pause(p: Participation, caller: Caller, dto: ReasonDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, pauseUpdate, (actor) => ({
      actor,
      command: { reason: dto.reason },
    }));
  }

  resume(p: Participation, caller: Caller, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, resumeUpdate, (actor) => ({
      actor,
      command: {} as Record<string, never>,
    }));
  }

  cancel(p: Participation, caller: Caller, dto: ReasonDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, cancelUpdate, (actor) => ({
      actor,
      command: { reason: dto.reason },
    }));
  }

  changeParticipants(p: Participation, caller: Caller, dto: ParticipantsDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, changeParticipantsUpdate, (actor) => ({
      actor,
      command: { participants: dto.participants.map((x) => ({ ...x })) },
    }));
  }

  recordRoundOutcome(p: Participation, caller: Caller, dto: RoundOutcomeDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, recordRoundOutcomeUpdate, (actor) => ({
      actor,
      command: { outcome: dto.outcome, remedy: dto.remedy, summary: dto.summary && { ...dto.summary } },
    }));
  }

  signOff(p: Participation, caller: Caller, dto: SignOffDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, signOffUpdate, (actor) => ({ actor, command: { ...dto } }));
  }

  private async execute<Ret, Arg>(
    p: Participation,
    caller: Caller,
    idempotencyKey: string | undefined,
    update: UpdateDefinition<Ret, [Arg]>,
    arg: (actor: Actor) => Arg,
    /** What else the key is scoped to besides the organisation and the command (the milestone of a report). */
    subject?: string,
  ): Promise<Ret> {
    if (p.role === 'operator') {
      throw new ProblemException(HttpStatus.FORBIDDEN, {
        type: problemType('forbidden'),
        title: 'Forbidden',
        detail: 'The operator can read every migration but acts in none; use a key of a participating organisation.',
      });
    }
    const actor: Actor = { role: p.role, organisationId: caller.code, name: caller.name };
    const handle = this.temporal.client.workflow.getHandle(p.migration.workflowId);
    // Temporal answers a repeated update id with the first update's result whatever the update, so the key is
    // scoped to the command (and milestone): the same key on another command must not get that command's answer.
    const scope = [caller.organisationId, update.name, ...(subject === undefined ? [] : [subject])].join(':');
    const updateId = idempotencyKey ? `${scope}:${idempotencyKey}` : randomUUID();
    try {
      return await this.temporal.withDeadline(() => handle.executeUpdate(update, { args: [arg(actor)], updateId }));
    } catch (error) {
      // The guard found the migration, so a workflow Temporal no longer runs is one that finished: signed off or
      // cancelled. Refuse the command as the workflow itself would, not as "no such migration".
      if ((error as Error)?.name === 'WorkflowNotFoundError' && p.migration.status !== 'starting') {
        throw new ProblemException(HttpStatus.CONFLICT, {
          type: problemType('migration-closed'),
          title: 'The process refused this change',
          detail: CLOSED_DETAIL[p.migration.status] ?? 'This migration is closed; nothing more can change.',
          code: 'MigrationClosed',
        });
      }
      throw temporalProblem(error);
    }
  }
}
