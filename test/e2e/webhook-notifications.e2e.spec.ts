import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Participant } from '@idp/domain';
import { call, startApi, type RunningApi } from '../support/api-process';
import { runAdmin } from '../support/admin-command';
import { createParty } from '../support/parties';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { eventually, sampleKickoff, startWorkerHarness, type WorkerHarness } from '../support/worker-harness';

/*
 * Webhook notifications end to end: the operator gives a supplier a webhook (admin command or API), the supplier
 * gets the secret once, and the workflow's alerts reach the supplier's endpoint as signed JSON, retried after a
 * server error under the same delivery id. The signature is checked here with our own HMAC, not the project's.
 */

const OPERATOR_KEY = `operator-${randomBytes(24).toString('base64url')}`;
const tag = randomBytes(3).toString('hex').toUpperCase();

/** What a supplier would write: HMAC-SHA256 over "<t>.<raw body>" with the secret, compared in constant time. */
function supplierVerifies(secret: string, delivery: ReceivedWebhook): boolean {
  const header = String(delivery.headers['idp-signature'] ?? '');
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${delivery.rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

describe('webhook notifications', () => {
  let harness: WorkerHarness;
  let receiver: WebhookReceiver;
  let api: RunningApi;

  beforeAll(async () => {
    [harness, receiver, api] = await Promise.all([
      startWorkerHarness(),
      startWebhookReceiver(),
      startApi({ OPERATOR_API_KEY: OPERATOR_KEY }),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([harness?.stop(), receiver?.close(), api?.stop()]);
  });

  /** Kicks off a migration whose new supplier wants webhooks; resolves with the deliveries of its kickoff alert. */
  async function kickoffTo(supplierCode: string, path: string): Promise<ReceivedWebhook[]> {
    const base = sampleKickoff(randomUUID());
    const supplier: Participant = {
      name: 'Integration desk',
      organisation: 'New Supplier Ltd',
      role: 'new-supplier',
      email: 'desk@new-supplier.example',
      notificationPreference: 'webhook',
    };
    const handle = await harness.start({
      ...base,
      newSupplier: supplierCode,
      participants: [...base.participants.filter((p) => p.role !== 'new-supplier'), supplier],
    });
    try {
      return await eventually(async () => {
        const got = receiver.received.filter((r) => r.path === path);
        return got.some((r) => r.status === 200) && got;
      });
    } finally {
      await handle.terminate('test finished');
    }
  }

  it('admin command: sets the webhook, prints the secret once, and the kickoff alert arrives signed, retried after a 500', async () => {
    const code = `HOOK-${tag}`;
    await createParty(harness.db, 'supplier', code, 'New Supplier Ltd');
    const run = await runAdmin(['organisation', 'set-webhook', '--organisation', code, '--url', receiver.url('/cli')]);
    expect(run).toMatchObject({ code: 0, stderr: expect.not.stringContaining('whsec_') });
    const secret = run.stdout.trimEnd().split('\n').at(-1)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(run.stdout.split(secret)).toHaveLength(2);
    const [stored] = await harness.db.query(
      `SELECT webhook_url, webhook_secret_encrypted FROM organisation WHERE code = $1`,
      [code],
    );
    expect(stored.webhook_url).toBe(receiver.url('/cli'));
    expect(stored.webhook_secret_encrypted).toMatch(/^v2\./);
    expect(stored.webhook_secret_encrypted).not.toContain(secret.slice(6));

    receiver.answerNext(500);
    const deliveries = await kickoffTo(code, '/cli');
    expect(deliveries.map((d) => d.status)).toEqual([500, 200]);
    const [first, retry] = deliveries;
    expect(retry.headers['idp-delivery']).toBe(first.headers['idp-delivery']);
    expect(first.headers['idp-event']).toBe('notification.kickoff');
    expect(first.headers['content-type']).toBe('application/json');
    expect(deliveries.map((d) => supplierVerifies(secret, d))).toEqual([true, true]);
    expect(supplierVerifies('whsec_someone-elses-secret', retry)).toBe(false);
    expect(supplierVerifies(secret, { ...retry, rawBody: retry.rawBody.replace('kickoff', 'cancelled') })).toBe(false);

    const payload = JSON.parse(retry.rawBody);
    expect(payload).toEqual({
      event: 'notification.kickoff',
      deliveryId: retry.headers['idp-delivery'],
      migrationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      organisation: code,
      recipientRole: 'new-supplier',
      subject: expect.stringContaining('Initial data production has started'),
      text: expect.stringContaining('Dear Integration desk'),
      dueAt: null,
      url: `http://localhost:3000/migrations/${payload.migrationId}`,
    });
    const [row] = await harness.db.query(
      `SELECT channel, recipient_address, status, attempts, notification_key FROM notification
        WHERE migration_id = $1 AND recipient_role = 'new-supplier'`,
      [payload.migrationId],
    );
    expect(row).toEqual({
      channel: 'webhook',
      recipient_address: receiver.url('/cli'),
      status: 'sent',
      attempts: 1,
      notification_key: retry.headers['idp-delivery'],
    });
  });

  it('admin command refuses a URL that is not https (outside localhost) and an unknown organisation', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['--organisation', `HOOK-${tag}`, '--url', 'http://supplier.example/hook'], 2, /--url must use https/],
      [['--organisation', `HOOK-${tag}`, '--url', 'not a url'], 2, /--url must be an absolute https URL/],
      [['--organisation', `HOOK-${tag}`], 2, /set-webhook needs --organisation ID_OR_CODE and --url URL/],
      [['--organisation', `NOBODY-${tag}`, '--url', 'https://x.example/h'], 1, /There is no organisation NOBODY-/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runAdmin(['organisation', 'set-webhook', ...args])));
    expect(runs.map((r, i) => ({ code: r.code, reason: cases[i][2].test(r.stderr) }))).toEqual(
      cases.map(([, code]) => ({ code, reason: true })),
    );
  });

  it('API: the operator sets a webhook and gets a new secret once; the next alert is signed with it', async () => {
    const code = `HOOKAPI-${tag}`;
    const supplier = await createParty(harness.db, 'supplier', code, 'New Supplier Ltd');
    const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
    const path = `/v1/organisations/${code}/webhook`;

    const set = await call(api.baseUrl, 'PUT', path, { url: receiver.url('/api') }, operator);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      organisationId: supplier.organisationId,
      code,
      url: receiver.url('/api'),
      secret: expect.stringMatching(/^whsec_/),
    });
    const listed = await call(api.baseUrl, 'GET', '/v1/organisations', undefined, operator);
    const shown = listed.body.find((o: { code: string }) => o.code === code);
    expect(shown).toMatchObject({ webhookUrl: receiver.url('/api'), webhookSecretSet: true });
    expect(JSON.stringify(listed.body)).not.toMatch(/whsec_|v[12]\./);

    const deliveries = await kickoffTo(code, '/api');
    expect(deliveries.map((d) => supplierVerifies(set.body.secret, d))).toEqual([true]);

    const problems = await Promise.all([
      call(api.baseUrl, 'PUT', path, { url: 'http://supplier.example/hook' }, operator),
      call(api.baseUrl, 'PUT', path, { url: 'https://user:pw@supplier.example/hook' }, operator),
      call(api.baseUrl, 'PUT', path, { url: 42 }, operator),
      call(api.baseUrl, 'PUT', path, {}, operator),
      call(api.baseUrl, 'PUT', `/v1/organisations/NOBODY-${tag}/webhook`, { url: 'https://x.example/h' }, operator),
      call(api.baseUrl, 'PUT', path, { url: 'https://x.example/h' }),
      call(api.baseUrl, 'PUT', path, { url: 'https://x.example/h' }, supplier.auth),
    ]);
    expect(problems.map((p) => [p.status, p.headers.get('content-type')?.split(';')[0]])).toEqual([
      [400, 'application/problem+json'],
      [400, 'application/problem+json'],
      [400, 'application/problem+json'],
      [400, 'application/problem+json'],
      [404, 'application/problem+json'],
      [401, 'application/problem+json'],
      [403, 'application/problem+json'],
    ]);
    expect(problems[0].body.errors).toEqual([
      { field: 'url', message: 'url must use https (plain http is allowed only for localhost)' },
    ]);
    // The refused calls changed nothing: the webhook still points at the receiver.
    const [after] = await harness.db.query(`SELECT webhook_url FROM organisation WHERE code = $1`, [code]);
    expect(after.webhook_url).toBe(receiver.url('/api'));
  });
});
