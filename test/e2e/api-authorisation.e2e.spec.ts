import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import type { Role } from '@idp/domain';
import { call, startApi, type RunningApi } from '../support/api-process';
import { collect, exited, spawnApp } from '../support/processes';
import { createParty, futureWorkingDay, kickoffFor, seedIsolatedParties, type Parties } from '../support/parties';
import { eventually, randomOdsCode } from '../support/worker-harness';

/*
 * Who may call what. One table of routes, every kind of caller (each organisation role, the operator, and an
 * outsider of each role), on a migration the caller takes part in and on one it does not. Then authentication,
 * malformed input on every route, and two promises that hold across the whole file: no answer is ever a 500, and
 * no API key ever shows up in an answer or in the API's log.
 */

const OPERATOR_KEY = `operator-${randomBytes(24).toString('base64url')}`;

const CALLERS = [
  'icb',
  'deliveryPartner',
  'currentSupplier',
  'newSupplier',
  'practice',
  'operator',
  'otherIcb',
  'otherDeliveryPartner',
  'otherSupplier',
  'otherPractice',
] as const;
type CallerName = (typeof CALLERS)[number];
type MigrationRole = Role | 'operator';

/**
 * Migration A is among the five main parties. Migration B is among the outsiders, except that the main new
 * supplier is B's CURRENT supplier: a supplier's role comes from the field that names it.
 */
const ROLE_IN: Record<'A' | 'B', Partial<Record<CallerName, MigrationRole>>> = {
  A: {
    icb: 'icb',
    deliveryPartner: 'delivery-partner',
    currentSupplier: 'current-supplier',
    newSupplier: 'new-supplier',
    practice: 'practice',
    operator: 'operator',
  },
  B: {
    otherIcb: 'icb',
    otherDeliveryPartner: 'delivery-partner',
    newSupplier: 'current-supplier',
    otherSupplier: 'new-supplier',
    otherPractice: 'practice',
    operator: 'operator',
  },
};

interface MigrationRoute {
  route: string;
  method: string;
  path: string;
  body?: unknown;
  /** Roles in the migration the route is for; absent: every participant, the operator included. */
  roles?: MigrationRole[];
  /** The answer an authorised caller gets. Both migrations are cancelled, so a command is refused as closed. */
  authorised: string;
}

const CLOSED = '409 MigrationClosed';
const PLANNERS: MigrationRole[] = ['icb', 'delivery-partner'];
const trainingPayload = { trainingSession: { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 90 } };

/** Every route on one migration (`:id`), with a body valid for it. */
const MIGRATION_ROUTES: MigrationRoute[] = [
  { route: 'GET /migrations/:id', method: 'GET', path: '', authorised: '200' },
  { route: 'GET /migrations/:id/events', method: 'GET', path: '/events', authorised: '200' },
  ...(
    [
      ['extractRequested', ['new-supplier'], {}],
      ['extractDelivered', ['current-supplier'], { evidence: 'MESH 1' }],
      ['subsidiaryExtractDelivered', ['current-supplier'], {}],
      ['extractReceived', ['new-supplier'], {}],
      ['extractLoaded', ['new-supplier'], {}],
      ['subsidiaryExtractLoaded', ['new-supplier'], {}],
      ['testSystemAvailable', ['new-supplier'], {}],
      ['adminUsersProvisioned', ['new-supplier'], { adminUsers: [{ name: 'Pat Khan' }] }],
      ['practiceUsersSetUp', ['practice'], {}],
      ['trainingScheduled', ['new-supplier', 'delivery-partner'], trainingPayload],
      ['usersTrained', ['new-supplier', 'delivery-partner'], { trainedUsers: 3 }],
      ['testCriteriaProvided', ['new-supplier', 'delivery-partner'], {}],
      ['patientsSelected', ['practice', 'delivery-partner'], {}],
      ['dataCheckRoundCompleted', ['practice'], {}],
    ] as Array<[string, MigrationRole[], object]>
  ).map(([key, roles, body]) => ({
    route: `POST /migrations/:id/milestones/${key}`,
    method: 'POST',
    path: `/milestones/${key}`,
    body,
    roles,
    authorised: CLOSED,
  })),
  {
    route: 'PATCH /migrations/:id/plan',
    method: 'PATCH',
    path: '/plan',
    body: { plannedGoLive: futureWorkingDay(16), reason: 'Later' },
    roles: PLANNERS,
    authorised: CLOSED,
  },
  {
    route: 'POST /migrations/:id/pause',
    method: 'POST',
    path: '/pause',
    body: { reason: 'Hold' },
    roles: PLANNERS,
    authorised: CLOSED,
  },
  { route: 'POST /migrations/:id/resume', method: 'POST', path: '/resume', roles: PLANNERS, authorised: CLOSED },
  {
    route: 'POST /migrations/:id/cancel',
    method: 'POST',
    path: '/cancel',
    body: { reason: 'Stop' },
    roles: PLANNERS,
    authorised: CLOSED,
  },
  {
    route: 'PUT /migrations/:id/participants',
    method: 'PUT',
    path: '/participants',
    body: { participants: [{ name: 'Sam Patel', organisation: 'Riverside Surgery', role: 'practice' }] },
    roles: PLANNERS,
    authorised: CLOSED,
  },
  {
    route: 'POST /migrations/:id/rounds/current/outcome',
    method: 'POST',
    path: '/rounds/current/outcome',
    body: { outcome: 'failed', remedy: 're-transform' },
    roles: ['practice', 'delivery-partner'],
    authorised: CLOSED,
  },
  {
    route: 'POST /migrations/:id/sign-off',
    method: 'POST',
    path: '/sign-off',
    body: { clinicalLeadName: 'Dr Amira Shah', declarationAccepted: true },
    roles: ['practice'],
    authorised: CLOSED,
  },
];

/** What a caller with this role in the migration (none: an outsider) must get from the route. */
function expectedAnswer(route: MigrationRoute, role: MigrationRole | undefined): string {
  if (!role) return '404';
  if (route.roles && !route.roles.includes(role)) return '403';
  return route.authorised;
}

type Answer = Awaited<ReturnType<typeof call>>;
interface Recorded {
  what: string;
  status: number;
  text: string;
  /** A key this answer is allowed to show: the one it just created. */
  shows?: string;
}

let api: RunningApi;
let apiOutput: { out: () => string };
let worker: ChildProcess;
let db: DataSource;
let parties: Parties;
const auth: Partial<Record<CallerName, Record<string, string>>> = {};
const migration: Record<'A' | 'B', string> = { A: '', B: '' };
const recorded: Recorded[] = [];
const createdKeys: string[] = [];

/** Every request of this file goes through here, so the final checks see every answer. */
async function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Answer> {
  const res = await call(api.baseUrl, method, path, body, headers);
  const text = `${JSON.stringify(res.body)} ${JSON.stringify([...res.headers.entries()])}`;
  const shows = typeof res.body?.key === 'string' ? res.body.key : undefined;
  if (shows) createdKeys.push(shows);
  recorded.push({ what: `${method} ${path}`, status: res.status, text, shows });
  return res;
}

const as = (caller: CallerName) => auth[caller]!;
/** A status, plus the stable reason code when a problem body has one: `409 MigrationClosed`. */
const label = (res: Answer) => `${res.status}${res.status >= 400 && res.body?.code ? ` ${res.body.code}` : ''}`;

beforeAll(async () => {
  const env = { TEMPORAL_TASK_QUEUE: `e2e-authz-${randomUUID()}` };
  worker = spawnApp('worker', env);
  api = await startApi({ ...env, OPERATOR_API_KEY: OPERATOR_KEY, LOG_LEVEL: 'trace' });
  apiOutput = collect(api.process);
  db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  parties = await seedIsolatedParties(db);
  for (const name of CALLERS) {
    auth[name] = name === 'operator' ? { authorization: `Bearer ${OPERATOR_KEY}` } : parties[name].auth;
  }

  const a = await send('POST', '/v1/migrations', as('icb'), kickoffFor(parties));
  const b = await send(
    'POST',
    '/v1/migrations',
    as('otherIcb'),
    kickoffFor(parties, {
      practiceOdsCode: parties.otherPractice.code,
      icbCode: parties.otherIcb.code,
      currentSupplier: parties.newSupplier.code,
      newSupplier: parties.otherSupplier.code,
      deliveryPartner: parties.otherDeliveryPartner.code,
    }),
  );
  expect([a.status, b.status]).toEqual([201, 201]);
  migration.A = a.body.id;
  migration.B = b.body.id;
  // Cancelled, so no check below changes anything: an authorised command is answered 409 MigrationClosed.
  for (const [id, icb] of [
    [migration.A, 'icb'],
    [migration.B, 'otherIcb'],
  ] as const) {
    const cancelled = await send('POST', `/v1/migrations/${id}/cancel`, as(icb), { reason: 'Authorisation checks' });
    expect(cancelled.status).toBe(200);
  }
  await eventually(async () => {
    const rows = await db.query(
      `SELECT count(*)::int AS n FROM migration WHERE id = ANY($1) AND status = 'cancelled'`,
      [[migration.A, migration.B]],
    );
    return rows[0].n === 2;
  });
});

afterAll(async () => {
  await api?.stop();
  worker?.kill('SIGTERM');
  if (worker) await exited(worker);
  await db?.destroy();
});

describe('the authorisation matrix: every caller × every route × a migration it takes part in and one it does not', () => {
  it.each(MIGRATION_ROUTES.map((r) => [r.route, r] as const))('%s', async (_, route) => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    await Promise.all(
      CALLERS.flatMap((caller) =>
        (['A', 'B'] as const).map(async (m) => {
          const cell = `${caller} on ${m} (${ROLE_IN[m][caller] ?? 'outsider'})`;
          expected[cell] = expectedAnswer(route, ROLE_IN[m][caller]);
          const res = await send(route.method, `/v1/migrations/${migration[m]}${route.path}`, as(caller), route.body);
          actual[cell] = label(res);
        }),
      ),
    );
    expect(actual).toEqual(expected);
  });

  it('POST /migrations: an ICB kicks off in its own ICB only, a delivery partner as itself only; nobody else', async () => {
    const own = (caller: CallerName) => {
      const icbCode = caller === 'otherIcb' ? parties.otherIcb.code : parties.icb.code;
      return kickoffFor(parties, { practiceOdsCode: randomOdsCode(), icbCode, deliveryPartner: undefined });
    };
    const foreign = (caller: CallerName) =>
      kickoffFor(parties, {
        practiceOdsCode: randomOdsCode(),
        icbCode: caller === 'otherIcb' ? parties.icb.code : parties.otherIcb.code,
        deliveryPartner:
          caller === 'otherDeliveryPartner' ? parties.deliveryPartner.code : parties.otherDeliveryPartner.code,
      });
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const caller of CALLERS) {
      const role = caller === 'operator' ? 'operator' : parties[caller].role;
      const kicks = role === 'icb' || role === 'delivery-partner';
      expected[`${caller}, own`] = kicks ? '201' : '403';
      // Another ICB's practice is forbidden; naming another delivery partner is a wrong field.
      expected[`${caller}, foreign`] = role === 'delivery-partner' ? '400' : '403';
      actual[`${caller}, own`] = label(await send('POST', '/v1/migrations', as(caller), own(caller)));
      actual[`${caller}, foreign`] = label(await send('POST', '/v1/migrations', as(caller), foreign(caller)));
    }
    expect(actual).toEqual(expected);
  });

  it('GET /migrations: everyone may list, and sees only the migrations it takes part in (the operator sees all)', async () => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const caller of CALLERS) {
      const res = await send('GET', '/v1/migrations?stage=cancelled&pageSize=100', as(caller));
      const listed = res.body.items?.map((m: { id: string }) => m.id) ?? [];
      const sees = (['A', 'B'] as const).filter((m) => listed.includes(migration[m]));
      expected[caller] = `200 ${(['A', 'B'] as const).filter((m) => ROLE_IN[m][caller]).join('+')}`;
      actual[caller] = `${res.status} ${sees.join('+')}`;
    }
    expect(actual).toEqual(expected);
  });

  it('the administration routes are for the operator only, whichever organisation they are about', async () => {
    const spare = await createParty(db, 'practice', randomOdsCode());
    const throwaway = await send('POST', `/v1/organisations/${spare.code}/api-keys`, as('operator'), {});
    expect(throwaway.status).toBe(201);
    const routes: Array<[string, (caller: CallerName, own: boolean) => [string, string, unknown?]]> = [
      [
        'POST /organisations',
        () => [
          'POST',
          '/v1/organisations',
          { role: 'supplier', code: `SUP-${randomBytes(4).toString('hex').toUpperCase()}`, name: 'New Supplier' },
        ],
      ],
      ['GET /organisations', () => ['GET', '/v1/organisations']],
      [
        'POST /organisations/:code/api-keys',
        (caller, own) => [
          'POST',
          `/v1/organisations/${own && caller !== 'operator' ? parties[caller].code : spare.code}/api-keys`,
          { label: 'matrix' },
        ],
      ],
      [
        'PUT /organisations/:code/supplier-adapter',
        () => ['PUT', `/v1/organisations/${parties.otherSupplier.code}/supplier-adapter`, { adapter: 'none' }],
      ],
      ['GET /api-keys', () => ['GET', '/v1/api-keys']],
      ['DELETE /api-keys/:keyId', () => ['DELETE', `/v1/api-keys/${throwaway.body.id}`]],
    ];
    const ok: Record<string, string> = {
      'POST /organisations': '201',
      'GET /organisations': '200',
      'POST /organisations/:code/api-keys': '201',
      'PUT /organisations/:code/supplier-adapter': '200',
      'GET /api-keys': '200',
      'DELETE /api-keys/:keyId': '200',
    };
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const [route, request] of routes) {
      for (const caller of CALLERS) {
        for (const own of [true, false]) {
          const cell = `${route} by ${caller}${own ? ' (own organisation)' : ''}`;
          // The operator's own organisation has no code to name: one cell for it.
          if (caller === 'operator' && own) continue;
          expected[cell] = caller === 'operator' ? ok[route] : '403';
          const [method, path, body] = request(caller, own);
          actual[cell] = label(await send(method, path, as(caller), body));
        }
      }
    }
    expect(actual).toEqual(expected);
    // Nobody but the operator made a key.
    const keys = await send('GET', '/v1/api-keys', as('operator'));
    const labelled = keys.body.filter((k: { label: string }) => k.label === 'matrix');
    expect(labelled).toHaveLength(1);
    expect(labelled[0].organisationId).toBe(spare.organisationId);
  });

  it('says "not found" the same way for a migration of others as for one that does not exist', async () => {
    const foreign = await send('GET', `/v1/migrations/${migration.B}`, as('icb'));
    const missingId = randomUUID();
    const missing = await send('GET', `/v1/migrations/${missingId}`, as('icb'));
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail.replace(migration.B, '<id>')).toBe(missing.body.detail.replace(missingId, '<id>'));
    expect(foreign.body.title).toBe(missing.body.title);
    // A forbidden action on a migration it takes part in names the caller's role instead.
    const forbidden = await send('POST', `/v1/migrations/${migration.A}/pause`, as('practice'), { reason: 'x' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    expect(forbidden.body.detail).toContain('practice');
    const operatorActs = await send('POST', `/v1/migrations/${migration.A}/pause`, as('operator'), { reason: 'x' });
    expect(operatorActs.status).toBe(403);
  });
});

describe('authentication', () => {
  it('answers 401 on every route without a key, except health and the API documents', async () => {
    const id = migration.A;
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/v1/migrations', kickoffFor(parties)],
      ['GET', '/v1/migrations'],
      ...MIGRATION_ROUTES.map((r): [string, string, unknown?] => [r.method, `/v1/migrations/${id}${r.path}`, r.body]),
      ['POST', '/v1/organisations', { role: 'icb', code: 'Q00', name: 'x' }],
      ['GET', '/v1/organisations'],
      ['POST', `/v1/organisations/${parties.icb.code}/api-keys`, {}],
      ['GET', '/v1/api-keys'],
      ['DELETE', `/v1/api-keys/${randomUUID()}`],
    ];
    const statuses: Record<string, number> = {};
    for (const [method, path, body] of routes) {
      const res = await send(method, path, {}, body);
      statuses[`${method} ${path}`] = res.status;
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(statuses).toEqual(Object.fromEntries(routes.map(([m, p]) => [`${m} ${p}`, 401])));
    expect((await send('GET', '/health')).status).toBe(200);
    expect((await send('GET', '/docs-json')).status).toBe(200);
  });

  it('answers 401 to a malformed, unknown or altered key, whatever the route', async () => {
    const key = parties.practice.key;
    const prefix = key.slice(0, 17);
    const otherSecret = randomBytes(24).toString('base64url');
    const presented = [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from(`x:${key}`).toString('base64')}`,
      key,
      `Token ${key}`,
      `Bearer ${key}x`,
      `Bearer ${key.slice(0, -1)}`,
      `Bearer ${prefix}${otherSecret}`,
      `Bearer idp_000000000000_${otherSecret}`,
      `Bearer ${key} ${key}`,
      `Bearer ${OPERATOR_KEY}x`,
      `Bearer ${OPERATOR_KEY.slice(0, -1)}`,
      'Bearer idp_',
      `Bearer ${'a'.repeat(5000)}`,
    ];
    for (const authorization of presented) {
      const list = await send('GET', '/v1/migrations', { authorization });
      const own = await send('GET', `/v1/migrations/${migration.A}`, { authorization });
      expect({ authorization, list: list.status, own: own.status }).toEqual({ authorization, list: 401, own: 401 });
    }
    // The scheme is case-insensitive, as HTTP says.
    expect((await send('GET', `/v1/migrations/${migration.A}`, { authorization: `bearer ${key}` })).status).toBe(200);
  });

  it('a key works until the operator revokes it, then gets 401 at once; the key list never shows a secret', async () => {
    const created = await send('POST', `/v1/organisations/${parties.practice.code}/api-keys`, as('operator'), {
      label: 'practice laptop',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      organisationId: parties.practice.organisationId,
      label: 'practice laptop',
      key: expect.stringMatching(/^idp_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/),
    });
    const bearer = { authorization: `Bearer ${created.body.key}` };
    expect((await send('GET', `/v1/migrations/${migration.A}`, bearer)).status).toBe(200);

    const revoked = await send('DELETE', `/v1/api-keys/${created.body.id}`, as('operator'));
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.body.id, revokedAt: expect.any(String) });
    const after = await send('GET', `/v1/migrations/${migration.A}`, bearer);
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/revoked/);
    // The organisation's other keys still work.
    expect((await send('GET', `/v1/migrations/${migration.A}`, as('practice'))).status).toBe(200);

    const keys = await send('GET', '/v1/api-keys', as('operator'));
    const listed = keys.body.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ label: 'practice laptop', revokedAt: revoked.body.revokedAt });
    expect(listed.prefix).toBe(created.body.key.slice(4, 16));
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'id', 'label', 'organisationId', 'prefix', 'revokedAt']);
  });
});

describe('malformed input', () => {
  const A = () => `/v1/migrations/${migration.A}`;
  const longText = (n: number) => 'x'.repeat(n);
  const tooMany = (n: number, item: object) => Array.from({ length: n }, () => item);
  const person = { name: 'Sam Patel', organisation: 'Riverside Surgery', role: 'practice' };
  const training = { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 60 };

  interface BodyRoute {
    route: string;
    method: string;
    path: () => string;
    caller: CallerName;
    valid: () => Record<string, unknown>;
    /** [what is wrong, change to the valid body (undefined removes the field), the field `errors` must name] */
    cases: Array<[string, Record<string, unknown>, string]>;
  }

  const ROUTES: BodyRoute[] = [
    {
      route: 'POST /migrations',
      method: 'POST',
      path: () => '/v1/migrations',
      caller: 'icb',
      valid: () => kickoffFor(parties, { practiceOdsCode: randomOdsCode() }),
      cases: [
        ['practiceOdsCode a number', { practiceOdsCode: 81001 }, 'practiceOdsCode'],
        ['practiceOdsCode too short', { practiceOdsCode: 'A8100' }, 'practiceOdsCode'],
        ['practiceOdsCode missing', { practiceOdsCode: undefined }, 'practiceOdsCode'],
        ['practiceName empty', { practiceName: '' }, 'practiceName'],
        ['practiceName too long', { practiceName: longText(201) }, 'practiceName'],
        ['practiceName an object', { practiceName: { first: 'x' } }, 'practiceName'],
        ['icbCode not an ICB code', { icbCode: 'XYZ' }, 'icbCode'],
        ['icbCode a boolean', { icbCode: true }, 'icbCode'],
        ['currentSupplier too short', { currentSupplier: 'E' }, 'currentSupplier'],
        ['newSupplier an array', { newSupplier: ['TPP'] }, 'newSupplier'],
        ['newSupplier with spaces', { newSupplier: 'T P P' }, 'newSupplier'],
        ['newSupplier the current one', { currentSupplier: 'SAME', newSupplier: 'same' }, 'newSupplier'],
        ['deliveryPartner lower case', { deliveryPartner: 'csu-midlands' }, 'deliveryPartner'],
        ['deliveryPartner a number', { deliveryPartner: 7 }, 'deliveryPartner'],
        ['plannedGoLive a number', { plannedGoLive: 20270315 }, 'plannedGoLive'],
        ['plannedGoLive in the past', { plannedGoLive: '2020-01-06' }, 'plannedGoLive'],
        ['plannedGoLive not a date', { plannedGoLive: '2027-13-01' }, 'plannedGoLive'],
        ['plannedGoLive a Saturday', { plannedGoLive: '2027-03-13' }, 'plannedGoLive'],
        ['plannedGoLive after the calendar', { plannedGoLive: '2099-03-16' }, 'plannedGoLive'],
        ['participants not a list', { participants: 'everyone' }, 'participants'],
        ['participants too many', { participants: tooMany(51, person) }, 'participants'],
        ['participant without a name', { participants: [{ ...person, name: undefined }] }, 'participants[0].name'],
        ['participant with a bad role', { participants: [{ ...person, role: 'boss' }] }, 'participants[0].role'],
        ['participant with a bad email', { participants: [{ ...person, email: 'sam@' }] }, 'participants[0].email'],
        ['participant with a bad phone', { participants: [{ ...person, phone: 'call me' }] }, 'participants[0].phone'],
        [
          'participant with a bad preference',
          { participants: [{ ...person, notificationPreference: 'pigeon' }] },
          'participants[0].notificationPreference',
        ],
        ['participant with an unknown field', { participants: [{ ...person, age: 40 }] }, 'participants[0].age'],
        ['participant not an object', { participants: [5] }, 'participants[0]'],
        ['optionalMilestones not a list', { optionalMilestones: 'subsidiaryExtractDelivered' }, 'optionalMilestones'],
        ['optionalMilestones not optional', { optionalMilestones: ['extractRequested'] }, 'optionalMilestones'],
        ['timeScale not an object', { timeScale: 'fast' }, 'timeScale'],
        ['timeScale too fast', { timeScale: { workingDayMs: 50 } }, 'timeScale.workingDayMs'],
        ['timeScale a string', { timeScale: { workingDayMs: '300' } }, 'timeScale.workingDayMs'],
        ['unknown field', { surprise: true }, 'surprise'],
      ],
    },
    {
      route: 'POST /migrations/:id/milestones/:key',
      method: 'POST',
      path: () => `${A()}/milestones/trainingScheduled`,
      caller: 'newSupplier',
      valid: () => ({ trainingSession: training }),
      cases: [
        ['evidence a number', { evidence: 42 }, 'evidence'],
        ['evidence too long', { evidence: longText(501) }, 'evidence'],
        ['note an object', { note: {} }, 'note'],
        ['note too long', { note: longText(2001) }, 'note'],
        ['adminUsers not a list', { adminUsers: 'Pat' }, 'adminUsers'],
        ['adminUsers empty', { adminUsers: [] }, 'adminUsers'],
        ['adminUsers more than 3', { adminUsers: tooMany(4, { name: 'A' }) }, 'adminUsers'],
        ['admin user without a name', { adminUsers: [{ email: 'a@example.nhs.uk' }] }, 'adminUsers[0].name'],
        ['admin user with an empty name', { adminUsers: [{ name: '' }] }, 'adminUsers[0].name'],
        ['admin user email a number', { adminUsers: [{ name: 'A', email: 5 }] }, 'adminUsers[0].email'],
        ['admin user unknown field', { adminUsers: [{ name: 'A', role: 'root' }] }, 'adminUsers[0].role'],
        ['trainedUsers zero', { trainedUsers: 0 }, 'trainedUsers'],
        ['trainedUsers a fraction', { trainedUsers: 1.5 }, 'trainedUsers'],
        ['trainedUsers a string', { trainedUsers: '2' }, 'trainedUsers'],
        ['trainedUsers too many', { trainedUsers: 1001 }, 'trainedUsers'],
        ['trainingSession not an object', { trainingSession: 'tomorrow' }, 'trainingSession'],
        [
          'startsAt not a date-time',
          { trainingSession: { ...training, startsAt: 'soon' } },
          'trainingSession.startsAt',
        ],
        [
          'durationMinutes zero',
          { trainingSession: { ...training, durationMinutes: 0 } },
          'trainingSession.durationMinutes',
        ],
        [
          'durationMinutes over a day',
          { trainingSession: { ...training, durationMinutes: 1441 } },
          'trainingSession.durationMinutes',
        ],
        ['location a number', { trainingSession: { ...training, location: 5 } }, 'trainingSession.location'],
        ['session unknown field', { trainingSession: { ...training, room: '2B' } }, 'trainingSession.room'],
        ['unknown field', { done: true }, 'done'],
      ],
    },
    {
      route: 'PATCH /migrations/:id/plan',
      method: 'PATCH',
      path: () => `${A()}/plan`,
      caller: 'icb',
      valid: () => ({ plannedGoLive: futureWorkingDay(16), reason: 'Later' }),
      cases: [
        ['plannedGoLive not ISO', { plannedGoLive: '15/03/2027' }, 'plannedGoLive'],
        ['plannedGoLive a number', { plannedGoLive: 20270315 }, 'plannedGoLive'],
        ['plannedGoLive not a date', { plannedGoLive: '2027-13-45' }, 'plannedGoLive'],
        ['plannedGoLive in the past', { plannedGoLive: '2020-01-06' }, 'plannedGoLive'],
        ['plannedGoLive a Sunday', { plannedGoLive: '2027-03-14' }, 'plannedGoLive'],
        ['dueDates a string', { dueDates: 'soon' }, 'dueDates'],
        ['dueDates a list', { dueDates: ['2027-01-01'] }, 'dueDates'],
        ['a due date a number', { dueDates: { extractRequested: 5 } }, 'dueDates'],
        ['a due date not a date', { dueDates: { extractRequested: 'next week' } }, 'dueDates'],
        ['a due date impossible', { dueDates: { extractRequested: '2027-02-30' } }, 'dueDates'],
        ['a due date after the calendar', { dueDates: { extractRequested: '2099-01-02T10:00:00Z' } }, 'dueDates'],
        ['reason missing', { reason: undefined }, 'reason'],
        ['reason empty', { reason: '' }, 'reason'],
        ['reason a number', { reason: 5 }, 'reason'],
        ['reason too long', { reason: longText(1001) }, 'reason'],
        ['unknown field', { why: 'x' }, 'why'],
      ],
    },
    ...(['pause', 'cancel'] as const).map((command): BodyRoute => ({
      route: `POST /migrations/:id/${command}`,
      method: 'POST',
      path: () => `${A()}/${command}`,
      caller: 'deliveryPartner',
      valid: () => ({ reason: 'Practice merger' }),
      cases: [
        ['reason missing', { reason: undefined }, 'reason'],
        ['reason empty', { reason: '' }, 'reason'],
        ['reason a list', { reason: ['x'] }, 'reason'],
        ['reason too long', { reason: longText(1001) }, 'reason'],
        ['unknown field', { until: '2027-01-01' }, 'until'],
      ],
    })),
    {
      route: 'PUT /migrations/:id/participants',
      method: 'PUT',
      path: () => `${A()}/participants`,
      caller: 'icb',
      valid: () => ({ participants: [person] }),
      cases: [
        ['participants missing', { participants: undefined }, 'participants'],
        ['participants an object', { participants: person }, 'participants'],
        ['participants empty', { participants: [] }, 'participants'],
        ['participants too many', { participants: tooMany(51, person) }, 'participants'],
        ['participant with an empty name', { participants: [{ ...person, name: '' }] }, 'participants[0].name'],
        [
          'participant organisation a number',
          { participants: [person, { ...person, organisation: 3 }] },
          'participants[1].organisation',
        ],
        ['participant with a bad role', { participants: [{ ...person, role: 'supplier' }] }, 'participants[0].role'],
        ['unknown field', { replace: true }, 'replace'],
      ],
    },
    {
      route: 'POST /migrations/:id/rounds/current/outcome',
      method: 'POST',
      path: () => `${A()}/rounds/current/outcome`,
      caller: 'practice',
      valid: () => ({ outcome: 'failed', remedy: 're-extract', summary: { openIssues: 3 } }),
      cases: [
        ['outcome missing', { outcome: undefined }, 'outcome'],
        ['outcome unknown', { outcome: 'maybe' }, 'outcome'],
        ['outcome a boolean', { outcome: true }, 'outcome'],
        ['remedy unknown', { remedy: 'reboot' }, 'remedy'],
        ['summary not an object', { summary: 'good' }, 'summary'],
        ['accuracy over 100', { summary: { accuracyPercent: 101 } }, 'summary.accuracyPercent'],
        ['accuracy a string', { summary: { accuracyPercent: '99' } }, 'summary.accuracyPercent'],
        ['completeness negative', { summary: { completenessPercent: -1 } }, 'summary.completenessPercent'],
        ['openIssues a fraction', { summary: { openIssues: 1.5 } }, 'summary.openIssues'],
        ['openIssues negative', { summary: { openIssues: -2 } }, 'summary.openIssues'],
        ['summary note a number', { summary: { note: 5 } }, 'summary.note'],
        ['summary unknown field', { summary: { grade: 'A' } }, 'summary.grade'],
        ['unknown field', { round: 1 }, 'round'],
      ],
    },
    {
      route: 'POST /migrations/:id/sign-off',
      method: 'POST',
      path: () => `${A()}/sign-off`,
      caller: 'practice',
      valid: () => ({ clinicalLeadName: 'Dr Amira Shah', declarationAccepted: true }),
      cases: [
        ['clinicalLeadName missing', { clinicalLeadName: undefined }, 'clinicalLeadName'],
        ['clinicalLeadName empty', { clinicalLeadName: '' }, 'clinicalLeadName'],
        ['clinicalLeadName a number', { clinicalLeadName: 7 }, 'clinicalLeadName'],
        ['clinicalLeadName too long', { clinicalLeadName: longText(201) }, 'clinicalLeadName'],
        ['declaration not accepted', { declarationAccepted: false }, 'declarationAccepted'],
        ['declaration a string', { declarationAccepted: 'true' }, 'declarationAccepted'],
        ['declaration missing', { declarationAccepted: undefined }, 'declarationAccepted'],
        ['note a number', { note: 1 }, 'note'],
        ['unknown field', { signature: 'x' }, 'signature'],
      ],
    },
    {
      route: 'POST /organisations',
      method: 'POST',
      path: () => '/v1/organisations',
      caller: 'operator',
      valid: () => ({ role: 'supplier', code: `SUP-${randomBytes(4).toString('hex').toUpperCase()}`, name: 'X Ltd' }),
      cases: [
        ['role unknown', { role: 'boss' }, 'role'],
        ['role missing', { role: undefined }, 'role'],
        ['code a number', { code: 5 }, 'code'],
        ['code too short', { code: 'A' }, 'code'],
        ['code not fitting the role', { role: 'icb', code: 'EMIS' }, 'code'],
        ['code lower case', { code: 'emis' }, 'code'],
        ['name empty', { name: '' }, 'name'],
        ['name a list', { name: ['X'] }, 'name'],
        ['webhookUrl not http', { webhookUrl: 'ftp://supplier.example/hook' }, 'webhookUrl'],
        ['webhookUrl not a URL', { webhookUrl: 'not a url' }, 'webhookUrl'],
        ['unknown field', { admin: true }, 'admin'],
      ],
    },
    {
      route: 'POST /organisations/:idOrCode/api-keys',
      method: 'POST',
      path: () => `/v1/organisations/${parties.otherPractice.code}/api-keys`,
      caller: 'operator',
      valid: () => ({ label: 'integration' }),
      cases: [
        ['label a number', { label: 5 }, 'label'],
        ['label too long', { label: longText(101) }, 'label'],
        ['unknown field', { expires: 'never' }, 'expires'],
      ],
    },
  ];

  const withChange = (valid: Record<string, unknown>, change: Record<string, unknown>) => {
    const body = { ...valid, ...change };
    for (const [field, value] of Object.entries(change)) if (value === undefined) delete body[field];
    return body;
  };

  it.each(ROUTES.map((r) => [r.route, r] as const))('%s: 400 naming the field for every bad field', async (_, r) => {
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const [what, change, field] of r.cases) {
      const res = await send(r.method, r.path(), as(r.caller), withChange(r.valid(), change));
      const fields: string[] = res.body?.errors?.map((e: { field: string }) => e.field) ?? [];
      expected[what] = `400 naming ${field}`;
      actual[what] = `${res.status} naming ${fields.includes(field) ? field : fields.join(',') || '-'}`;
      if (res.status === 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(actual).toEqual(expected);
  });

  it('query parameters of the lists: 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/migrations?stage=finished', 'stage'],
      ['/v1/migrations?icbCode=XYZ', 'icbCode'],
      ['/v1/migrations?supplier=a%20b', 'supplier'],
      ['/v1/migrations?atRisk=maybe', 'atRisk'],
      ['/v1/migrations?overdue=yes', 'overdue'],
      ['/v1/migrations?page=0', 'page'],
      ['/v1/migrations?page=one', 'page'],
      ['/v1/migrations?pageSize=0', 'pageSize'],
      ['/v1/migrations?pageSize=101', 'pageSize'],
      ['/v1/migrations?pageSize=2.5', 'pageSize'],
      ['/v1/migrations?sort=name', 'sort'],
      [`/v1/migrations/${migration.A}/events?page=-1`, 'page'],
      [`/v1/migrations/${migration.A}/events?pageSize=1000`, 'pageSize'],
      [`/v1/migrations/${migration.A}/events?order=desc`, 'order'],
    ];
    const actual = [];
    for (const [path, field] of cases) {
      const res = await send('GET', path, as('icb'));
      actual.push([path, res.status, res.body?.errors?.some((e: { field: string }) => e.field === field)]);
    }
    expect(actual).toEqual(cases.map(([path]) => [path, 400, true]));
  });

  it('a body that is not JSON, or not an object, is a 400', async () => {
    const cases: Array<[CallerName, string, string, string]> = [
      ['icb', 'POST', '/v1/migrations', '{"practiceOdsCode": '],
      ['newSupplier', 'POST', `${A()}/milestones/extractRequested`, "{'evidence': 'x'}"],
      ['icb', 'POST', `${A()}/pause`, '{"reason": "x",}'],
      ['practice', 'POST', `${A()}/sign-off`, 'clinicalLeadName=Dr+Who'],
      ['operator', 'POST', '/v1/organisations', '{"role": "icb"'],
      ['icb', 'POST', '/v1/migrations', 'null'],
      ['icb', 'POST', '/v1/migrations', '"A81001"'],
      ['icb', 'POST', '/v1/migrations', '[]'],
      ['newSupplier', 'POST', `${A()}/milestones/extractRequested`, '[{"evidence": "x"}]'],
    ];
    for (const [caller, method, path, text] of cases) {
      const res = await send(method, path, { ...as(caller), 'content-type': 'application/json' }, text);
      expect({ path, text, status: res.status }).toEqual({ path, text, status: 400 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('an Idempotency-Key of the wrong form is a 400 naming the header', async () => {
    const requests: Array<[CallerName, string, string, unknown]> = [
      ['icb', 'POST', '/v1/migrations', kickoffFor(parties, { practiceOdsCode: randomOdsCode() })],
      ['newSupplier', 'POST', `${A()}/milestones/extractRequested`, {}],
      ['icb', 'POST', `${A()}/pause`, { reason: 'x' }],
      ['icb', 'PATCH', `${A()}/plan`, { plannedGoLive: futureWorkingDay(16), reason: 'x' }],
      ['practice', 'POST', `${A()}/sign-off`, { clinicalLeadName: 'Dr Who', declarationAccepted: true }],
    ];
    for (const bad of ['has space', longText(201), 'semi;colon', 'slash/key']) {
      for (const [caller, method, path, body] of requests) {
        const res = await send(method, path, { ...as(caller), 'idempotency-key': bad }, body);
        expect({ path, bad, status: res.status, field: res.body?.errors?.[0]?.field }).toEqual({
          path,
          bad,
          status: 400,
          field: 'Idempotency-Key',
        });
      }
    }
  });

  it('a path id that is not a UUID is a 400', async () => {
    const cases: Array<[CallerName, string, string, unknown?]> = [
      ['icb', 'GET', '/v1/migrations/42'],
      ['icb', 'GET', '/v1/migrations/not-a-uuid/events'],
      ['icb', 'POST', '/v1/migrations/not-a-uuid/pause', { reason: 'x' }],
      ['newSupplier', 'POST', `/v1/migrations/${migration.A.slice(0, -1)}/milestones/extractRequested`, {}],
      ['practice', 'POST', `/v1/migrations/${migration.A}x/sign-off`, {}],
      ['operator', 'DELETE', '/v1/api-keys/not-a-uuid'],
    ];
    for (const [caller, method, path, body] of cases) {
      const res = await send(method, path, as(caller), body);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      if (path.startsWith('/v1/migrations'))
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    }
  });

  it('a body over 256 kB is a 413; one just under is read and judged on its fields', async () => {
    const huge = longText(300 * 1024);
    const over: Array<[CallerName, string, string, unknown]> = [
      ['icb', 'POST', '/v1/migrations', kickoffFor(parties, { practiceName: huge })],
      ['newSupplier', 'POST', `${A()}/milestones/extractRequested`, { note: huge }],
      ['icb', 'PUT', `${A()}/participants`, { participants: [{ ...person, name: huge }] }],
      ['operator', 'POST', '/v1/organisations', { role: 'icb', code: 'Q00', name: huge }],
    ];
    for (const [caller, method, path, body] of over) {
      const res = await send(method, path, as(caller), body);
      expect({ path, status: res.status }).toEqual({ path, status: 413 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const under = await send('POST', `${A()}/milestones/extractRequested`, as('newSupplier'), {
      note: longText(250 * 1024),
    });
    expect(under.status).toBe(400);
    expect(under.body.errors.map((e: { field: string }) => e.field)).toEqual(['note']);
  });
});

describe('across every request of this file', () => {
  it('no answer was a 500', () => {
    expect(recorded.length).toBeGreaterThan(500);
    expect(recorded.filter((r) => r.status >= 500).map((r) => `${r.status} ${r.what}`)).toEqual([]);
  });

  it('no API key appeared in an answer (except the one that created it) or in the API log', async () => {
    const keys = [OPERATOR_KEY, ...Object.values(parties).map((p) => p.key), ...createdKeys];
    // The part of a key that must never show: the secret after `idp_<prefix>_`, the random tail of the operator key.
    const secretOf = (key: string) => key.slice(key.startsWith('idp_') ? 17 : 'operator-'.length);
    const leaks = recorded.flatMap((r) =>
      keys.filter((k) => k !== r.shows && r.text.includes(secretOf(k))).map((k) => `${r.what} shows ${k}`),
    );
    expect(leaks).toEqual([]);

    // Let the last request logs flush, then read everything the API wrote.
    await new Promise((r) => setTimeout(r, 200));
    const log = apiOutput.out();
    expect(log).toContain('"statusCode":401');
    expect(log).toContain('"statusCode":403');
    expect(keys.filter((k) => log.includes(secretOf(k)))).toEqual([]);
  });
});
