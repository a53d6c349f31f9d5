import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { FieldCipher } from '@idp/security';
import { call, freePort, startApi, type RunningApi } from '../support/api-process';
import { exited, spawnApp } from '../support/processes';
import { kickoffFor, seedParties, type Parties, type Party } from '../support/parties';
import { eventually } from '../support/worker-harness';

/*
 * Supplier adapters against the built API and worker: a webhook supplier gets signed requests at a real HTTP
 * endpoint (checked here with an independent HMAC computation) and a retry after a 500; two sandbox suppliers carry
 * a whole IDP to sign-off while the test plays only the practice; a `late` sandbox supplier makes the overdue
 * notice go out.
 */

const OPERATOR_KEY = `operator-${randomBytes(24).toString('hex')}`;
const operator = { authorization: `Bearer ${OPERATOR_KEY}` };

let api: RunningApi;
let worker: ChildProcess;
let db: DataSource;
let temporal: Connection;

const send = (who: Party | Record<string, string>, method: string, path: string, body?: unknown) =>
  call(api.baseUrl, method, `/v1${path}`, body, 'auth' in who ? (who.auth as Record<string, string>) : who);

const setAdapter = (supplier: Party, adapter: string, settings?: object) =>
  send(operator, 'PUT', `/organisations/${supplier.code}/supplier-adapter`, { adapter, settings });

async function kickoff(parties: Parties, workingDayMs: number): Promise<string> {
  const participants = [
    { name: 'Pat Khan', organisation: 'Riverside Surgery', role: 'practice', email: 'pat@example.nhs.uk' },
    {
      name: 'Cal Current',
      organisation: parties.currentSupplier.name,
      role: 'current-supplier',
      email: 'idp@old.example',
    },
  ];
  const res = await send(
    parties.icb,
    'POST',
    '/migrations',
    kickoffFor(parties, { timeScale: { workingDayMs }, participants }),
  );
  expect(res.status).toBe(201);
  return res.body.id;
}

async function events(who: Party, id: string): Promise<any[]> {
  const res = await send(who, 'GET', `/migrations/${id}/events?pageSize=100`);
  expect(res.status).toBe(200);
  return res.body.items;
}

const milestone = (migration: any, key: string) => migration.process.milestones.find((m: any) => m.key === key);

beforeAll(async () => {
  const env = { TEMPORAL_TASK_QUEUE: `e2e-suppliers-${randomUUID()}` };
  api = await startApi({ ...env, ALLOW_COMPRESSED_TIME: 'true', OPERATOR_API_KEY: OPERATOR_KEY });
  // The sandbox reports through the API under test.
  worker = spawnApp('worker', { ...env, SANDBOX_API_URL: api.baseUrl });
  db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  temporal = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
});

afterAll(async () => {
  await api?.stop();
  worker?.kill('SIGTERM');
  if (worker) await exited(worker);
  await db?.destroy();
  await temporal?.close();
});

describe('setting a supplier adapter', () => {
  it('refuses what does not fit with a problem that says what to fix', async () => {
    const parties = await seedParties(db);
    const bad = await setAdapter(parties.newSupplier, 'sandbox', { delayWorkingDays: -2, late: ['signedOff'] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'settings.delayWorkingDays',
      'settings.late',
    ]);
    expect((await setAdapter(parties.newSupplier, 'carrier-pigeon')).status).toBe(400);
    expect((await setAdapter(parties.practice, 'none')).status).toBe(400);
    const noEndpoint = await setAdapter(parties.newSupplier, 'webhook');
    expect(noEndpoint.status).toBe(409);
    expect(noEndpoint.body.detail).toContain('webhook URL');
    expect(
      (await send(parties.icb, 'PUT', `/organisations/${parties.newSupplier.code}/supplier-adapter`, {})).status,
    ).toBe(403);
  });

  it('gives a sandbox its own API key, encrypted at rest, kept when the settings change and revoked when it leaves', async () => {
    const parties = await seedParties(db);
    const first = await setAdapter(parties.newSupplier, 'sandbox', { failLoad: true });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ adapter: 'sandbox', settings: { failLoad: true, delayWorkingDays: 0.5 } });
    expect(JSON.stringify(first.body)).not.toMatch(/idp_|apiKeyEncrypted/);
    const [stored] = await db.query(`SELECT adapter_settings FROM organisation WHERE code = $1`, [
      parties.newSupplier.code,
    ]);
    const key = new FieldCipher(process.env.DATA_ENCRYPTION_KEY!).decrypt(stored.adapter_settings.apiKeyEncrypted);
    expect(
      (await call(api.baseUrl, 'GET', '/v1/migrations', undefined, { authorization: `Bearer ${key}` })).status,
    ).toBe(200);
    const again = await setAdapter(parties.newSupplier, 'sandbox', { delayWorkingDays: 1 });
    expect(again.body.sandboxApiKeyId).toBe(first.body.sandboxApiKeyId);
    expect((await setAdapter(parties.newSupplier, 'none')).body).toEqual({
      organisation: parties.newSupplier.code,
      adapter: 'none',
      settings: {},
    });
    expect(
      (await call(api.baseUrl, 'GET', '/v1/migrations', undefined, { authorization: `Bearer ${key}` })).status,
    ).toBe(401);
  });
});

describe('a webhook supplier', () => {
  interface Delivery {
    headers: IncomingHttpHeaders;
    raw: string;
    answered: number;
  }
  const deliveries: Delivery[] = [];
  let receiver: Server;
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;

  beforeAll(async () => {
    // Answers the very first delivery with a 500, every later one with 202.
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const answered = deliveries.length === 0 ? 500 : 202;
        deliveries.push({ headers: req.headers, raw, answered });
        res.writeHead(answered).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('gets signed requests it can verify, and a retry with the same delivery id after a 500', async () => {
    const parties = await seedParties(db);
    const { port } = receiver.address() as { port: number };
    await db.query(`UPDATE organisation SET webhook_url = $2, webhook_secret_encrypted = $3 WHERE code = $1`, [
      parties.newSupplier.code,
      `http://127.0.0.1:${port}/idp?token=abc`,
      new FieldCipher(process.env.DATA_ENCRYPTION_KEY!).encrypt(secret),
    ]);
    expect((await setAdapter(parties.newSupplier, 'webhook')).status).toBe(200);
    const id = await kickoff(parties, 60_000);

    // Kickoff asks the new supplier three things; the first delivery failed and came again.
    await eventually(async () => deliveries.filter((d) => d.answered === 202).length >= 3, 30_000);
    const [failed, ...rest] = deliveries;
    expect(failed.answered).toBe(500);
    const retry = rest.find((d) => d.headers['idp-delivery'] === failed.headers['idp-delivery']);
    expect(retry?.answered).toBe(202);

    for (const d of deliveries) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(d.headers['idp-signature']))!;
      expect(createHmac('sha256', secret).update(`${t}.${d.raw}`).digest('hex')).toBe(v1);
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
      const body = JSON.parse(d.raw);
      expect(d.headers['idp-event']).toBe(body.event);
      expect(d.headers['idp-delivery']).toBe(body.request.key);
    }
    const kinds = [...new Set(deliveries.map((d) => JSON.parse(d.raw).request.kind))];
    expect(kinds.sort()).toEqual(['provision-admin-users', 'request-extract', 'schedule-training']);
    const training = deliveries.map((d) => JSON.parse(d.raw)).find((b) => b.request.kind === 'schedule-training');
    expect(training).toEqual({
      event: 'supplier.schedule-training',
      migration: {
        id,
        practiceOdsCode: parties.practice.code,
        practiceName: 'Riverside Surgery',
        icbCode: parties.icb.code,
        currentSupplier: parties.currentSupplier.code,
        newSupplier: parties.newSupplier.code,
        plannedGoLive: expect.any(String),
      },
      request: {
        key: `${id}:schedule-training:new-supplier:r1`,
        kind: 'schedule-training',
        supplierRole: 'new-supplier',
        round: 1,
        milestone: 'trainingScheduled',
        milestones: [
          { key: 'trainingScheduled', title: 'Training scheduled' },
          { key: 'usersTrained', title: expect.stringContaining('Practice staff trained') },
        ],
        dueAt: expect.any(String),
      },
      links: {
        migration: expect.stringMatching(new RegExp(`/v1/migrations/${id}$`)),
        events: expect.stringMatching(new RegExp(`/v1/migrations/${id}/events$`)),
        report: expect.stringMatching(new RegExp(`/v1/migrations/${id}/milestones/\\{milestone\\}$`)),
      },
    });

    // The current supplier is not integrated: its request is recorded, nothing is sent.
    expect((await send(parties.newSupplier, 'POST', `/migrations/${id}/milestones/extractRequested`, {})).status).toBe(
      200,
    );
    const audited = await eventually(async () => {
      const trail = await events(parties.icb, id);
      const requested = trail.filter((e) => e.action === 'supplier.requested');
      return requested.length === 4 && requested;
    });
    expect(
      audited.map((e: any) => [e.details.kind, e.details.supplierRole, e.details.adapter, e.details.outcome]),
    ).toEqual(
      expect.arrayContaining([
        ['schedule-training', 'new-supplier', 'webhook', 'webhook answered 202'],
        ['request-extract', 'current-supplier', 'none', expect.stringContaining('not integrated')],
      ]),
    );
    expect(audited.every((e: any) => e.actor.role === 'system')).toBe(true);
  });
});

describe('sandbox suppliers', () => {
  it('carry a whole IDP to sign-off through the public API while the test plays the practice', async () => {
    const parties = await seedParties(db);
    expect((await setAdapter(parties.currentSupplier, 'sandbox')).status).toBe(200);
    expect((await setAdapter(parties.newSupplier, 'sandbox', { dataIssues: true, trainedUsers: 2 })).status).toBe(200);
    const id = await kickoff(parties, 2000);
    const { practice } = parties;
    const status = () => send(practice, 'GET', `/migrations/${id}`).then((r) => r.body);

    // Extract, test system, admin logins, training and test criteria all arrive by themselves.
    const ready = await eventually(async () => {
      const s = await status();
      return milestone(s, 'testCriteriaProvided').state === 'done' && s;
    }, 90_000);
    expect(ready.stage).toBe('data-checking');
    expect((await send(practice, 'POST', `/migrations/${id}/milestones/practiceUsersSetUp`, {})).status).toBe(200);
    expect((await send(practice, 'POST', `/migrations/${id}/milestones/patientsSelected`, {})).status).toBe(200);
    expect((await send(practice, 'POST', `/migrations/${id}/milestones/dataCheckRoundCompleted`, {})).status).toBe(200);

    // dataIssues: the criteria announced seeded issues, so the practice fails round 1 for a re-transform.
    const criteria = (await events(practice, id)).find(
      (e) => e.action === 'milestone.reported' && e.details.milestone === 'testCriteriaProvided',
    );
    expect(criteria.details.note).toMatch(/seeded data issues/);
    const failed = await send(practice, 'POST', `/migrations/${id}/rounds/current/outcome`, {
      outcome: 'failed',
      remedy: 're-transform',
      summary: { openIssues: 3 },
    });
    expect(failed.status).toBe(200);

    // The new supplier reloads for round 2 by itself; the practice checks again, passes and signs off.
    await eventually(async () => {
      const s = await status();
      return s.process.round === 2 && milestone(s, 'testSystemAvailable').state === 'done';
    }, 60_000);
    expect((await send(practice, 'POST', `/migrations/${id}/milestones/dataCheckRoundCompleted`, {})).status).toBe(200);
    expect(
      (await send(practice, 'POST', `/migrations/${id}/rounds/current/outcome`, { outcome: 'passed' })).status,
    ).toBe(200);
    const signed = await send(practice, 'POST', `/migrations/${id}/sign-off`, {
      clinicalLeadName: 'Dr Amira Shah',
      declarationAccepted: true,
    });
    expect(signed.status).toBe(200);
    expect((await status()).stage).toBe('signed-off');

    // The audit trail shows the sandbox organisations as the actors of every supplier milestone.
    const trail = await events(parties.icb, id);
    const reporters = new Map<string, Set<string>>();
    for (const e of trail.filter((x) => x.action === 'milestone.reported')) {
      (
        reporters.get(e.details.milestone) ?? reporters.set(e.details.milestone, new Set()).get(e.details.milestone)!
      ).add(e.actor.organisation);
    }
    const { currentSupplier: old, newSupplier: fresh } = parties;
    expect(Object.fromEntries([...reporters].map(([k, v]) => [k, [...v]]))).toEqual({
      extractRequested: [fresh.code],
      extractDelivered: [old.code],
      extractReceived: [fresh.code],
      extractLoaded: [fresh.code],
      testSystemAvailable: [fresh.code],
      adminUsersProvisioned: [fresh.code],
      trainingScheduled: [fresh.code],
      usersTrained: [fresh.code],
      testCriteriaProvided: [fresh.code],
      practiceUsersSetUp: [practice.code],
      patientsSelected: [practice.code],
      dataCheckRoundCompleted: [practice.code],
    });
    const reloaded = trail.filter((e) => e.action === 'milestone.reported' && e.details.milestone === 'extractLoaded');
    expect(reloaded.map((e) => e.details.round)).toEqual([1, 2]);
    expect(reloaded[1].details.note).toMatch(/fixed/);
    expect(trail.filter((e) => e.action === 'supplier.requested').every((e) => e.details.adapter === 'sandbox')).toBe(
      true,
    );

    // Each request is a sandbox workflow in Temporal.
    const client = new Client({ connection: temporal });
    const sandbox = await client.workflow
      .getHandle(`sandbox:${id}:${id}:request-extract:current-supplier:r1`)
      .describe();
    expect(sandbox.type).toBe('sandboxSupplier');
    expect(sandbox.status.name).toBe('COMPLETED');
  });

  it('`late` makes the sandbox report after the due date, so the overdue notice goes out', async () => {
    const parties = await seedParties(db);
    await setAdapter(parties.currentSupplier, 'sandbox', { late: ['extractDelivered'], lateByWorkingDays: 2 });
    await setAdapter(parties.newSupplier, 'sandbox', {
      delays: { 'provision-admin-users': 50, 'schedule-training': 50 },
    });
    const id = await kickoff(parties, 1000);
    const done = await eventually(async () => {
      const s = (await send(parties.icb, 'GET', `/migrations/${id}`)).body;
      return milestone(s, 'extractDelivered').state === 'done' && milestone(s, 'extractDelivered');
    }, 60_000);
    expect(Date.parse(done.completedAt)).toBeGreaterThan(Date.parse(done.dueAt));
    const overdue: Array<{ recipient_role: string }> = await db.query(
      `SELECT recipient_role FROM notification WHERE migration_id = $1 AND kind = 'overdue'`,
      [id],
    );
    expect(overdue.map((n) => n.recipient_role)).toContain('current-supplier');
  });
});
