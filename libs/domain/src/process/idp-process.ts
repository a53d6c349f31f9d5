import { addWorkingDays, type IsoDate } from '../calendar';
import { graphFor } from './milestone-graph';
import type { DataCheckThresholds } from '../data-checking/figures';
import { dataCheckThresholdsOf, type ProcessPolicy } from './policy';
import { ProcessRejection } from './rejection';
import type { Alert, IdpState, MilestoneRecord, RoundSummary } from './state';
import { timelineFor } from './timeline';
import {
  PHASES,
  ROLES,
  type Actor,
  type KickoffDetails,
  type MilestoneDefinition,
  type MilestonePayload,
  type MilestoneState,
  type Participant,
  type Phase,
  type Remedy,
  type Role,
  type Stage,
} from './types';

/*
 * The IDP process engine: pure functions over `IdpState`, interpreting the milestone graph. The workflow calls
 * `validate*` from its update validators (no side effects), `apply*` from its handlers, and `takeDueAlerts` from
 * its timer loop. Nothing here reads a clock: `now` is always passed in.
 */

export interface MilestoneTimes {
  def: MilestoneDefinition;
  state: MilestoneState;
  openedAt?: number;
  dueAt?: number;
  /** When it is (or is forecast to be) done, assuming open work finishes by its due time. */
  forecastAt?: number;
}

/** A fresh process state for a kickoff at `now`. */
export function startProcess(
  kickoff: KickoffDetails,
  policy: ProcessPolicy,
  graphVersion: number,
  now: number,
): IdpState {
  const graph = graphFor(graphVersion);
  const optionalKeys = new Set(graph.milestones.filter((m) => m.optional).map((m) => m.key));
  for (const key of kickoff.optionalMilestones ?? []) {
    if (!optionalKeys.has(key)) throw new ProcessRejection('UnknownMilestone', `${key} is not an optional milestone`);
  }
  const state: IdpState = {
    kickoff,
    graphVersion,
    policy,
    startedAt: now,
    participants: kickoff.participants,
    included: graph.milestones
      .filter((m) => !m.optional || kickoff.optionalMilestones?.includes(m.key))
      .map((m) => m.key),
    milestones: {},
    round: 1,
    rounds: [{ round: 1, startedAt: now }],
    plannedGoLive: kickoff.plannedGoLive,
    baselineFinishAt: 0,
    status: 'active',
    sentAlerts: [],
    pendingAlerts: [],
    notifiedForecastGoLive: kickoff.plannedGoLive,
    warnings: [],
    revision: 1,
  };
  state.baselineFinishAt = terminalForecast(state, now);
  raise(state, { key: 'kickoff', kind: 'kickoff', recipients: [...ROLES], round: 1 });
  return state;
}

/** State, open time, due time and forecast of every milestone at `now`, in graph order. */
export function milestoneTimes(state: IdpState, now: number): Map<string, MilestoneTimes> {
  // Forecasts stand still while the clock is stopped: paused, or closed (cancelled, signed off).
  const clock = forecastClock(state, now);
  const graph = graphFor(state.graphVersion);
  const timeline = timelineFor(state.policy.time);
  const times = new Map<string, MilestoneTimes>();
  for (const def of graph.milestones) {
    const rec = state.milestones[def.key] ?? {};
    if (!state.included.includes(def.key)) {
      times.set(def.key, { def, state: 'waived' });
      continue;
    }
    const prereqs = def.prerequisites.map((p) => times.get(p)!).filter((p) => p.state !== 'waived');
    const base = rec.reopenedAt ?? state.startedAt;
    const prereqsDone = prereqs.every((p) => p.state === 'done');
    if (rec.completedAt !== undefined) {
      // Prerequisites redone in a later round (forecast or done after this one) do not move when this one opened.
      const before = prereqs.map((p) => p.forecastAt ?? base).filter((at) => at <= rec.completedAt!);
      const openedAt = Math.max(base, ...before);
      times.set(def.key, {
        def,
        state: 'done',
        openedAt,
        forecastAt: rec.completedAt,
        dueAt: dueOf(state, def, rec, openedAt),
      });
      continue;
    }
    if (prereqsDone) {
      const openedAt = Math.max(base, ...prereqs.map((p) => p.forecastAt!));
      const dueAt = dueOf(state, def, rec, openedAt);
      const overdue = state.status === 'active' && dueAt !== undefined && now > dueAt;
      times.set(def.key, {
        def,
        state: overdue ? 'overdue' : 'open',
        openedAt,
        dueAt,
        forecastAt: Math.max(clock, dueAt ?? clock),
      });
      continue;
    }
    const forecastOpen = Math.max(base, clock, ...prereqs.map((p) => p.forecastAt ?? clock));
    const ruleDue = def.due ? timeline.dueAfter(forecastOpen, dueDays(state, def)) : forecastOpen;
    times.set(def.key, {
      def,
      state: 'waiting',
      forecastAt: Math.max(ruleDue, rec.dueOverride ?? ruleDue),
      dueAt: rec.dueOverride,
    });
  }
  return times;
}

function forecastClock(state: IdpState, now: number): number {
  if (state.status === 'paused' && state.pausedAt !== undefined) return state.pausedAt;
  if (state.status === 'cancelled' && state.cancellation) return state.cancellation.at;
  if (state.status === 'signed-off' && state.signOff) return state.signOff.signedAt;
  return now;
}

function dueDays(state: IdpState, def: MilestoneDefinition): number {
  const rule = def.due!;
  return state.round > 1 && def.redoneOn && rule.recheckWorkingDays !== undefined
    ? rule.recheckWorkingDays
    : rule.workingDays;
}

function dueOf(state: IdpState, def: MilestoneDefinition, rec: MilestoneRecord, openedAt: number): number | undefined {
  if (rec.dueOverride !== undefined) return rec.dueOverride;
  if (!def.due) return undefined;
  const timeline = timelineFor(state.policy.time);
  let due = timeline.dueAfter(openedAt, dueDays(state, def));
  const cap = def.due.cap;
  const capFrom = cap ? state.milestones[cap.afterFirstCompletionOf]?.firstCompletedAt : undefined;
  if (cap && capFrom !== undefined) due = Math.min(due, timeline.dueAfter(capFrom, cap.workingDays));
  return due;
}

function terminalForecast(state: IdpState, now: number): number {
  return milestoneTimes(state, now).get(graphFor(state.graphVersion).terminal)!.forecastAt!;
}

export interface Forecast {
  plannedGoLive: IsoDate;
  forecastGoLive: IsoDate;
  slipWorkingDays: number;
}

/** Forecast go-live: the planned date moved by the working days the critical path has slipped against the plan. */
export function forecastGoLive(state: IdpState, now: number, times = milestoneTimes(state, now)): Forecast {
  const timeline = timelineFor(state.policy.time);
  const finish = times.get(graphFor(state.graphVersion).terminal)!.forecastAt!;
  const slip = Math.max(0, timeline.workingDaysBetween(state.baselineFinishAt, finish));
  return {
    plannedGoLive: state.plannedGoLive,
    forecastGoLive: slip > 0 ? addWorkingDays(state.plannedGoLive, slip) : state.plannedGoLive,
    slipWorkingDays: slip,
  };
}

/** The portfolio stage: the stage of the furthest milestone reached, or the closed state. */
export function stageOf(state: IdpState, times: Map<string, MilestoneTimes>): Stage {
  if (state.status === 'cancelled') return 'cancelled';
  if (state.status === 'signed-off') return 'signed-off';
  let stage: Stage = 'preparing';
  for (const t of times.values()) if (t.state !== 'waiting' && t.state !== 'waived') stage = t.def.stage;
  return stage;
}

function definition(state: IdpState, key: string): MilestoneDefinition {
  const def = graphFor(state.graphVersion).milestones.find((m) => m.key === key);
  if (!def) throw new ProcessRejection('UnknownMilestone', `There is no milestone called ${key}.`);
  return def;
}

function assertOpenForWork(state: IdpState): void {
  if (state.status === 'cancelled') throw new ProcessRejection('MigrationClosed', 'This migration has been cancelled.');
  if (state.status === 'signed-off')
    throw new ProcessRejection('MigrationClosed', 'This migration has been signed off.');
}

function mayAct(def: MilestoneDefinition, role: Role): boolean {
  return def.owner === role || (def.alsoReportableBy ?? []).includes(role);
}

function assertMayAct(def: MilestoneDefinition, actor: Actor): void {
  if (!mayAct(def, actor.role)) {
    const who = [def.owner, ...(def.alsoReportableBy ?? [])].join(' or ');
    throw new ProcessRejection('NotMilestoneOwner', `${def.key} is reported by the ${who}, not the ${actor.role}.`);
  }
}

function assertReady(state: IdpState, def: MilestoneDefinition, actor: Actor, now: number): void {
  if (!state.included.includes(def.key)) {
    throw new ProcessRejection('MilestoneNotIncluded', `${def.key} is not part of this migration's plan.`);
  }
  assertMayAct(def, actor);
  const times = milestoneTimes(state, now);
  const missing = def.prerequisites.filter((p) => times.get(p)!.state !== 'done' && times.get(p)!.state !== 'waived');
  if (missing.length > 0) {
    throw new ProcessRejection('PrerequisitesNotMet', `${def.key} cannot be reported before ${missing.join(', ')}.`);
  }
}

function samePayload(a: MilestonePayload | undefined, b: MilestonePayload | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function checkPayload(def: MilestoneDefinition, payload: MilestonePayload): void {
  const invalid = (message: string) => new ProcessRejection('InvalidPayload', message);
  if (def.requires === 'admin-users') {
    const admins = payload.adminUsers ?? [];
    if (admins.length < 1 || admins.length > 3)
      throw invalid(`${def.key} needs 1 to 3 named admin users in adminUsers.`);
    if (admins.some((a) => !a.name || !a.name.trim())) throw invalid('Every admin user needs a name.');
  }
  if (def.requires === 'trained-users') {
    const n = payload.trainedUsers;
    if (n === undefined || !Number.isInteger(n) || n < 1) {
      throw invalid(`${def.key} needs trainedUsers: how many staff were trained (at least 1).`);
    }
  }
  if (def.requires === 'training-session' && payload.trainingSession) {
    const s = payload.trainingSession;
    if (Number.isNaN(Date.parse(s.startsAt)) || !(s.durationMinutes > 0)) {
      throw invalid('trainingSession needs startsAt (ISO date-time) and durationMinutes (> 0).');
    }
  }
}

export interface MilestoneReportResult {
  milestone: string;
  round: number;
  completedAt: string;
  /** True when this report repeated an earlier one with the same payload: nothing changed. */
  duplicate: boolean;
}

/** Checks a milestone report without changing anything; throws a `ProcessRejection` when it must be refused. */
export function validateReport(
  state: IdpState,
  key: string,
  actor: Actor,
  payload: MilestonePayload,
  now: number,
): void {
  assertOpenForWork(state);
  const def = definition(state, key);
  if ((def.completedBy ?? 'report') !== 'report') {
    const how = def.completedBy === 'sign-off' ? 'the sign-off command' : 'the round outcome command';
    throw new ProcessRejection('WrongCommandForMilestone', `${key} is completed by ${how}, not a milestone report.`);
  }
  const rec = state.milestones[key];
  if (rec?.completedAt !== undefined) {
    // Only a role that may report the milestone gets the idempotent answer (or learns what was reported).
    assertMayAct(def, actor);
    if (samePayload(rec.payload, payload)) return;
    throw new ProcessRejection(
      'MilestoneAlreadyCompleted',
      `${key} was already reported in round ${state.round} with different details; ask the delivery partner to replan if it must change.`,
    );
  }
  assertReady(state, def, actor, now);
  checkPayload(def, payload);
}

/** Records a milestone report (validate first); a repeat of the same report returns the first result. */
export function applyReport(
  state: IdpState,
  key: string,
  actor: Actor,
  payload: MilestonePayload,
  now: number,
): MilestoneReportResult {
  validateReport(state, key, actor, payload, now);
  const rec = (state.milestones[key] ??= {});
  if (rec.completedAt !== undefined) {
    return {
      milestone: key,
      round: state.round,
      completedAt: new Date(rec.completedAt).toISOString(),
      duplicate: true,
    };
  }
  complete(rec, actor, payload, now);
  const def = definition(state, key);
  if (def.requires === 'trained-users' && (payload.trainedUsers ?? 0) < state.policy.minTrainedUsers) {
    state.warnings = [...state.warnings.filter((w) => w !== 'few-trained-users'), 'few-trained-users'];
    raise(state, {
      key: `training-warning:${key}:r${state.round}`,
      kind: 'training-warning',
      recipients: ['practice', 'delivery-partner'],
      milestone: key,
      round: state.round,
      data: { trainedUsers: payload.trainedUsers, minTrainedUsers: state.policy.minTrainedUsers },
    });
  } else if (def.requires === 'trained-users') {
    state.warnings = state.warnings.filter((w) => w !== 'few-trained-users');
  }
  if (def.requires === 'training-session' && payload.trainingSession) {
    const s = payload.trainingSession;
    raise(state, {
      key: `training-invitation:${key}:r${state.round}`,
      kind: 'training-invitation',
      recipients: ['practice', 'delivery-partner'],
      milestone: key,
      round: state.round,
      data: { startsAt: s.startsAt, durationMinutes: s.durationMinutes, location: s.location },
    });
  }
  touch(state);
  return { milestone: key, round: state.round, completedAt: new Date(now).toISOString(), duplicate: false };
}

function complete(rec: MilestoneRecord, actor: Actor, payload: MilestonePayload, now: number): void {
  rec.completedAt = now;
  rec.completedBy = actor;
  rec.payload = payload;
  rec.firstCompletedAt ??= now;
}

export interface RoundOutcomeCommand {
  outcome: 'passed' | 'failed';
  remedy?: Remedy;
  summary?: RoundSummary;
}

function roundOutcomeMilestone(state: IdpState): MilestoneDefinition {
  return graphFor(state.graphVersion).milestones.find((m) => m.completedBy === 'round-outcome')!;
}

/** Checks a data-check round outcome without changing anything. */
export function validateRoundOutcome(state: IdpState, command: RoundOutcomeCommand, actor: Actor, now: number): void {
  assertOpenForWork(state);
  const def = roundOutcomeMilestone(state);
  if (state.milestones[def.key]?.completedAt !== undefined) {
    throw new ProcessRejection('MilestoneAlreadyCompleted', `Round ${state.round} has already passed.`);
  }
  if (!mayAct(def, actor.role)) {
    throw new ProcessRejection(
      'NotMilestoneOwner',
      `A round outcome is recorded by the ${def.owner}, not the ${actor.role}.`,
    );
  }
  try {
    assertReady(state, def, actor, now);
  } catch (e) {
    if (e instanceof ProcessRejection && e.type === 'PrerequisitesNotMet') {
      throw new ProcessRejection('RoundNotReady', `Round ${state.round} cannot have an outcome yet: ${e.message}`);
    }
    throw e;
  }
  if (command.outcome !== 'passed' && command.outcome !== 'failed') {
    throw new ProcessRejection('InvalidPayload', 'outcome must be passed or failed.');
  }
  if (command.outcome === 'failed' && command.remedy !== 're-extract' && command.remedy !== 're-transform') {
    throw new ProcessRejection('InvalidPayload', 'A failed round needs remedy: re-extract or re-transform.');
  }
}

export interface RoundOutcomeResult {
  round: number;
  outcome: 'passed' | 'failed';
  nextRound?: number;
  escalated: boolean;
}

/** Records a round outcome: a pass opens sign-off; a failure opens the next round and redoes what the remedy needs. */
export function applyRoundOutcome(
  state: IdpState,
  command: RoundOutcomeCommand,
  actor: Actor,
  now: number,
): RoundOutcomeResult {
  validateRoundOutcome(state, command, actor, now);
  const current = state.rounds[state.rounds.length - 1];
  Object.assign(current, {
    endedAt: now,
    outcome: command.outcome,
    remedy: command.remedy,
    summary: command.summary,
    recordedBy: actor,
  });
  const round = state.round;
  const notice = (extra: Alert['data']) =>
    raise(state, {
      key: `round-outcome:r${round}`,
      kind: 'round-outcome',
      recipients: [...ROLES],
      round,
      data: { outcome: command.outcome, ...extra },
    });
  if (command.outcome === 'passed') {
    complete((state.milestones[roundOutcomeMilestone(state).key] ??= {}), actor, {}, now);
    notice({});
    touch(state);
    return { round, outcome: 'passed', escalated: false };
  }
  state.round += 1;
  state.rounds.push({ round: state.round, startedAt: now });
  for (const def of graphFor(state.graphVersion).milestones) {
    if (!def.redoneOn?.includes(command.remedy!)) continue;
    const rec = (state.milestones[def.key] ??= {});
    delete rec.completedAt;
    delete rec.completedBy;
    delete rec.payload;
    delete rec.dueOverride;
    rec.reopenedAt = now;
  }
  notice({ remedy: command.remedy, nextRound: state.round });
  const escalated = state.round > state.policy.maxRounds;
  if (escalated) {
    raise(state, {
      key: `rounds-exceeded:r${state.round}`,
      kind: 'rounds-exceeded',
      recipients: ['icb', 'delivery-partner', 'new-supplier', 'practice'],
      round: state.round,
      data: { maxRounds: state.policy.maxRounds },
    });
  }
  touch(state);
  return { round, outcome: 'failed', nextRound: state.round, escalated };
}

export interface SignOffCommand {
  clinicalLeadName: string;
  /** The clinical lead confirms they understand what cannot be migrated and accept the open issues. */
  declarationAccepted: boolean;
  note?: string;
}

function signOffMilestone(state: IdpState): MilestoneDefinition {
  return graphFor(state.graphVersion).milestones.find((m) => m.completedBy === 'sign-off')!;
}

/** Checks a sign-off without changing anything. */
export function validateSignOff(state: IdpState, command: SignOffCommand, actor: Actor, now: number): void {
  assertOpenForWork(state);
  const def = signOffMilestone(state);
  assertReady(state, def, actor, now);
  if (!command.clinicalLeadName?.trim()) throw new ProcessRejection('InvalidPayload', 'clinicalLeadName is required.');
  if (command.declarationAccepted !== true) {
    throw new ProcessRejection(
      'InvalidPayload',
      'The clinical lead must accept the sign-off declaration (declarationAccepted: true).',
    );
  }
}

/** Records the clinical lead's sign-off; the IDP is then complete. */
export function applySignOff(
  state: IdpState,
  command: SignOffCommand,
  actor: Actor,
  now: number,
): { signedAt: string } {
  validateSignOff(state, command, actor, now);
  complete((state.milestones[signOffMilestone(state).key] ??= {}), actor, { note: command.note }, now);
  state.signOff = { clinicalLeadName: command.clinicalLeadName, signedAt: now, signedBy: actor, note: command.note };
  state.status = 'signed-off';
  raise(state, { key: 'signed-off', kind: 'signed-off', recipients: [...ROLES], round: state.round });
  touch(state);
  return { signedAt: new Date(now).toISOString() };
}

export interface ReplanCommand {
  /** A new planned go-live date; the plan is re-baselined on it. */
  plannedGoLive?: IsoDate;
  /** New due dates (YYYY-MM-DD: end of that working day; or an ISO date-time) for milestones not yet done. */
  dueDates?: Record<string, string>;
  reason: string;
}

function parseDue(state: IdpState, value: string): number {
  const timeline = timelineFor(state.policy.time);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return timeline.endOfDate(value);
  return Date.parse(value);
}

/** Checks a replan without changing anything. */
export function validateReplan(state: IdpState, command: ReplanCommand, actor: Actor, now: number): void {
  assertOpenForWork(state);
  if (actor.role !== 'icb' && actor.role !== 'delivery-partner') {
    throw new ProcessRejection('NotPermitted', 'Only the ICB or the delivery partner can change the plan.');
  }
  if (!command.reason?.trim()) throw new ProcessRejection('InvalidPayload', 'A replan needs a reason.');
  if (command.plannedGoLive !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(command.plannedGoLive)) {
    throw new ProcessRejection('InvalidPayload', 'plannedGoLive must be a date, YYYY-MM-DD.');
  }
  if (command.plannedGoLive === undefined && Object.keys(command.dueDates ?? {}).length === 0) {
    throw new ProcessRejection('InvalidPayload', 'A replan needs plannedGoLive or dueDates.');
  }
  for (const [key, value] of Object.entries(command.dueDates ?? {})) {
    definition(state, key);
    if (state.milestones[key]?.completedAt !== undefined) {
      throw new ProcessRejection('MilestoneAlreadyCompleted', `${key} is already done; its due date cannot move.`);
    }
    const due = parseDue(state, value);
    if (Number.isNaN(due))
      throw new ProcessRejection('InvalidPayload', `dueDates.${key} must be YYYY-MM-DD or an ISO date-time.`);
    if (due <= now) throw new ProcessRejection('InvalidPayload', `dueDates.${key} must be in the future.`);
  }
}

/** Changes the plan: every pending deadline, reminder and escalation moves with it. */
export function applyReplan(state: IdpState, command: ReplanCommand, actor: Actor, now: number): Forecast {
  validateReplan(state, command, actor, now);
  for (const [key, value] of Object.entries(command.dueDates ?? {})) {
    (state.milestones[key] ??= {}).dueOverride = parseDue(state, value);
  }
  if (command.plannedGoLive) {
    state.plannedGoLive = command.plannedGoLive;
    state.baselineFinishAt = terminalForecast(state, now);
    state.notifiedForecastGoLive = command.plannedGoLive;
  }
  touch(state);
  return forecastGoLive(state, now);
}

/** Puts the migration on hold: the clock stops, no reminders go out; reports are still accepted. */
export function applyPause(state: IdpState, actor: Actor, reason: string, now: number): void {
  assertOpenForWork(state);
  if (actor.role !== 'icb' && actor.role !== 'delivery-partner') {
    throw new ProcessRejection('NotPermitted', 'Only the ICB or the delivery partner can pause a migration.');
  }
  if (state.status === 'paused') throw new ProcessRejection('MigrationPaused', 'This migration is already paused.');
  if (!reason?.trim()) throw new ProcessRejection('InvalidPayload', 'A pause needs a reason.');
  state.status = 'paused';
  state.pausedAt = now;
  raise(state, { key: `paused:${now}`, kind: 'paused', recipients: [...ROLES], round: state.round, data: { reason } });
  touch(state);
}

/** Restarts the clock; open deadlines move by the working days the migration was paused. */
export function applyResume(state: IdpState, actor: Actor, now: number): void {
  assertOpenForWork(state);
  if (actor.role !== 'icb' && actor.role !== 'delivery-partner') {
    throw new ProcessRejection('NotPermitted', 'Only the ICB or the delivery partner can resume a migration.');
  }
  if (state.status !== 'paused' || state.pausedAt === undefined) {
    throw new ProcessRejection('MigrationNotPaused', 'This migration is not paused.');
  }
  const timeline = timelineFor(state.policy.time);
  const pausedAt = state.pausedAt;
  const times = milestoneTimes(state, now);
  for (const t of times.values()) {
    if ((t.state === 'open' || t.state === 'overdue') && t.dueAt !== undefined) {
      // A milestone that opened during the pause was only held up since it opened.
      const heldSince = Math.max(pausedAt, t.openedAt ?? pausedAt);
      (state.milestones[t.def.key] ??= {}).dueOverride = timeline.shiftedBy(t.dueAt, heldSince, now);
    }
  }
  state.status = 'active';
  delete state.pausedAt;
  raise(state, { key: `resumed:${now}`, kind: 'resumed', recipients: [...ROLES], round: state.round });
  touch(state);
}

/** Cancels the migration for good, with a reason everyone is told. */
export function applyCancel(state: IdpState, actor: Actor, reason: string, now: number): void {
  assertOpenForWork(state);
  if (actor.role !== 'icb' && actor.role !== 'delivery-partner') {
    throw new ProcessRejection('NotPermitted', 'Only the ICB or the delivery partner can cancel a migration.');
  }
  if (!reason?.trim()) throw new ProcessRejection('InvalidPayload', 'A cancellation needs a reason.');
  state.status = 'cancelled';
  state.cancellation = { reason, at: now, by: actor };
  raise(state, { key: 'cancelled', kind: 'cancelled', recipients: [...ROLES], round: state.round, data: { reason } });
  touch(state);
}

/** Replaces the participant list (who gets told what). */
export function applyParticipants(state: IdpState, participants: Participant[], actor: Actor): void {
  assertOpenForWork(state);
  if (actor.role !== 'icb' && actor.role !== 'delivery-partner') {
    throw new ProcessRejection('NotPermitted', 'Only the ICB or the delivery partner can change participants.');
  }
  if (!Array.isArray(participants) || participants.length === 0) {
    throw new ProcessRejection('InvalidPayload', 'A migration needs at least one participant.');
  }
  for (const p of participants) {
    if (!p?.name?.trim() || !ROLES.includes(p.role)) {
      throw new ProcessRejection('InvalidPayload', `Each participant needs a name and a role (${ROLES.join(', ')}).`);
    }
  }
  state.participants = participants;
  touch(state);
}

/** Notes on the migration that a message could not be delivered after every retry (shown in its status). */
export function recordDeliveryFailure(state: IdpState, alert: Alert): void {
  const warning = `notification-failed:${alert.kind}`;
  if (!state.warnings.includes(warning)) state.warnings = [...state.warnings, warning];
  touch(state);
}

function raise(state: IdpState, alert: Alert): void {
  if (state.sentAlerts.includes(alert.key)) return;
  state.sentAlerts.push(alert.key);
  state.pendingAlerts.push(alert);
}

function touch(state: IdpState): void {
  state.revision += 1;
}

interface ScheduledAlert {
  at: number;
  alert: Alert;
  /** When the milestone opened: a reminder meant for before that moment is news to nobody. */
  openedAt?: number;
}

function scheduledAlerts(state: IdpState, times: Map<string, MilestoneTimes>): ScheduledAlert[] {
  const timeline = timelineFor(state.policy.time);
  const out: ScheduledAlert[] = [];
  for (const t of times.values()) {
    if ((t.state !== 'open' && t.state !== 'overdue') || t.dueAt === undefined) continue;
    const base = {
      milestone: t.def.key,
      milestoneTitle: t.def.title,
      owner: t.def.owner,
      round: state.round,
      dueAt: t.dueAt,
    };
    const id = `${t.def.key}:r${state.round}:${t.dueAt}`;
    for (const days of state.policy.remindBeforeDueWorkingDays) {
      out.push({
        at: timeline.reminderAt(t.dueAt, days),
        openedAt: t.openedAt,
        alert: { ...base, key: `reminder:${id}:${days}`, kind: 'reminder', recipients: [t.def.owner] },
      });
    }
    state.policy.escalation.forEach((step, level) => {
      const recipients = [...new Set(step.notify.map((r) => (r === 'owner' ? t.def.owner : r)))];
      out.push({
        at: timeline.afterDue(t.dueAt!, step.afterDueWorkingDays),
        alert: {
          ...base,
          key: `escalation:${id}:${level}`,
          kind: level === 0 ? 'overdue' : 'escalation',
          level,
          recipients,
        },
      });
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Alerts whose time has come (reminders, overdue notices, escalations, a delay notice when the forecast go-live
 * slipped), each once. When several of a milestone's alerts are due at once (it opened late, or the worker was
 * down), only the latest goes out: people get the current news, not a backlog.
 */
export function takeDueAlerts(state: IdpState, now: number): Alert[] {
  const raised = state.pendingAlerts;
  state.pendingAlerts = [];
  if (state.status !== 'active') return raised;
  const times = milestoneTimes(state, now);
  const latestPerMilestone = new Map<string, Alert>();
  for (const { at, alert, openedAt } of scheduledAlerts(state, times)) {
    if (at > now || state.sentAlerts.includes(alert.key)) continue;
    state.sentAlerts.push(alert.key);
    if (openedAt !== undefined && at < openedAt) continue;
    latestPerMilestone.set(alert.milestone!, alert);
  }
  const due = [...raised, ...latestPerMilestone.values()];
  const forecast = forecastGoLive(state, now, times);
  const moved =
    forecast.forecastGoLive === state.notifiedForecastGoLive
      ? 0
      : compareDates(state.notifiedForecastGoLive, forecast.forecastGoLive);
  if (moved >= state.policy.delayNoticeThresholdWorkingDays) {
    const late = [...times.values()].filter((t) => t.state === 'overdue');
    // Numbered: a forecast that slips back to a date it had before is still news.
    const key = `delay-notice:${state.sentAlerts.filter((k) => k.startsWith('delay-notice:')).length + 1}:${forecast.forecastGoLive}`;
    state.sentAlerts.push(key);
    due.push({
      key,
      kind: 'delay-notice',
      recipients: [...ROLES],
      round: state.round,
      data: {
        plannedGoLive: forecast.plannedGoLive,
        previousForecastGoLive: state.notifiedForecastGoLive,
        forecastGoLive: forecast.forecastGoLive,
        slipWorkingDays: forecast.slipWorkingDays,
        lateMilestones: late.map((t) => `${t.def.title} (${t.def.owner})`).join('; '),
      },
    });
    state.notifiedForecastGoLive = forecast.forecastGoLive;
  } else if (moved < 0) {
    state.notifiedForecastGoLive = forecast.forecastGoLive;
  }
  if (due.length > 0) touch(state);
  return due;
}

function compareDates(a: IsoDate, b: IsoDate): number {
  const timeline = timelineFor({ mode: 'calendar' });
  return timeline.workingDaysBetween(timeline.endOfDate(a), timeline.endOfDate(b));
}

/** When the workflow must next wake to send an alert, if ever (nothing scheduled while paused or closed). */
export function nextAlertAt(state: IdpState, now: number): number | undefined {
  if (state.pendingAlerts.length > 0) return now;
  if (state.status !== 'active') return undefined;
  const next = scheduledAlerts(state, milestoneTimes(state, now)).find(
    ({ at, alert }) => !state.sentAlerts.includes(alert.key) && at > now,
  );
  return next?.at;
}

export interface MilestoneStatus {
  key: string;
  title: string;
  phase: Phase;
  owner: Role;
  state: MilestoneState;
  optional: boolean;
  openedAt?: string;
  dueAt?: string;
  forecastAt?: string;
  completedAt?: string;
  completedBy?: Actor;
}

export interface NextAction {
  milestone: string;
  title: string;
  state: MilestoneState;
  dueAt?: string;
}

/** The status snapshot the workflow's query returns and the read model stores. */
export interface IdpStatus {
  migrationId: string;
  graphVersion: number;
  practiceOdsCode: string;
  practiceName: string;
  icbCode: string;
  currentSupplier: string;
  newSupplier: string;
  status: IdpState['status'];
  stage: Stage;
  round: number;
  maxRounds: number;
  /** What a data-check round must reach to pass (the policy's, or the defaults). */
  dataCheckThresholds: DataCheckThresholds;
  rounds: Array<{
    round: number;
    startedAt: string;
    endedAt?: string;
    outcome?: string;
    remedy?: string;
    summary?: RoundSummary;
  }>;
  plannedGoLive: IsoDate;
  forecastGoLive: IsoDate;
  slipWorkingDays: number;
  atRisk: boolean;
  overdueCount: number;
  phases: Array<{ phase: Phase; state: 'waiting' | 'in-progress' | 'done' }>;
  milestones: MilestoneStatus[];
  nextActions: Partial<Record<Role, NextAction[]>>;
  participants: Participant[];
  warnings: string[];
  pausedAt?: string;
  cancellation?: { reason: string; at: string; by: Actor };
  signOff?: { clinicalLeadName: string; signedAt: string; signedBy: Actor };
  revision: number;
  asOf: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A full status snapshot at `now`. */
export function statusOf(state: IdpState, now: number): IdpStatus {
  const times = milestoneTimes(state, now);
  const forecast = forecastGoLive(state, now, times);
  const list = [...times.values()];
  const milestones: MilestoneStatus[] = list.map((t) => ({
    key: t.def.key,
    title: t.def.title,
    phase: t.def.phase,
    owner: t.def.owner,
    state: t.state,
    optional: !!t.def.optional,
    openedAt: t.state === 'waiting' ? undefined : iso(t.openedAt),
    dueAt: iso(t.dueAt),
    forecastAt: iso(t.forecastAt),
    completedAt: iso(state.milestones[t.def.key]?.completedAt),
    completedBy: state.milestones[t.def.key]?.completedBy,
  }));
  const overdueCount = list.filter((t) => t.state === 'overdue').length;
  const nextActions: Partial<Record<Role, NextAction[]>> = {};
  if (state.status === 'active' || state.status === 'paused') {
    for (const t of list
      .filter((x) => x.state === 'open' || x.state === 'overdue')
      .sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity))) {
      (nextActions[t.def.owner] ??= []).push({
        milestone: t.def.key,
        title: t.def.title,
        state: t.state,
        dueAt: iso(t.dueAt),
      });
    }
  }
  const phases = PHASES.map((phase) => {
    const ofPhase = list.filter((t) => t.def.phase === phase && t.state !== 'waived');
    const state: 'waiting' | 'in-progress' | 'done' = ofPhase.every((t) => t.state === 'done')
      ? 'done'
      : ofPhase.some((t) => t.state !== 'waiting')
        ? 'in-progress'
        : 'waiting';
    return { phase, state };
  });
  const open = state.status === 'active' || state.status === 'paused';
  return {
    migrationId: state.kickoff.migrationId,
    graphVersion: state.graphVersion,
    practiceOdsCode: state.kickoff.practiceOdsCode,
    practiceName: state.kickoff.practiceName,
    icbCode: state.kickoff.icbCode,
    currentSupplier: state.kickoff.currentSupplier,
    newSupplier: state.kickoff.newSupplier,
    status: state.status,
    stage: stageOf(state, times),
    round: state.round,
    maxRounds: state.policy.maxRounds,
    dataCheckThresholds: dataCheckThresholdsOf(state.policy),
    rounds: state.rounds.map((r) => ({
      ...r,
      startedAt: iso(r.startedAt)!,
      endedAt: iso(r.endedAt),
      recordedBy: undefined,
    })),
    plannedGoLive: forecast.plannedGoLive,
    forecastGoLive: forecast.forecastGoLive,
    slipWorkingDays: forecast.slipWorkingDays,
    atRisk: open && (overdueCount > 0 || forecast.slipWorkingDays > 0 || state.round > state.policy.maxRounds),
    overdueCount: open ? overdueCount : 0,
    phases,
    milestones,
    nextActions,
    participants: state.participants,
    warnings: state.warnings,
    pausedAt: iso(state.pausedAt),
    cancellation: state.cancellation && { ...state.cancellation, at: iso(state.cancellation.at)! },
    signOff: state.signOff && { ...state.signOff, signedAt: iso(state.signOff.signedAt)! },
    revision: state.revision,
    asOf: iso(now)!,
  };
}
