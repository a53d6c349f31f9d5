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

/**
 * Everything a party does to a running IDP, as workflow updates: the workflow validates and answers; the
 * caller's Idempotency-Key (scoped to its organisation) becomes the update id, so a retry is answered, not redone.
 */
@Injectable()
export class ProcessCommandsService {
  constructor(private readonly temporal: TemporalConnectionHolder) {}

  reportMilestone(p: Participation, caller: Caller, key: string, dto: MilestoneReportDto, idempotencyKey?: string) {
    return this.execute(p, caller, idempotencyKey, reportMilestoneUpdate, (actor) => ({
      actor,
      milestone: key,
      payload: { ...dto },
    }));
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
    const updateId = idempotencyKey ? `${caller.organisationId}:${idempotencyKey}` : randomUUID();
    try {
      return await this.temporal.withDeadline(() => handle.executeUpdate(update, { args: [arg(actor)], updateId }));
    } catch (error) {
      throw temporalProblem(error);
    }
  }
}
