import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  Actor,
  Forecast,
  IdpState,
  IdpStatus,
  KickoffDetails,
  MilestonePayload,
  MilestoneReportResult,
  Participant,
  ProcessPolicy,
  ReplanCommand,
  RoundOutcomeCommand,
  RoundOutcomeResult,
  SignOffCommand,
} from '@idp/domain';

/*
 * The `idp` workflow's message contract, shared by the workflow and its callers (API, tests). Updates, not
 * signals: the caller gets an answer, validators refuse bad commands before anything is written, and the update
 * id deduplicates retries.
 */

export interface IdpWorkflowInput {
  kickoff: KickoffDetails;
  policy: ProcessPolicy;
  graphVersion: number;
  /** Present only after continue-as-new: the state carried over from the previous run. */
  carriedState?: IdpState;
  /**
   * Results of the most recent updates by update id, carried across continue-as-new: Temporal deduplicates
   * update ids within one run only, and callers use their Idempotency-Key as the update id.
   */
  carriedUpdateResults?: Array<[updateId: string, result: unknown]>;
}

export interface IdpWorkflowResult {
  migrationId: string;
  status: IdpState['status'];
  rounds: number;
}

export interface MilestoneReport {
  actor: Actor;
  milestone: string;
  payload: MilestonePayload;
}

export interface ActorCommand<T = Record<string, never>> {
  actor: Actor;
  command: T;
}

/** A status snapshot; callers pass their clock (`now`, epoch ms) so overdue states are current between wake-ups. */
export const statusQuery = defineQuery<IdpStatus, [now?: number]>('status');

export const reportMilestoneUpdate = defineUpdate<MilestoneReportResult, [MilestoneReport]>('reportMilestone');
export const recordRoundOutcomeUpdate = defineUpdate<RoundOutcomeResult, [ActorCommand<RoundOutcomeCommand>]>(
  'recordRoundOutcome',
);
export const signOffUpdate = defineUpdate<{ signedAt: string }, [ActorCommand<SignOffCommand>]>('signOff');
export const replanUpdate = defineUpdate<Forecast, [ActorCommand<ReplanCommand>]>('replan');
export const pauseUpdate = defineUpdate<IdpStatus, [ActorCommand<{ reason: string }>]>('pause');
export const resumeUpdate = defineUpdate<IdpStatus, [ActorCommand]>('resume');
export const cancelUpdate = defineUpdate<IdpStatus, [ActorCommand<{ reason: string }>]>('cancel');
export const changeParticipantsUpdate = defineUpdate<Participant[], [ActorCommand<{ participants: Participant[] }>]>(
  'changeParticipants',
);

/** Failure types an update validator uses; the API maps each to an HTTP status. */
export { type RejectionType } from '@idp/domain';
