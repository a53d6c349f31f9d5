import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from '../support/smtp-catcher';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { ensureWeeklyDigestSchedule, WEEKLY_DIGEST_SCHEDULE_ID } from '@idp/temporal';
import type { weeklyDigest } from '@idp/workflows';
import { startActivitiesWorker, type ActivitiesWorker } from '../support/activities-worker';
import { createParty, unusedIcbCode } from '../support/parties';
import { exited, spawnApp } from '../support/processes';
import { eventually, randomOdsCode } from '../support/worker-harness';

/*
 * The weekly digest through a real Temporal schedule and worker, reading the Postgres read model and delivered to
 * a real SMTP server: each ICB and delivery partner gets its own migrations, what is overdue and at risk, and, from
 * the second digest on, how forecast go-live dates moved since the last one. A re-run of the same schedule action
 * sends nothing twice.
 */
describe('the weekly digest', () => {
  let smtp: SmtpCatcher;
  let mail: CaughtMail[];
  let worker: ActivitiesWorker;
  let db: DataSource;
  let client: Client;
  let taskQueue: string;
  const tag = randomBytes(3).toString('hex');
  const icbEmail = `icb-${tag}@icb.example`;
  const partnerEmail = `dp-${tag}@csu.example`;
  const saved = { ...process.env };

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    mail = smtp.mails;
    process.env.SMTP_URL = smtp.url;
    process.env.PUBLIC_BASE_URL = 'https://idp.example.nhs.uk';
    worker = await startActivitiesWorker();
    ({ db, client, taskQueue } = worker);
  });

  afterAll(async () => {
    await worker?.stop();
    await smtp.stop();
    process.env = saved;
  });

  interface Seeded {
    id: string;
    ods: string;
  }

  async function migration(fields: {
    icb: string;
    partner?: string;
    name: string;
    status?: string;
    atRisk?: boolean;
    planned?: string;
    forecast?: string;
  }): Promise<Seeded> {
    const id = randomUUID();
    const ods = randomOdsCode();
    await db.query(
      `INSERT INTO migration (id, workflow_id, practice_ods_code, practice_name, icb_code, current_supplier, new_supplier,
         delivery_partner, planned_go_live, forecast_go_live, status, stage, at_risk, overdue_count, graph_version,
         request_fingerprint, created_by)
       VALUES ($1, $2, $3, $4, $5, 'EMIS', 'TPP', $6, $7, $8, $9, 'extract', $10, 0, 1, 'digest-test', '{}')`,
      [
        id,
        `idp-${id}`,
        ods,
        fields.name,
        fields.icb,
        fields.partner ?? null,
        fields.planned ?? '2027-03-15',
        fields.forecast ?? fields.planned ?? '2027-03-15',
        fields.status ?? 'active',
        fields.atRisk ?? false,
      ],
    );
    return { id, ods };
  }

  async function milestone(m: Seeded, key: string, title: string, owner: string, state: string, dueAt: string) {
    await db.query(
      `INSERT INTO milestone (migration_id, key, title, phase, owner_role, state, round, due_at)
       VALUES ($1, $2, $3, 'extract', $4, $5, 1, $6)`,
      [m.id, key, title, owner, state, dueAt],
    );
  }

  const to = (address: string) => mail.filter((m) => m.to && 'value' in m.to && m.to.value[0]?.address === address);

  it('is created by the worker app at start', async () => {
    const app = spawnApp('worker', { TEMPORAL_TASK_QUEUE: `digest-app-${tag}` });
    try {
      const described = await eventually(() => client.schedule.getHandle(WEEKLY_DIGEST_SCHEDULE_ID).describe(), 30_000);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'weeklyDigest' });
    } finally {
      app.kill('SIGTERM');
      await exited(app);
    }
  });

  it('is scheduled for Mondays 07:00 London time, once however many workers start', async () => {
    const scheduleId = `weekly-digest-${tag}-schedule`;
    expect(await ensureWeeklyDigestSchedule(client, { taskQueue, scheduleId })).toBe(true);
    expect(await ensureWeeklyDigestSchedule(client, { taskQueue, scheduleId })).toBe(false);
    const handle = client.schedule.getHandle(scheduleId);
    try {
      const described = await handle.describe();
      expect(described.spec.timezone).toBe('Europe/London');
      expect(described.spec.calendars).toMatchObject([
        {
          dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY' }],
          hour: [{ start: 7, end: 7 }],
          minute: [{ start: 0, end: 0 }],
        },
      ]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'weeklyDigest', taskQueue });
      // The next run is a Monday at 07:00 in London, whichever side of the clock change it falls.
      const next = described.info.nextActionTimes[0]!;
      const london = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        weekday: 'long',
        hour: '2-digit',
        minute: '2-digit',
      }).format(next);
      expect(london).toBe('Monday 07:00');
    } finally {
      await handle.delete();
    }
  });

  it('tells each ICB and delivery partner about its own migrations, and about forecast changes the week after', async () => {
    const icbCode = await unusedIcbCode(db);
    const icb = await createParty(db, 'icb', icbCode, `ICB ${icbCode}`);
    const partner = await createParty(db, 'delivery-partner', `DP-DIGEST-${tag.toUpperCase()}`, 'Midlands CSU');
    await db.query(`UPDATE organisation SET contact_email = $2 WHERE id = $1`, [icb.organisationId, icbEmail]);
    await db.query(`UPDATE organisation SET contact_email = $2 WHERE id = $1`, [partner.organisationId, partnerEmail]);
    const otherIcb = await unusedIcbCode(db);

    const riverside = await migration({ icb: icbCode, partner: partner.code, name: 'Riverside Surgery', atRisk: true });
    await milestone(
      riverside,
      'extractDelivered',
      'Extract delivered',
      'current-supplier',
      'overdue',
      '2027-01-15T17:00:00Z',
    );
    await milestone(riverside, 'extractLoaded', 'Extract loaded', 'new-supplier', 'waiting', '2027-01-22T17:00:00Z');
    const hillside = await migration({ icb: icbCode, name: 'Hillside Medical Centre', planned: '2027-04-05' });
    await milestone(
      hillside,
      'extractDelivered',
      'Extract delivered',
      'current-supplier',
      'open',
      '2027-02-01T17:00:00Z',
    );
    const elsewhere = await migration({ icb: otherIcb, partner: partner.code, name: 'Elsewhere Practice' });
    const cancelled = await migration({ icb: icbCode, name: 'Closed Lane Surgery', status: 'cancelled' });

    // First week: the schedule's action, triggered now.
    const scheduleId = `weekly-digest-${tag}-runs`;
    await ensureWeeklyDigestSchedule(client, { taskQueue, scheduleId });
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      const [first] = await eventually(async () => to(icbEmail).length === 1 && to(icbEmail));
      expect(first.subject).toBe(`Weekly IDP digest for ICB ${icbCode}: 1 overdue, 0 forecast changes`);
      expect(first.from?.value[0]?.address).toBeDefined();
      expect(first.text).toContain(`Dear ICB ${icbCode},`);
      expect(first.text).toContain('Your migrations (2)');
      expect(first.text).toContain(`- Riverside Surgery (${riverside.ods}): extract; forecast go-live 15 March 2027.`);
      expect(first.text).toContain(
        `- Hillside Medical Centre (${hillside.ods}): extract; forecast go-live 5 April 2027.`,
      );
      expect(first.text).toContain('Overdue (1)');
      expect(first.text).toContain(
        `- Riverside Surgery (${riverside.ods}): Extract delivered, for the current supplier, was due by Friday, 15 January 2027 at 17:00.`,
      );
      expect(first.text).not.toContain('Extract loaded');
      expect(first.text).toContain('At risk (1)');
      expect(first.text).toContain('This is your first digest: changes show from next week.');
      expect(first.text).toContain('See every migration: https://idp.example.nhs.uk/portfolio');
      expect(first.html).toContain('<a href="https://idp.example.nhs.uk/portfolio">See every migration</a>');
      expect(first.html).toContain('<h2>Overdue (1)</h2>');
      for (const absent of [elsewhere.ods, cancelled.ods]) expect(first.text).not.toContain(absent);

      const [partnerFirst] = await eventually(async () => to(partnerEmail).length === 1 && to(partnerEmail));
      expect(partnerFirst.text).toContain('Your migrations (2)');
      expect(partnerFirst.text).toContain(riverside.ods);
      expect(partnerFirst.text).toContain(elsewhere.ods);
      expect(partnerFirst.text).not.toContain(hillside.ods);

      // During the week Riverside's forecast slips and Hillside's overdue step is done on time.
      await db.query(`UPDATE migration SET forecast_go_live = '2027-04-12' WHERE id = $1`, [riverside.id]);
      await new Promise((r) => setTimeout(r, 1100)); // a new second: the schedule names each run by its start time
      await schedule.trigger();
      const [, second] = await eventually(async () => to(icbEmail).length === 2 && to(icbEmail));
      expect(second.subject).toBe(`Weekly IDP digest for ICB ${icbCode}: 1 overdue, 1 forecast change`);
      expect(second.text).toContain('Forecast go-live changes since the last digest');
      expect(second.text).toContain(
        `- Riverside Surgery (${riverside.ods}): moved from 15 March 2027 to 12 April 2027.`,
      );
      expect(second.text).not.toContain(`Hillside Medical Centre (${hillside.ods}): moved`);
      expect(second.text).toContain(
        `- Riverside Surgery (${riverside.ods}): forecast go-live 12 April 2027 is later than the planned 15 March 2027.`,
      );
      await eventually(async () => to(partnerEmail).length === 2);
      expect(to(partnerEmail)[1]!.text).toContain('moved from 15 March 2027 to 12 April 2027');
    } finally {
      await schedule.delete();
    }

    // A re-run of one schedule action (same workflow id) finds its digests in the outbox and sends none again.
    const runId = `weekly-digest-${tag}-rerun`;
    const run = () =>
      client.workflow.execute<typeof weeklyDigest>('weeklyDigest', { workflowId: runId, taskQueue, args: [] });
    const once = await run();
    expect(once.sent).toEqual(expect.arrayContaining([icbCode, partner.code]));
    expect(once.failed).toEqual([]);
    const again = await run();
    expect(again.sent).not.toContain(icbCode);
    expect(again.alreadySent).toEqual(expect.arrayContaining([icbCode, partner.code]));
    expect(to(icbEmail)).toHaveLength(3);
    expect(to(partnerEmail)).toHaveLength(3);
    const rows = await db.query(
      `SELECT channel, status, recipient_address FROM notification WHERE notification_key = $1`,
      [`${runId}:weekly-digest:${icbCode}`],
    );
    expect(rows).toEqual([{ channel: 'email', status: 'sent', recipient_address: icbEmail }]);
  });
});
