import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfigModule } from '@idp/config';
import type { Alert, Participant } from '@idp/domain';
import { NotificationsModule, NotificationService, NotifyChannel, type NotificationChannel } from '@idp/notifications';
import { NotificationEntity } from '@idp/persistence';
import { compressedPolicy, CURRENT_GRAPH_VERSION } from '@idp/domain';
import { idpWorkflowId } from '@idp/temporal';
import type { idp } from '@idp/workflows';
import { statusQuery } from '@idp/workflows/idp/messages';
import { startActivitiesWorker } from '../support/activities-worker';
import { messageContexts } from '../support/message-contexts';
import { notifyApiKey, startNotifyForApps, type NotifyStandIn } from '../support/notify-stand-in';
import { eventually, sampleKickoff } from '../support/worker-harness';

/*
 * GOV.UK Notify email and SMS through the real notifications-node-client, against a local stand-in of the Notify
 * API that verifies the client's JWT and the request body as Notify does.
 */
describe('GOV.UK Notify notifications', () => {
  const key = notifyApiKey();
  const templates = { email: randomUUID(), sms: randomUUID() };
  let notify: NotifyStandIn;
  let app: INestApplicationContext;
  let service: NotificationService;
  let db: DataSource;
  const saved = { ...process.env };

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ notify, env } = await startNotifyForApps(key, templates));
    Object.assign(process.env, env);
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(), NotificationsModule],
    }).compile();
    app = await moduleRef.init();
    service = app.get(NotificationService);
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await notify?.close();
    process.env = saved;
  });

  const byEmail: Participant = {
    name: 'Pat Khan',
    organisation: 'Riverside Surgery',
    role: 'practice',
    email: 'pat@example.nhs.uk',
    notificationPreference: 'email',
  };
  const bySms: Participant = {
    name: 'Dee Partner',
    organisation: 'CSU',
    role: 'delivery-partner',
    email: 'dee@csu.example',
    phone: '07700 900123',
    notificationPreference: 'sms',
  };

  const reminder = (): Alert => ({
    key: `reminder:extractDelivered:${randomUUID()}`,
    kind: 'reminder',
    recipients: ['practice', 'delivery-partner'],
    milestone: 'extractDelivered',
    milestoneTitle: 'Extract delivered',
    owner: 'current-supplier',
    round: 1,
    dueAt: Date.parse('2027-01-15T17:00:00Z'),
  });

  const outbox = (migrationId: string) =>
    db.query(
      `SELECT channel, recipient_role, recipient_address, status, attempts, last_error, notification_key
         FROM notification WHERE migration_id = $1 ORDER BY id`,
      [migrationId],
    );

  it('delivers a reminder by Notify email to one participant and by Notify SMS to another, once', async () => {
    const migrationId = randomUUID();
    const alert = reminder();
    const before = notify.accepted.length;
    const outcome = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail, bySms]),
    );
    expect(outcome).toEqual({ delivered: 2, skipped: 0, failed: [] });

    const [email, sms] = notify.accepted.slice(before);
    const rows = await outbox(migrationId);
    expect(email).toMatchObject({
      type: 'email',
      serviceId: key.serviceId,
      body: {
        template_id: templates.email,
        email_address: 'pat@example.nhs.uk',
        reference: rows[0].notification_key,
        personalisation: { subject: 'Reminder: Extract delivered – Riverside Surgery (A81001)' },
      },
    });
    expect(email.body.personalisation?.body).toContain('Dear Pat Khan');
    expect(email.body.personalisation?.body).toContain('Extract delivered is due by Friday, 15 January 2027 at 17:00');
    expect(sms).toMatchObject({
      type: 'sms',
      body: {
        template_id: templates.sms,
        phone_number: '07700 900123',
        reference: rows[1].notification_key,
        personalisation: {
          subject: 'Reminder: Extract delivered – Riverside Surgery (A81001)',
          link: `http://localhost:3000/v1/migrations/${migrationId}`,
        },
      },
    });
    // A text message stays short: no body.
    expect(Object.keys(sms.body.personalisation ?? {})).toEqual(['subject', 'link']);
    expect(rows).toMatchObject([
      { channel: 'email', recipient_address: 'pat@example.nhs.uk', status: 'sent', attempts: 1 },
      { channel: 'sms', recipient_address: '07700 900123', status: 'sent', attempts: 1 },
    ]);

    const again = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail, bySms]),
    );
    expect(again).toEqual({ delivered: 0, skipped: 2, failed: [] });
    expect(notify.accepted).toHaveLength(before + 2);
  });

  it('records a refusal a retry cannot fix (an invalid number) as permanent, with Notify’s reason', async () => {
    const migrationId = randomUUID();
    const alert = reminder();
    const outcome = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [{ ...bySms, phone: '01632 960001' }]),
    );
    expect(outcome.failed).toEqual([
      {
        recipient: 'delivery-partner',
        permanent: true,
        error: 'GOV.UK Notify refused the sms with HTTP 400 (ValidationError: phone_number Not a UK mobile number)',
      },
    ]);
  });

  it('retries after a Notify server error, and the message goes out on the next attempt', async () => {
    const migrationId = randomUUID();
    const alert = reminder();
    notify.failNext(500);
    const first = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail]),
    );
    expect(first.failed).toEqual([
      { recipient: 'practice', permanent: false, error: expect.stringContaining('HTTP 500') },
    ]);
    const second = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail]),
    );
    expect(second.delivered).toBe(1);
    expect(await outbox(migrationId)).toMatchObject([{ status: 'sent', attempts: 2, last_error: null }]);
  });

  it('cuts a call Notify does not answer in time as retryable, reporting progress meanwhile; the retry carries the same reference', async () => {
    const timeoutMs = 2_500;
    const channels: NotificationChannel[] = [
      new NotifyChannel('email', {
        apiKey: key.apiKey,
        baseUrl: notify.baseUrl,
        templateId: templates.email,
        timeoutMs,
      }),
    ];
    const slowService = new NotificationService(db.getRepository(NotificationEntity), channels);
    const migrationId = randomUUID();
    const alert = reminder();
    const before = notify.accepted.length;
    notify.answerNextAfter(20_000);
    let progress = 0;
    const started = Date.now();
    const first = await slowService.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail]),
      { onProgress: () => (progress += 1) },
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(took).toBeLessThan(timeoutMs + 1_500);
    // Once before the recipient, then every 2 s while the call waits: the activity's heartbeat stays alive.
    expect(progress).toBeGreaterThanOrEqual(2);
    expect(first.failed).toEqual([
      {
        recipient: 'practice',
        permanent: false,
        error: 'GOV.UK Notify did not answer the email in time (NOTIFY_TIMEOUT_MS); it is retried',
      },
    ]);

    const second = await slowService.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail]),
    );
    expect(second.delivered).toBe(1);
    const [row] = await outbox(migrationId);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    // Notify took the slow call too: both carry the outbox key, so the duplicate is recognisable in its dashboard.
    expect(notify.accepted.slice(before).map((r) => r.body.reference)).toEqual([
      row.notification_key,
      row.notification_key,
    ]);
  });

  it('is refused with 403 under a wrong API key, recorded as a failed delivery in the outbox', async () => {
    const wrong = notifyApiKey();
    // Same service id, another secret: the JWT's signature does not verify.
    const channels: NotificationChannel[] = [
      new NotifyChannel('email', {
        apiKey: `idp_test-${key.serviceId}-${wrong.secret}`,
        baseUrl: notify.baseUrl,
        templateId: templates.email,
        timeoutMs: 10_000,
      }),
    ];
    const wrongKeyService = new NotificationService(db.getRepository(NotificationEntity), channels);
    const migrationId = randomUUID();
    const alert = reminder();
    const refusedBefore = notify.refused.length;
    const outcome = await wrongKeyService.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, migrationId, [byEmail]),
    );
    expect(notify.refused.slice(refusedBefore)).toEqual([
      { status: 403, path: '/v2/notifications/email', message: 'Invalid token: API key not found' },
    ]);
    expect(outcome.failed).toEqual([
      {
        recipient: 'practice',
        permanent: true,
        error: 'GOV.UK Notify refused the email with HTTP 403 (AuthError: Invalid token: API key not found)',
      },
    ]);
    const [row] = await outbox(migrationId);
    expect(row).toMatchObject({ channel: 'email', status: 'failed', attempts: 1 });
    expect(row.last_error).toContain('HTTP 403');
    expect(row.last_error).not.toContain(wrong.secret);
  });

  it('carries a workflow’s kickoff alert to participants by Notify, and reports an undeliverable number on the migration at once', async () => {
    const worker = await startActivitiesWorker();
    try {
      const migrationId = randomUUID();
      const base = sampleKickoff(migrationId);
      const participants: Participant[] = [
        { ...byEmail, email: `gp-${migrationId.slice(0, 8)}@example.nhs.uk` },
        { ...bySms, phone: '+447700900456' },
        { name: 'Ian ICB', organisation: 'ICB QHG', role: 'icb', phone: '01632 960001', notificationPreference: 'sms' },
      ];
      const handle = await worker.client.workflow.start<typeof idp>('idp', {
        workflowId: idpWorkflowId(migrationId),
        taskQueue: worker.taskQueue,
        args: [
          { kickoff: { ...base, participants }, policy: compressedPolicy(60_000), graphVersion: CURRENT_GRAPH_VERSION },
        ],
      });
      try {
        // Not retried for a day: a landline cannot become a mobile, so the warning shows within seconds.
        const status = await eventually(async () => {
          const s = await handle.query(statusQuery, Date.now());
          return s.warnings.includes('notification-failed:kickoff') && s;
        }, 15_000);
        expect(status.status).toBe('active');
        const kickoffs = notify.accepted.filter((r) => r.body.reference?.startsWith(`idp-${migrationId}:kickoff`));
        expect(kickoffs.map((r) => [r.type, r.body.email_address ?? r.body.phone_number])).toEqual([
          ['email', participants[0].email],
          ['sms', '+447700900456'],
        ]);
        expect(kickoffs[0].body.personalisation?.subject).toBe(
          `Initial data production has started – Riverside Surgery (${base.practiceOdsCode})`,
        );
        expect(await outbox(migrationId)).toMatchObject([
          { channel: 'email', status: 'sent' },
          { channel: 'sms', status: 'sent' },
          { channel: 'sms', recipient_role: 'icb', status: 'failed', attempts: 1 },
        ]);
      } finally {
        await handle.terminate('test finished');
      }
    } finally {
      await worker.stop();
    }
  });
});
