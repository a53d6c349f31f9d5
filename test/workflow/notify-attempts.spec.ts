import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import {
  compressedPolicy,
  CURRENT_GRAPH_VERSION,
  NOTIFY_HEARTBEAT_TIMEOUT_MS,
  NOTIFY_TIMEOUT_MAX_MS,
  type Alert,
  type Participant,
} from '@idp/domain';
import { NotificationService, type NotificationChannel } from '@idp/notifications';
import { NotificationEntity } from '@idp/persistence';
import { idpWorkflowId } from '@idp/temporal';
import { startActivitiesWorker, type ActivitiesWorker } from '../support/activities-worker';
import { messageContexts } from '../support/message-contexts';
import { notifyApiKey, startNotifyForApps, type NotifyStandIn } from '../support/notify-stand-in';
import { eventually, sampleKickoff } from '../support/worker-harness';
import type { idp } from '@idp/workflows';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/*
 * The notify activity delivers one alert to its recipients one after another, each call to GOV.UK Notify allowed
 * NOTIFY_TIMEOUT_MS. Real workflow, real activities, real Temporal and Postgres, the real Notify client against a
 * local Notify stand-in that answers slowly or fails when told to; a small NOTIFY_TIMEOUT_MS keeps it short.
 */
describe('the notify activity', () => {
  const NOTIFY_TIMEOUT_MS = 2_000;
  const key = notifyApiKey();
  const templates = { email: randomUUID(), sms: randomUUID() };
  const saved = { ...process.env };
  let notify: NotifyStandIn;
  let worker: ActivitiesWorker;
  let client: Client;
  let db: DataSource;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ notify, env } = await startNotifyForApps(key, templates));
    Object.assign(process.env, env, { NOTIFY_TIMEOUT_MS: String(NOTIFY_TIMEOUT_MS) });
    worker = await startActivitiesWorker();
    ({ client, db } = worker);
  });

  afterAll(async () => {
    await worker?.stop();
    await notify?.close();
    process.env = saved;
  });

  async function kickoff(participants: Participant[]) {
    const migrationId = randomUUID();
    const handle = await client.workflow.start<typeof idp>('idp', {
      workflowId: idpWorkflowId(migrationId),
      taskQueue: worker.taskQueue,
      args: [
        {
          kickoff: { ...sampleKickoff(migrationId), participants },
          // Working days of a minute: no reminder is due while the kickoff alert goes out.
          policy: compressedPolicy(60_000),
          graphVersion: CURRENT_GRAPH_VERSION,
        },
      ],
    });
    return { migrationId, handle };
  }

  /** The kickoff alert's notify activity in the history, once it has completed: as scheduled, last started, completed. */
  async function kickoffNotify(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
    return eventually(
      async () => {
        const events: HistoryEvent[] = (await handle.fetchHistory()).events ?? [];
        const scheduled = events.find((e) => {
          const attributes = e.activityTaskScheduledEventAttributes;
          if (attributes?.activityType?.name !== 'notify') return false;
          const input = JSON.parse(Buffer.from(attributes.input!.payloads![0].data!).toString('utf8'));
          return input.alert.key === 'kickoff';
        });
        if (!scheduled) return undefined;
        const id = Number(scheduled.eventId);
        const started = events.find((e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === id);
        const completed = events.find((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id);
        return started && completed && { scheduled, started, completed };
      },
      60_000,
      250,
    );
  }

  const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;

  const kickoffReferences = (migrationId: string) =>
    notify.accepted
      .map((r) => r.body.reference ?? '')
      .filter((reference) => reference.startsWith(`${idpWorkflowId(migrationId)}:kickoff:`));

  const outbox = (migrationId: string): Promise<Array<{ recipient_role: string; status: string; attempts: number }>> =>
    db.query(`SELECT recipient_role, status, attempts FROM notification WHERE migration_id = $1 ORDER BY id`, [
      migrationId,
    ]);

  it('delivers to several recipients whose Notify calls each take nearly NOTIFY_TIMEOUT_MS in one attempt', async () => {
    const participants: Participant[] = [
      ...sampleKickoff(randomUUID()).participants,
      { name: 'Ola Admin', organisation: 'Riverside Surgery', role: 'practice', email: 'admin@riverside.example' },
      { name: 'Tam Trainer', organisation: 'CSU', role: 'delivery-partner', email: 'trainer@csu.example' },
    ];
    for (const _ of participants) notify.answerNextAfter(NOTIFY_TIMEOUT_MS - 200);
    const { migrationId, handle } = await kickoff(participants);

    const { scheduled, started, completed } = await kickoffNotify(handle);
    const options = scheduled.activityTaskScheduledEventAttributes!;
    // Room for every recipient's call at the longest NOTIFY_TIMEOUT_MS configuration allows, not this test's.
    expect(seconds(options.startToCloseTimeout)).toBeGreaterThan((participants.length * NOTIFY_TIMEOUT_MAX_MS) / 1000);
    expect(seconds(options.heartbeatTimeout)).toBe(NOTIFY_HEARTBEAT_TIMEOUT_MS / 1000);
    expect(started.activityTaskStartedEventAttributes?.attempt).toBe(1);
    // The attempt outlived the heartbeat timeout: it reported progress during every slow call.
    const took = seconds(completed.eventTime) - seconds(started.eventTime);
    expect(took).toBeGreaterThan(NOTIFY_HEARTBEAT_TIMEOUT_MS / 1000);

    const references = kickoffReferences(migrationId);
    expect(references).toHaveLength(participants.length);
    expect(new Set(references).size).toBe(participants.length);
    const rows = await outbox(migrationId);
    expect(rows).toHaveLength(participants.length);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    await handle.terminate('test finished');
  });

  it('retries a failure mid-way without sending again to the recipients already delivered', async () => {
    const participants = sampleKickoff(randomUUID()).participants;
    const refusedBefore = notify.refused.length;
    notify.failNth(3, 503);
    const { migrationId, handle } = await kickoff(participants);

    const { started } = await kickoffNotify(handle);
    expect(started.activityTaskStartedEventAttributes?.attempt).toBe(2);
    expect(notify.refused.slice(refusedBefore)).toEqual([expect.objectContaining({ status: 503 })]);
    // Every recipient got the kickoff exactly once: the retry sent only the third.
    const references = kickoffReferences(migrationId);
    expect(references).toHaveLength(participants.length);
    expect(new Set(references).size).toBe(participants.length);
    expect(await outbox(migrationId)).toEqual(
      participants.map((p, i) => ({ recipient_role: p.role, status: 'sent', attempts: i === 2 ? 2 : 1 })),
    );
    await handle.terminate('test finished');
  });

  it('stops before its next recipient once Temporal cancels the attempt, after recording the delivery in flight', async () => {
    const cancellation = new AbortController();
    const delivered: string[] = [];
    // The attempt is cancelled (timed out, or its worker shutting down) while the first delivery is in flight.
    const channel: NotificationChannel = {
      name: 'email',
      canReach: () => true,
      addressOf: (to) => to.email ?? null,
      deliver: async (message) => {
        cancellation.abort(new Error('TIMED_OUT'));
        await new Promise((resolve) => setTimeout(resolve, 200));
        delivered.push(message.to.role);
      },
    };
    const service = new NotificationService(db.getRepository(NotificationEntity), [channel]);
    const migrationId = randomUUID();
    const [first, second] = sampleKickoff(migrationId).participants;
    const alert: Alert = { key: 'kickoff', kind: 'kickoff', recipients: [first.role, second.role], round: 1 };
    const contexts = messageContexts(alert, migrationId, [first, second]);
    const prefix = `${idpWorkflowId(migrationId)}:kickoff`;

    await expect(service.send(migrationId, prefix, contexts, { cancelled: cancellation.signal })).rejects.toThrow(
      'TIMED_OUT',
    );
    expect(delivered).toEqual([first.role]);
    expect(await outbox(migrationId)).toEqual([{ recipient_role: first.role, status: 'sent', attempts: 1 }]);

    // The retry sends only what the cancelled attempt left.
    await expect(service.send(migrationId, prefix, contexts)).resolves.toEqual({
      delivered: 1,
      skipped: 1,
      failed: [],
    });
    expect(delivered).toEqual([first.role, second.role]);
  });
});
