import { randomBytes, randomUUID } from 'node:crypto';
import { call, startApi, type RunningApi } from '../support/api-process';
import { runAdmin, type AdminRun } from '../support/admin-command';
import { eventually, randomOdsCode } from '../support/worker-harness';

/*
 * The built admin command (`npm run admin`), run as an operator would: organisations and API keys straight in
 * Postgres, and the keys it prints work (and stop working) against the built API.
 */

const admin = runAdmin;

const lines = (text: string) => text.trimEnd().split('\n');
const KEY = /^idp_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/;
const STACK_TRACE = /\n\s+at /;

let api: RunningApi;
const tag = randomBytes(3).toString('hex').toUpperCase();
const supplierCode = `CLI-${tag}`;

/** How long the API trusts a key it has verified: a key the admin command revokes stops working within it. */
const KEY_CACHE_SECONDS = 2;

beforeAll(async () => {
  api = await startApi({
    TEMPORAL_TASK_QUEUE: `e2e-admin-${randomUUID()}`,
    API_KEY_CACHE_SECONDS: String(KEY_CACHE_SECONDS),
  });
});

afterAll(async () => {
  await api?.stop();
});

describe('the admin command', () => {
  it('prints its usage for --help (and with no command), without needing a database', async () => {
    for (const args of [['--help'], ['-h'], []]) {
      const run = await admin(args, { DATABASE_URL: undefined });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(run.stdout).toContain('Usage:');
      for (const command of [
        'organisation create --role ROLE --code CODE --name NAME',
        'organisation list',
        'key create --organisation ID_OR_CODE',
        'key list',
        'key revoke KEY_ID',
        'organisation set-adapter --organisation ID_OR_CODE --adapter none|webhook|sandbox [--settings JSON]',
      ]) {
        expect(run.stdout).toContain(command);
      }
      expect(run.stdout).toContain('icb, delivery-partner, supplier, practice, operator');
    }
  });

  let organisationId: string;
  let keyId: string;
  let key: string;

  it('registers an organisation, which then appears in the organisation list', async () => {
    const created = await admin([
      'organisation',
      'create',
      '--role',
      'supplier',
      '--code',
      supplierCode,
      '--name',
      'Command Line Systems Ltd',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created supplier ${supplierCode} (Command Line Systems Ltd)`);
    organisationId = /^id: (\S+)$/m.exec(created.stdout)![1];
    expect(organisationId).toMatch(/^[0-9a-f-]{36}$/);

    const list = await admin(['organisation', 'list']);
    expect(list.code).toBe(0);
    const row = lines(list.stdout).find((l) => l.startsWith(organisationId));
    expect(row).toMatch(new RegExp(`supplier\\s+${supplierCode}\\s+Command Line Systems Ltd$`));

    const again = await admin(['organisation', 'create', '--role', 'supplier', '--code', supplierCode, '--name', 'X']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`An organisation with code ${supplierCode} already exists`);
    expect(again.stderr).not.toMatch(STACK_TRACE);
  });

  it('creates a key, printed alone on the last line, that the API accepts for the organisation', async () => {
    const run = await admin(['key', 'create', '--organisation', supplierCode, '--label', 'integration server']);
    expect(run.code).toBe(0);
    key = lines(run.stdout).at(-1)!;
    expect(key).toMatch(KEY);
    keyId = /Created API key (\S+) \(integration server\)/.exec(run.stdout)![1];
    // The key is shown once, on its own; nothing else on stdout repeats it.
    expect(run.stdout.split(key)).toHaveLength(2);

    const res = await call(api.baseUrl, 'GET', '/v1/migrations', undefined, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [], total: 0 });
    // It acts as that organisation: a supplier may not kick off.
    const kickoff = await call(api.baseUrl, 'POST', '/v1/migrations', {}, { authorization: `Bearer ${key}` });
    expect(kickoff.status).toBe(403);
  });

  it('lists the key by id, prefix and label, never its secret', async () => {
    for (const args of [
      ['key', 'list', '--organisation', supplierCode],
      ['key', 'list', '--organisation', organisationId],
      ['key', 'list'],
    ]) {
      const run = await admin(args);
      expect(run.code).toBe(0);
      const row = lines(run.stdout).find((l) => l.startsWith(keyId));
      expect(row).toMatch(/integration server\s+active$/);
      expect(row).toContain(`${key.slice(0, 17)}…`);
      expect(run.stdout).not.toContain(key.slice(17));
    }
    const only = await admin(['key', 'list', '--organisation', supplierCode]);
    expect(lines(only.stdout)).toHaveLength(1);
  });

  it('revokes the key: the API refuses it within API_KEY_CACHE_SECONDS, and the list shows it revoked', async () => {
    const bearer = { authorization: `Bearer ${key}` };
    // Just verified, so the API holds it in its cache when the (other) admin process revokes it.
    expect((await call(api.baseUrl, 'GET', '/v1/migrations', undefined, bearer)).status).toBe(200);
    const run = await admin(['key', 'revoke', keyId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Revoked API key ${keyId} (integration server)`);
    const revoked = Date.now();

    const res = await eventually(async () => {
      const answer = await call(api.baseUrl, 'GET', '/v1/migrations', undefined, bearer);
      return answer.status === 401 && answer;
    }, 10_000);
    expect(Date.now() - revoked).toBeLessThan(KEY_CACHE_SECONDS * 1000 + 1000);
    expect(res.body.detail).toMatch(/revoked/);

    const list = await admin(['key', 'list', '--organisation', supplierCode]);
    expect(lines(list.stdout).find((l) => l.startsWith(keyId))).toMatch(/revoked \d{4}-\d{2}-\d{2}T/);

    // Revoking again changes nothing and is not an error.
    const again = await admin(['key', 'revoke', keyId]);
    expect(again.code).toBe(0);
  });

  it('makes a supplier a sandbox with its settings, and refuses settings that do not fit', async () => {
    const sandboxCode = `SIM-${tag}`;
    expect(
      (await admin(['organisation', 'create', '--role', 'supplier', '--code', sandboxCode, '--name', 'S'])).code,
    ).toBe(0);
    const set = await admin([
      'organisation',
      'set-adapter',
      '--organisation',
      sandboxCode,
      '--adapter',
      'sandbox',
      '--settings',
      '{"delayWorkingDays": 1, "late": ["extractDelivered"]}',
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`${sandboxCode} now uses the sandbox adapter`);
    expect(set.stdout).toContain('"late":["extractDelivered"]');
    expect(set.stdout).not.toMatch(/idp_[0-9a-f]{12}_/);
    const keys = await admin(['key', 'list', '--organisation', sandboxCode]);
    expect(keys.stdout).toMatch(/sandbox supplier\s+active/);

    const refused: Array<[string[], RegExp]> = [
      [['--adapter', 'sandbox', '--settings', '{"late": ["signedOff"]}'], /signedOff is not a supplier's milestone/],
      [['--adapter', 'sandbox', '--settings', 'not json'], /--settings must be JSON/],
      [['--adapter', 'fax'], /--adapter must be one of none, webhook, sandbox/],
      [['--adapter', 'webhook'], /has no webhook URL and signing secret/],
    ];
    for (const [args, reason] of refused) {
      const run = await admin(['organisation', 'set-adapter', '--organisation', sandboxCode, ...args]);
      expect({
        args,
        code: run.code === 0,
        reason: reason.test(run.stderr),
        trace: STACK_TRACE.test(run.stderr),
      }).toEqual({
        args,
        code: false,
        reason: true,
        trace: false,
      });
    }
  });

  it('refuses bad input with a non-zero exit and a one-line reason, never a stack trace', async () => {
    const practice = randomOdsCode();
    const cases: Array<[string[], RegExp]> = [
      [
        ['organisation', 'create', '--role', 'boss', '--code', `X-${tag}`, '--name', 'Y'],
        /--role must be one of icb, delivery-partner, supplier, practice, operator/,
      ],
      [
        ['organisation', 'create', '--role', 'icb', '--code', 'EMIS', '--name', 'Y'],
        /code of a icb must be an ICB code/,
      ],
      [
        ['organisation', 'create', '--role', 'practice', '--code', 'Q1X', '--name', 'Y'],
        /code of a practice must be a practice ODS code/,
      ],
      [
        ['organisation', 'create', '--role', 'supplier', '--code', 'lower-case', '--name', 'Y'],
        /code of a supplier must be a supplier code/,
      ],
      [['organisation', 'create', '--role', 'practice', '--code', practice, '--name', ' '], /name must not be empty/],
      [
        ['organisation', 'create', '--role', 'practice', '--code', practice],
        /organisation create needs --role, --code and --name/,
      ],
      [['organisation', 'create', '--role'], /Option '--role <value>' argument missing/],
      [['organisation', 'create', '--role', 'icb', '--colour', 'red'], /Unknown option '--colour'/],
      [['key', 'create'], /key create needs --organisation/],
      [['key', 'create', '--organisation', `NOBODY-${tag}`], new RegExp(`There is no organisation NOBODY-${tag}`)],
      [['key', 'list', '--organisation', `NOBODY-${tag}`], new RegExp(`There is no organisation NOBODY-${tag}`)],
      [['key', 'revoke'], /key revoke needs the key id/],
      [['key', 'revoke', 'not-a-key-id'], /There is no API key not-a-key-id/],
      [['key', 'revoke', '00000000-0000-4000-8000-000000000000'], /There is no API key 00000000-/],
      [['organisations', 'create'], /Unknown command "organisations create"/],
      [['key'], /Unknown command "key"/],
    ];
    // A few at a time: each run boots the command and connects to Postgres.
    const runs: AdminRun[] = [];
    for (let i = 0; i < cases.length; i += 4) {
      runs.push(...(await Promise.all(cases.slice(i, i + 4).map(([args]) => admin(args)))));
    }
    const outcomes = runs.map((run, i) => ({
      args: cases[i][0].join(' '),
      failed: run.code !== 0,
      reason: cases[i][1].test(run.stderr),
      stackTrace: STACK_TRACE.test(run.stdout + run.stderr),
    }));
    expect(outcomes).toEqual(
      cases.map(([args]) => ({ args: args.join(' '), failed: true, reason: true, stackTrace: false })),
    );
    // Nothing was created by the refused commands.
    const list = await admin(['organisation', 'list']);
    expect(list.stdout).not.toContain(practice);
    expect(list.stdout).not.toContain(`X-${tag}`);
  });

  it('says which database it cannot reach, without the password or a stack trace', async () => {
    const run = await admin(['organisation', 'list'], { DATABASE_URL: 'postgres://idp:hunter2@127.0.0.1:1/idp' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('127.0.0.1:1');
    expect(run.stderr).toMatch(/nothing is listening/);
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });
});
