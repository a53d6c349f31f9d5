import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  applyCancel,
  applyParticipants,
  applyPause,
  applyReplan,
  applyReport,
  applyResume,
  applyRoundOutcome,
  applySignOff,
  nextAlertAt,
  NOTIFY_HEARTBEAT_TIMEOUT_MS,
  notifyAttemptTimeoutMs,
  ProcessRejection,
  recordDeliveryFailure,
  recordSupplierRequestFailure,
  startProcess,
  statusOf,
  takeDueAlerts,
  takeSupplierRequests,
  validateReplan,
  validateReport,
  validateRoundOutcome,
  validateSignOff,
  type Actor,
  type Alert,
  type IdpState,
  type IdpStatus,
  type SupplierRequest,
} from '@idp/domain';
import { IdpSearchAttributes } from '@idp/temporal/search-attributes';
import type { AuditEventInput, IdpActivityContract } from '@idp/activities/contracts';
import {
  cancelUpdate,
  changeParticipantsUpdate,
  pauseUpdate,
  recordRoundOutcomeUpdate,
  replanUpdate,
  reportMilestoneUpdate,
  resumeUpdate,
  signOffUpdate,
  statusQuery,
  type IdpWorkflowInput,
  type IdpWorkflowResult,
} from './messages';

const { recordKickoff, projectState, appendAudit } = proxyActivities<IdpActivityContract>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// One attempt delivers to its recipients one after another, and each delivery may rightly take its whole time limit
// (NOTIFY_TIMEOUT_MS up to a minute): a fixed start-to-close would cut a slow attempt that is making progress, and
// its retry would race the cut attempt. So start-to-close is the worst case for the recipient count, and the
// heartbeat timeout, which the activity beats every few seconds even during a slow call, notices a dead worker.
// A channel that keeps failing is retried (20 attempts, about two hours of backoff), then reported on the migration.
// Timeouts are not part of the command sequence: recorded histories replay unchanged.
const notifyFor = (recipients: number) =>
  proxyActivities<IdpActivityContract>({
    startToCloseTimeout: notifyAttemptTimeoutMs(recipients),
    heartbeatTimeout: NOTIFY_HEARTBEAT_TIMEOUT_MS,
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 20 },
  }).notify;

// A supplier endpoint that keeps failing is retried for about an hour, then reported on the migration.
// One attempt is a few tries of the webhook itself (libs/webhooks), so the timeout leaves room for them.
const { requestSupplier } = proxyActivities<IdpActivityContract>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});

const MAX_CARRIED_UPDATE_RESULTS = 200;

/** Turns a domain refusal into the typed failure an update caller receives (the API maps `type` to HTTP). */
function refuse(error: unknown): never {
  if (error instanceof ProcessRejection) {
    throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true });
  }
  throw error;
}

/** What an activity failure says: the activity's own error (the cause), not Temporal's wrapper around it. */
function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    refuse(error);
  }
}

/**
 * One practice migration's Initial Data Production, from kickoff to the clinical lead's sign-off (or cancellation).
 * The process is the milestone graph of libs/domain; this function only keeps time, takes commands and tells people.
 */
export async function idp(input: IdpWorkflowInput): Promise<IdpWorkflowResult> {
  const info = workflowInfo();
  const carried = input.carriedState !== undefined;
  const state: IdpState =
    input.carriedState ?? startProcess(input.kickoff, input.policy, input.graphVersion, Date.now());
  const migrationId = state.kickoff.migrationId;
  const updateResults = new Map<string, unknown>(input.carriedUpdateResults ?? []);
  /**
   * setHandler for updates, plus idempotency across continue-as-new: an update id answered by an earlier run
   * gets that run's result again, and its validator does not refuse it for having already happened.
   */
  const register = <Ret, Args extends unknown[]>(
    update: UpdateDefinition<Ret, Args>,
    handler: (...args: Args) => Promise<Ret>,
    options: { validator: (...args: Args) => void },
  ) => {
    const seenId = () => {
      const id = currentUpdateInfo()?.id;
      return id !== undefined && updateResults.has(id) ? id : undefined;
    };
    setHandler(
      update,
      async (...args: Args): Promise<Ret> => {
        const earlier = seenId();
        if (earlier !== undefined) return updateResults.get(earlier) as Ret;
        const result = await handler(...args);
        const id = currentUpdateInfo()?.id;
        if (id !== undefined) {
          updateResults.set(id, result);
          if (updateResults.size > MAX_CARRIED_UPDATE_RESULTS) updateResults.delete(updateResults.keys().next().value!);
        }
        return result;
      },
      { validator: (...args: Args) => (seenId() === undefined ? options.validator(...args) : undefined) },
    );
  };

  const audit = (actor: AuditEventInput['actor'], action: string, details?: Record<string, unknown>) =>
    appendAudit({
      eventKey: currentUpdateInfo()?.id ?? `${info.workflowId}:${action}:${state.revision}`,
      migrationId,
      actor,
      action,
      details,
      occurredAt: new Date().toISOString(),
    });

  setHandler(statusQuery, (now?: number) => statusOf(state, typeof now === 'number' ? now : Date.now()));

  register(
    reportMilestoneUpdate,
    async ({ actor, milestone, payload }) => {
      const result = guarded(() => applyReport(state, milestone, actor, payload ?? {}, Date.now()));
      if (!result.duplicate)
        await audit(actor, 'milestone.reported', { milestone, round: result.round, note: payload?.note });
      return result;
    },
    {
      validator: ({ actor, milestone, payload }) =>
        guarded(() => validateReport(state, milestone, actor, payload ?? {}, Date.now())),
    },
  );

  register(
    recordRoundOutcomeUpdate,
    async ({ actor, command }) => {
      const result = guarded(() => applyRoundOutcome(state, command, actor, Date.now()));
      await audit(actor, 'round.outcome-recorded', { ...result, remedy: command.remedy, summary: command.summary });
      return result;
    },
    { validator: ({ actor, command }) => guarded(() => validateRoundOutcome(state, command, actor, Date.now())) },
  );

  register(
    signOffUpdate,
    async ({ actor, command }) => {
      const result = guarded(() => applySignOff(state, command, actor, Date.now()));
      await audit(actor, 'data-check.signed-off', { clinicalLeadName: command.clinicalLeadName });
      return result;
    },
    { validator: ({ actor, command }) => guarded(() => validateSignOff(state, command, actor, Date.now())) },
  );

  register(
    replanUpdate,
    async ({ actor, command }) => {
      const result = guarded(() => applyReplan(state, command, actor, Date.now()));
      await audit(actor, 'plan.changed', { ...command, forecastGoLive: result.forecastGoLive });
      return result;
    },
    { validator: ({ actor, command }) => guarded(() => validateReplan(state, command, actor, Date.now())) },
  );

  // Pause, resume, cancel and participant changes are cheap to check: the handler's own checks act as validator.
  const commandHandler =
    <T>(action: string, apply: (actor: Actor, command: T) => void, detail: (command: T) => Record<string, unknown>) =>
    async ({ actor, command }: { actor: Actor; command: T }): Promise<IdpStatus> => {
      guarded(() => apply(actor, command));
      await audit(actor, action, detail(command));
      return statusOf(state, Date.now());
    };
  const dryRun =
    <T>(apply: (copy: IdpState, actor: Actor, command: T) => void) =>
    ({ actor, command }: { actor: Actor; command: T }) =>
      guarded(() => apply(JSON.parse(JSON.stringify(state)) as IdpState, actor, command));

  register(
    pauseUpdate,
    commandHandler<{ reason: string }>(
      'migration.paused',
      (a, c) => applyPause(state, a, c?.reason, Date.now()),
      (c) => ({ reason: c.reason }),
    ),
    { validator: dryRun<{ reason: string }>((s, a, c) => applyPause(s, a, c?.reason, Date.now())) },
  );
  register(
    resumeUpdate,
    commandHandler<unknown>(
      'migration.resumed',
      (a) => applyResume(state, a, Date.now()),
      () => ({}),
    ),
    { validator: dryRun<unknown>((s, a) => applyResume(s, a, Date.now())) },
  );
  register(
    cancelUpdate,
    commandHandler<{ reason: string }>(
      'migration.cancelled',
      (a, c) => applyCancel(state, a, c?.reason, Date.now()),
      (c) => ({ reason: c.reason }),
    ),
    { validator: dryRun<{ reason: string }>((s, a, c) => applyCancel(s, a, c?.reason, Date.now())) },
  );
  register(
    changeParticipantsUpdate,
    async ({ actor, command }) => {
      guarded(() => applyParticipants(state, command?.participants, actor));
      await audit(actor, 'participants.changed', { count: state.participants.length });
      return state.participants;
    },
    {
      validator: ({ actor, command }) =>
        guarded(() => applyParticipants(JSON.parse(JSON.stringify(state)) as IdpState, command?.participants, actor)),
    },
  );

  let searchAttributesKey = '';
  const project = async (): Promise<void> => {
    const status = statusOf(state, Date.now());
    await projectState(status);
    const key = `${status.stage}|${status.atRisk}|${status.forecastGoLive}`;
    if (key !== searchAttributesKey) {
      upsertSearchAttributes([
        { key: IdpSearchAttributes.stage, value: status.stage },
        { key: IdpSearchAttributes.icbCode, value: status.icbCode },
        { key: IdpSearchAttributes.practiceOdsCode, value: status.practiceOdsCode },
        { key: IdpSearchAttributes.atRisk, value: status.atRisk },
        { key: IdpSearchAttributes.forecastGoLive, value: new Date(`${status.forecastGoLive}T00:00:00Z`) },
      ]);
      searchAttributesKey = key;
    }
  };

  const send = (alerts: Alert[]) =>
    Promise.all(
      alerts.map((alert) => {
        const recipients = state.participants.filter((p) => alert.recipients.includes(p.role));
        return notifyFor(recipients.length)({
          workflowId: info.workflowId,
          migrationId,
          alert,
          recipients,
          context: {
            practiceName: state.kickoff.practiceName,
            practiceOdsCode: state.kickoff.practiceOdsCode,
            icbCode: state.kickoff.icbCode,
            plannedGoLive: state.plannedGoLive,
            forecastGoLive: statusOf(state, Date.now()).forecastGoLive,
          },
          // A channel that still fails after every retry must not end the migration: it is reported on it instead.
        }).catch(async (error: unknown) => {
          recordDeliveryFailure(state, alert);
          await appendAudit({
            eventKey: `${info.workflowId}:notification-failed:${alert.key}`,
            migrationId,
            actor: { role: 'system', organisationId: 'idp-orchestrator' },
            action: 'notification.failed',
            details: { kind: alert.kind, error: error instanceof Error ? error.message : String(error) },
            occurredAt: new Date().toISOString(),
          });
        });
      }),
    );

  // Supplier requests run beside the loop, so a slow supplier never holds up reminders or commands. Continue-as-new
  // waits for those in flight (each is asked once); once the migration is closed, nothing more is owed to suppliers.
  const supplierCalls = new Set<Promise<void>>();
  const askSuppliers = (requests: SupplierRequest[]) => {
    for (const request of requests) {
      const call: Promise<void> = requestSupplier({
        workflowId: info.workflowId,
        request,
        migration: {
          migrationId,
          practiceName: state.kickoff.practiceName,
          practiceOdsCode: state.kickoff.practiceOdsCode,
          icbCode: state.kickoff.icbCode,
          currentSupplier: state.kickoff.currentSupplier,
          newSupplier: state.kickoff.newSupplier,
          plannedGoLive: state.plannedGoLive,
          time: state.policy.time,
        },
      })
        // A supplier that cannot be reached must not end the migration: it is reported on it, like a notification.
        .catch(async (error: unknown) => {
          recordSupplierRequestFailure(state, request);
          await appendAudit({
            eventKey: `${info.workflowId}:supplier-request-failed:${request.key}`,
            migrationId,
            actor: { role: 'system', organisationId: 'idp-orchestrator' },
            action: 'supplier.request-failed',
            details: {
              kind: request.kind,
              supplierRole: request.supplierRole,
              round: request.round,
              error: failureMessage(error),
            },
            occurredAt: new Date().toISOString(),
          });
        })
        .then(() => undefined)
        .finally(() => supplierCalls.delete(call));
      supplierCalls.add(call);
    }
  };

  // The revision the read model holds; a command can land while the kickoff is being recorded.
  let projectedRevision = -1;
  if (!carried) {
    const initial = statusOf(state, Date.now());
    await recordKickoff({
      workflowId: info.workflowId,
      kickoff: state.kickoff,
      startedAt: new Date(state.startedAt).toISOString(),
      status: initial,
    });
    projectedRevision = initial.revision;
  }

  for (;;) {
    const alerts = takeDueAlerts(state, Date.now());
    if (alerts.length > 0) {
      log.info('Sending alerts', { kinds: alerts.map((a) => a.kind).join(',') });
      await send(alerts);
    }
    if (projectedRevision !== state.revision) {
      projectedRevision = state.revision;
      await project();
    }
    if (state.status === 'cancelled' || state.status === 'signed-off') break;
    if (workflowInfo().continueAsNewSuggested) {
      await Promise.all([...supplierCalls]);
      await condition(allHandlersFinished);
      return continueAsNew<typeof idp>({ ...input, carriedState: state, carriedUpdateResults: [...updateResults] });
    }
    // Right before `seen`: a command landing during an await above must wake the loop to ask for what it opened.
    if (patched('supplier-requests')) askSuppliers(takeSupplierRequests(state, Date.now()));
    const seen = state.revision;
    const changed = () => state.revision !== seen || state.pendingAlerts.length > 0;
    const wakeAt = nextAlertAt(state, Date.now());
    if (wakeAt === undefined) await condition(changed);
    else await condition(changed, Math.max(1, wakeAt - Date.now()));
  }

  await condition(allHandlersFinished);
  // Alerts raised by the last command (sign-off, cancellation) and the final projection.
  await send(takeDueAlerts(state, Date.now()));
  if (projectedRevision !== state.revision) await project();
  return { migrationId, status: state.status, rounds: state.round };
}
