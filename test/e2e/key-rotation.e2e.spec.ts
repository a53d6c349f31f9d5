import { createCipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrateDatabase } from '@idp/persistence';
import { FieldCipher, generateEncryptionKey, verifySignature } from '@idp/security';
import { ENCRYPTED_FIELDS } from '../../apps/api/src/data-key/encrypted-fields';
import { runAdmin, type AdminRun } from '../support/admin-command';
import { call, startApi, type RunningApi } from '../support/api-process';
import { kickoffFor, seedIsolatedParties, type Parties } from '../support/parties';
import { exited, spawnApp } from '../support/processes';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { eventually } from '../support/worker-harness';

/*
 * Rotating DATA_ENCRYPTION_KEY as docs/key-rotation.md tells an operator to: data written through the built API and
 * admin command under key A (plus a row in the format written before key ids), then B as the key with A as the
 * previous one, `data-key rotate`, and the API with B alone; the worker signs supplier webhooks with the secret it
 * reads under A during the rotation, and under B after it. In a database of its own: a rotation rewrites every
 * encrypted value in the database, which would pull the shared test database from under the other suites.
 */

const A = generateEncryptionKey();
const B = generateEncryptionKey();
const KEY_A = { DATA_ENCRYPTION_KEY: A };
const KEYS_B_AFTER_A = { DATA_ENCRYPTION_KEY: B, DATA_ENCRYPTION_KEY_PREVIOUS: A };
const KEY_B = { DATA_ENCRYPTION_KEY: B };

const P1 = '9434765919';
const P2 = '9434765870';
const P3 = '4010234563';
const P4 = '4857773457';

const STACK_TRACE = /\n\s+at /;

let db: DataSource;
let databaseUrl: string;
let dropDatabase: () => Promise<void>;
let parties: Parties;
let migrationId: string;
let webhookSecret: string;
let receiver: WebhookReceiver;
const taskQueue = `e2e-key-rotation-${randomUUID()}`;

/** The API on this suite's database with the given keys (and nothing else about keys from the environment). */
const api = (keys: Record<string, string>) =>
  startApi({ DATABASE_URL: databaseUrl, TEMPORAL_TASK_QUEUE: taskQueue, DATA_ENCRYPTION_KEY_PREVIOUS: '', ...keys });
const admin = (args: string[], keys: Record<string, string>) =>
  runAdmin(args, { DATABASE_URL: databaseUrl, DATA_ENCRYPTION_KEY_PREVIOUS: undefined, ...keys });

async function withApi<T>(keys: Record<string, string>, use: (api: RunningApi) => Promise<T>): Promise<T> {
  const running = await api(keys);
  try {
    return await use(running);
  } finally {
    await running.stop();
  }
}

/** The worker on this suite's database and task queue with the given keys, for as long as `use` runs. */
async function withWorker<T>(keys: Record<string, string>, use: () => Promise<T>): Promise<T> {
  const worker = spawnApp('worker', {
    DATABASE_URL: databaseUrl,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_ENCRYPTION_KEY_PREVIOUS: '',
    ...keys,
  });
  try {
    return await use();
  } finally {
    worker.kill('SIGTERM');
    await exited(worker);
  }
}

/** Waits for the worker's request of `kind` to the new supplier, signed with the secret the admin command printed. */
const signedRequest = (kind: string) =>
  eventually(
    async () =>
      receiver.received.find(
        (r) =>
          r.headers['idp-event'] === `supplier.${kind}` &&
          verifySignature(webhookSecret, r.rawBody, String(r.headers['idp-signature'])).valid,
      ),
    30_000,
  );

/** FieldCipher's format before key ids (`v1.<nonce>.<ciphertext>.<tag>`), written independently of FieldCipher. */
function legacyEncrypt(base64Key: string, plaintext: string): string {
  const key = Buffer.from(
    hkdfSync('sha256', Buffer.from(base64Key, 'base64'), Buffer.alloc(0), 'idp-field-encryption-v1', 32),
  );
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', nonce, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Every encrypted value and lookup hash in the database, as stored. */
async function storedValues(): Promise<Array<{ field: string; id: string; value: string; hash: string | null }>> {
  const all = [];
  for (const f of ENCRYPTED_FIELDS) {
    const rows: Array<{ id: string; value: string; hash: string | null }> = await db.query(
      `SELECT id, ${f.value} AS value, ${f.lookup ?? 'NULL'} AS hash FROM ${f.table} WHERE ${f.value} IS NOT NULL ORDER BY id`,
    );
    all.push(...rows.map((r) => ({ field: f.name, ...r })));
  }
  return all;
}

/** `data-key status`'s row for a field: values, current key, previous key, outdated, unreadable. */
function statusRow(run: AdminRun, field: string): number[] {
  const line = run.stdout.split('\n').find((l) => l.startsWith(`${field} `));
  if (!line) throw new Error(`no ${field} in:\n${run.stdout}`);
  return line.trim().split(/\s+/).slice(1).map(Number);
}

/** `data-key rotate`'s row for a field: examined, re-encrypted, already current, unreadable, batches. */
const rotateRow = statusRow;

function expectNothingSecret(run: AdminRun): void {
  const output = run.stdout + run.stderr;
  for (const secret of [A, B, P1, P2, P3, P4, webhookSecret]) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/idp_[0-9a-f]{12}_/);
  expect(output).not.toMatch(STACK_TRACE);
}

beforeAll(async () => {
  const server = new URL(process.env.DATABASE_URL!);
  const name = `idp_keys_${randomBytes(4).toString('hex')}`;
  const root = await new DataSource({ type: 'postgres', url: server.toString() }).initialize();
  await root.query(`CREATE DATABASE ${name}`);
  server.pathname = `/${name}`;
  databaseUrl = server.toString();
  dropDatabase = async () => {
    await root.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await root.destroy();
  };
  await migrateDatabase(databaseUrl);
  db = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
  parties = await seedIsolatedParties(db);
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await db?.destroy();
  await dropDatabase?.();
});

describe('rotating DATA_ENCRYPTION_KEY', () => {
  it('lists data-key status and rotate in --help, and refuses a bad --batch-size', async () => {
    const help = await admin(['--help'], KEY_A);
    expect(help.stdout).toContain('data-key status [--batch-size N]');
    expect(help.stdout).toContain('data-key rotate [--batch-size N]');
    for (const size of ['0', '2.5', 'many', '10001']) {
      const run = await admin(['data-key', 'rotate', '--batch-size', size], KEY_A);
      expect({ size, code: run.code, stderr: run.stderr }).toEqual({
        size,
        code: 2,
        stderr: '--batch-size must be a whole number from 1 to 10000\n',
      });
    }
  });

  it('knows every encrypted column of the schema', async () => {
    const columns: Array<{ table: string; column: string }> = await db.query(
      `SELECT table_name AS table, column_name AS column FROM information_schema.columns
        WHERE table_schema = 'public' AND (column_name LIKE '%\\_encrypted' OR column_name LIKE '%\\_lookup')`,
    );
    const known = new Set(ENCRYPTED_FIELDS.flatMap((f) => [`${f.table}.${f.value}`, `${f.table}.${f.lookup}`]));
    expect(columns.map((c) => `${c.table}.${c.column}`).filter((c) => !known.has(c))).toEqual([]);
    expect(columns.length).toBeGreaterThanOrEqual(3);
  });

  it('starts from data written under key A: patients, a webhook secret, a sandbox key, and a row from before key ids', async () => {
    const webhook = await admin(
      ['organisation', 'set-webhook', '--organisation', parties.newSupplier.code, '--url', receiver.url()],
      KEY_A,
    );
    expect(webhook.code).toBe(0);
    webhookSecret = webhook.stdout.trimEnd().split('\n').at(-1)!;
    expect(webhookSecret).toMatch(/^whsec_/);
    const asWebhook = await admin(
      ['organisation', 'set-adapter', '--organisation', parties.newSupplier.code, '--adapter', 'webhook'],
      KEY_A,
    );
    expect(asWebhook.code).toBe(0);
    const sandbox = await admin(
      ['organisation', 'set-adapter', '--organisation', parties.otherSupplier.code, '--adapter', 'sandbox'],
      KEY_A,
    );
    expect(sandbox.code).toBe(0);

    await withApi(KEY_A, async (apiA) => {
      const kickoff = await call(apiA.baseUrl, 'POST', '/v1/migrations', kickoffFor(parties), parties.icb.auth);
      expect(kickoff.status).toBe(201);
      migrationId = kickoff.body.id;
      const patients = `/v1/migrations/${migrationId}/patients`;
      for (const nhsNumber of [P1, P2]) {
        const selected = await call(apiA.baseUrl, 'POST', patients, { nhsNumber }, parties.practice.auth);
        expect(selected.status).toBe(201);
      }
      const csv = await call(apiA.baseUrl, 'POST', `${patients}.csv`, `NHS number\n${P3}\n`, {
        ...parties.practice.auth,
        'content-type': 'text/csv',
      });
      expect(csv.status).toBe(201);
    });
    // P3's row as FieldCipher wrote it before key ids: the format every existing database holds.
    await db.query(`UPDATE selected_patient SET nhs_number_encrypted = $1 WHERE nhs_number_lookup = $2`, [
      legacyEncrypt(A, P3),
      new FieldCipher(A).lookupHash(P3),
    ]);

    const status = await admin(['data-key', 'status'], KEY_A);
    expect(status.code).toBe(0);
    expect(statusRow(status, 'selected_patient.nhs_number')).toEqual([3, 2, 0, 1, 0]);
    expect(statusRow(status, 'organisation.webhook_secret')).toEqual([1, 1, 0, 0, 0]);
    expect(statusRow(status, 'organisation.sandbox_api_key')).toEqual([1, 1, 0, 0, 0]);
    expectNothingSecret(status);
  });

  it('refuses to rotate what the new key cannot read when the previous key is missing, changing nothing', async () => {
    const before = await storedValues();
    const run = await admin(['data-key', 'rotate'], KEY_B);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/5 values cannot be read with DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_PREVIOUS/);
    expect(rotateRow(run, 'total')).toEqual([5, 0, 0, 5, 3]);
    expectNothingSecret(run);
    expect(await storedValues()).toEqual(before);
  });

  it('with B as the key and A as the previous one, the API reads everything and still refuses duplicates, and the worker signs with the secret stored under A', async () => {
    const status = await admin(['data-key', 'status'], KEYS_B_AFTER_A);
    expect(statusRow(status, 'selected_patient.nhs_number')).toEqual([3, 0, 3, 0, 0]);
    expect(statusRow(status, 'total')).toEqual([5, 0, 5, 0, 0]);
    expect(status.stdout).toContain('5 values still to rotate (5 under the previous key)');
    expect(status.stdout).toContain(`DATA_ENCRYPTION_KEY_PREVIOUS  key id ${new FieldCipher(A).keyIds.current}`);
    expectNothingSecret(status);

    await withApi(KEYS_B_AFTER_A, async (apiBA) => {
      const patients = `/v1/migrations/${migrationId}/patients`;
      const list = await call(apiBA.baseUrl, 'GET', patients, undefined, parties.practice.auth);
      expect(list.body.items.map((p: { nhsNumber: string }) => p.nhsNumber)).toEqual([P1, P2, P3]);
      const again = await call(apiBA.baseUrl, 'POST', patients, { nhsNumber: P1 }, parties.practice.auth);
      expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'PatientAlreadySelected' });
      const upload = await call(apiBA.baseUrl, 'POST', `${patients}.csv`, `NHS number\n${P4}\n${P3}\n`, {
        ...parties.practice.auth,
        'content-type': 'text/csv',
      });
      expect(upload.status).toBe(422);
      expect(upload.body.rejected).toEqual([
        { row: 3, field: 'NHS number', message: 'This patient is already selected in this migration.' },
      ]);
      const fresh = await call(apiBA.baseUrl, 'POST', patients, { nhsNumber: P4 }, parties.practice.auth);
      expect(fresh.status).toBe(201);
    });

    // The kickoff ran with no worker: its request to the new supplier goes out now, from a worker with both keys.
    expect(receiver.received).toEqual([]);
    await withWorker(KEYS_B_AFTER_A, () => signedRequest('request-extract'));
  });

  it('re-encrypts every value under B in batches, after which nothing needs A', async () => {
    const run = await admin(['data-key', 'rotate', '--batch-size', '2'], KEYS_B_AFTER_A);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rotateRow(run, 'selected_patient.nhs_number')).toEqual([4, 3, 1, 0, 3]);
    expect(rotateRow(run, 'organisation.webhook_secret')).toEqual([1, 1, 0, 0, 1]);
    expect(rotateRow(run, 'organisation.sandbox_api_key')).toEqual([1, 1, 0, 0, 1]);
    expect(run.stdout).toContain('5 values re-encrypted under DATA_ENCRYPTION_KEY, 1 already were.');
    expectNothingSecret(run);

    const status = await admin(['data-key', 'status'], KEYS_B_AFTER_A);
    expect(statusRow(status, 'total')).toEqual([6, 6, 0, 0, 0]);
    expect(status.stdout).toContain('Every value is under DATA_ENCRYPTION_KEY: remove DATA_ENCRYPTION_KEY_PREVIOUS');

    // Checked in the database itself: B alone opens every value and gives every hash; A opens none.
    const onlyB = new FieldCipher(B);
    const onlyA = new FieldCipher(A);
    const stored = await storedValues();
    expect(stored).toHaveLength(6);
    for (const row of stored) {
      const plaintext = onlyB.decrypt(row.value);
      if (row.hash !== null) expect(row.hash).toBe(onlyB.lookupHash(plaintext));
      expect(() => onlyA.decrypt(row.value)).toThrow();
    }
  });

  it('changes nothing when run again', async () => {
    const before = await storedValues();
    const run = await admin(['data-key', 'rotate'], KEYS_B_AFTER_A);
    expect(run.code).toBe(0);
    expect(rotateRow(run, 'total')).toEqual([6, 0, 6, 0, 3]);
    expect(await storedValues()).toEqual(before);
  });

  it('with B alone, the API reads everything, refuses duplicates, the sandbox key works and the worker signs with the webhook secret', async () => {
    const status = await admin(['data-key', 'status'], KEY_B);
    expect(statusRow(status, 'total')).toEqual([6, 6, 0, 0, 0]);
    expect(status.stdout).toContain('DATA_ENCRYPTION_KEY_PREVIOUS  not set');

    await withApi(KEY_B, async (apiB) => {
      const patients = `/v1/migrations/${migrationId}/patients`;
      const asPractice = await call(apiB.baseUrl, 'GET', patients, undefined, parties.practice.auth);
      expect(asPractice.body.items.map((p: { nhsNumber: string }) => p.nhsNumber)).toEqual([P1, P2, P3, P4]);
      const asIcb = await call(apiB.baseUrl, 'GET', patients, undefined, parties.icb.auth);
      expect(asIcb.body.items.map((p: { nhsNumber: string }) => p.nhsNumber)).toEqual([
        '*** *** 5919',
        '*** *** 5870',
        '*** *** 4563',
        '*** *** 3457',
      ]);
      for (const nhsNumber of [P1, P3]) {
        const again = await call(apiB.baseUrl, 'POST', patients, { nhsNumber }, parties.practice.auth);
        expect({ nhsNumber, status: again.status }).toEqual({ nhsNumber, status: 409 });
      }

      const [org] = await db.query(`SELECT webhook_secret_encrypted AS secret FROM organisation WHERE code = $1`, [
        parties.newSupplier.code,
      ]);
      expect(new FieldCipher(B).decrypt(org.secret)).toBe(webhookSecret);
      const [sandbox] = await db.query(`SELECT adapter_settings AS settings FROM organisation WHERE code = $1`, [
        parties.otherSupplier.code,
      ]);
      const sandboxKey = new FieldCipher(B).decrypt(sandbox.settings.apiKeyEncrypted);
      const asSandbox = await call(apiB.baseUrl, 'GET', '/v1/migrations', undefined, {
        authorization: `Bearer ${sandboxKey}`,
      });
      expect(asSandbox.status).toBe(200);

      // The worker with B alone signs the next supplier request with the secret rotated under B.
      await withWorker(KEY_B, async () => {
        const migration = `/v1/migrations/${migrationId}/milestones`;
        const requested = await call(
          apiB.baseUrl,
          'POST',
          `${migration}/extractRequested`,
          {},
          parties.newSupplier.auth,
        );
        expect(requested.status).toBe(200);
        const delivered = await call(
          apiB.baseUrl,
          'POST',
          `${migration}/extractDelivered`,
          {},
          parties.currentSupplier.auth,
        );
        expect(delivered.status).toBe(200);
        await signedRequest('request-test-environment');
      });
    });
  });

  it('stops, naming both rows, when a process without the previous key stored a patient twice; resumes once one is gone', async () => {
    // What an API still running with A alone writes after the rotation: P1 again, under A's hash, which B's misses.
    const duplicate = randomUUID();
    await db.query(
      `INSERT INTO selected_patient (id, migration_id, nhs_number_encrypted, nhs_number_lookup, reason, selected_by_role, selected_by, assisted)
       VALUES ($1, $2, $3, $4, 'random', 'practice', $5, false)`,
      [
        duplicate,
        migrationId,
        new FieldCipher(A).encrypt(P1),
        new FieldCipher(A).lookupHash(P1),
        parties.practice.code,
      ],
    );
    const [original] = await db.query(`SELECT id FROM selected_patient WHERE nhs_number_lookup = $1`, [
      new FieldCipher(B).lookupHash(P1),
    ]);
    const stopped = await admin(['data-key', 'rotate'], KEYS_B_AFTER_A);
    expect(stopped.code).not.toBe(0);
    expect(stopped.stderr).toContain(
      `selected_patient.nhs_number: rows ${duplicate} and ${original.id} hold the same value, one of them written under another key`,
    );
    expectNothingSecret(stopped);

    await db.query(`DELETE FROM selected_patient WHERE id = $1`, [duplicate]);
    const resumed = await admin(['data-key', 'rotate'], KEYS_B_AFTER_A);
    expect(resumed.code).toBe(0);
    expect(rotateRow(resumed, 'total')).toEqual([6, 0, 6, 0, 3]);
  });
});
