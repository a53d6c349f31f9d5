import { messageContexts } from '../support/message-contexts';
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from '../support/smtp-catcher';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfigModule } from '@idp/config';
import type { Alert, Participant } from '@idp/domain';
import { NotificationsModule, NotificationService } from '@idp/notifications';

/*
 * Email notifications delivered for real: through nodemailer to an SMTP server this test runs, parsed back with
 * mailparser. The outbox makes a repeated send a no-op and records a refusing server.
 */
describe('email notifications over SMTP', () => {
  let received: CaughtMail[];
  let smtp: SmtpCatcher;
  let app: INestApplicationContext;
  let service: NotificationService;
  let db: DataSource;

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    received = smtp.mails;
    process.env.SMTP_URL = smtp.url;
    process.env.SMTP_FROM = 'IDP Orchestrator <idp@test.example>';
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(), NotificationsModule],
    }).compile();
    app = await moduleRef.init();
    service = app.get(NotificationService);
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await smtp.stop();
    delete process.env.SMTP_URL;
  });

  const practiceManager: Participant = {
    name: 'Pat Khan',
    organisation: 'Riverside Surgery',
    role: 'practice',
    email: 'pat@example.nhs.uk',
  };
  const noEmail: Participant = { name: 'Dee Partner', organisation: 'CSU', role: 'delivery-partner' };

  const invitation = (): Alert => ({
    key: `training-invitation:${randomUUID()}`,
    kind: 'training-invitation',
    recipients: ['practice', 'delivery-partner'],
    round: 1,
    data: { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 120, location: 'Online' },
  });

  it('delivers a training invitation by email with text, HTML and a calendar attachment, once', async () => {
    const migrationId = randomUUID();
    const alert = invitation();
    const outcome = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, 'x', [practiceManager, noEmail]),
    );
    expect(outcome).toEqual({ delivered: 2, skipped: 0, failed: [] });
    expect(received).toHaveLength(1);
    const mail = received[0];
    expect(mail.subject).toBe('Training on the new clinical system – Riverside Surgery (A81001)');
    expect(mail.to).toMatchObject({ value: [{ address: 'pat@example.nhs.uk', name: 'Pat Khan' }] });
    expect(mail.from?.value[0].address).toBe('idp@test.example');
    expect(mail.text).toContain('Dear Pat Khan');
    expect(mail.html).toContain('<a href="http://localhost:3000/v1/migrations/x">');
    expect(mail.headers.get('x-idp-notification-key')).toContain(alert.key);
    const calendar = mail.attachments.find((a) => a.filename === 'training.ics');
    expect(calendar?.content.toString()).toContain('DTSTART:20270112T100000Z');

    const rows = await db.query(
      `SELECT channel, recipient_role, status, attempts FROM notification WHERE migration_id = $1 ORDER BY id`,
      [migrationId],
    );
    expect(rows).toEqual([
      { channel: 'email', recipient_role: 'practice', status: 'sent', attempts: 1 },
      { channel: 'log', recipient_role: 'delivery-partner', status: 'sent', attempts: 1 },
    ]);

    // A retried activity sends the same alert again: nothing new is delivered.
    const again = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, 'x', [practiceManager, noEmail]),
    );
    expect(again).toEqual({ delivered: 0, skipped: 2, failed: [] });
    expect(received).toHaveLength(1);
  });

  it('records a refusing mail server in the outbox and delivers on a later try', async () => {
    const migrationId = randomUUID();
    const alert = invitation();
    smtp.refuse = true;
    const failed = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, 'x', [practiceManager]),
    );
    expect(failed.failed).toHaveLength(1);
    const [row] = await db.query(`SELECT status, attempts, last_error FROM notification WHERE migration_id = $1`, [
      migrationId,
    ]);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toContain('mailbox unavailable');

    smtp.refuse = false;
    const before = received.length;
    const retried = await service.send(
      migrationId,
      `idp-${migrationId}:${alert.key}`,
      messageContexts(alert, 'x', [practiceManager]),
    );
    expect(retried.delivered).toBe(1);
    expect(received).toHaveLength(before + 1);
    const [after] = await db.query(`SELECT status, attempts, last_error FROM notification WHERE migration_id = $1`, [
      migrationId,
    ]);
    expect(after).toEqual({ status: 'sent', attempts: 2, last_error: null });
  });
});
