import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { londonTimeToEpochMs } from '@idp/domain';
import { call, startApi, type RunningApi } from '../support/api-process';
import { exited, spawnApp } from '../support/processes';
import { futureWorkingDay, kickoffFor, seedIsolatedParties, type Parties, type Party } from '../support/parties';
import { eventually, randomOdsCode } from '../support/worker-harness';

/*
 * One whole IDP through the public API only, each step by the key of the organisation that owns it, against the
 * built API and worker processes; then the portfolio list and its filters, the plan/pause/resume/participants/
 * cancel routes, idempotency keys, and the process's refusals as HTTP statuses.
 */

type Answer = Awaited<ReturnType<typeof call>>;

const OPERATOR_KEY = `operator-${randomBytes(24).toString('hex')}`;
const operator = { authorization: `Bearer ${OPERATOR_KEY}` };

let api: RunningApi;
let worker: ChildProcess;
let db: DataSource;
let parties: Parties;

const send = (
  who: Party | Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> =>
  call(api.baseUrl, method, `/v1${path}`, body, { ...('auth' in who ? (who.auth as object) : who), ...headers });

const report = (
  who: Party,
  id: string,
  milestone: string,
  payload: object = {},
  headers: Record<string, string> = {},
) => send(who, 'POST', `/migrations/${id}/milestones/${milestone}`, payload, headers);

/** A refusal: the status, a problem details body and the workflow's stable reason. */
function expectRefused(res: Answer, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(typeof res.body.detail).toBe('string');
}

const ids = (res: Answer): string[] => res.body.items.map((m: { id: string }) => m.id);

beforeAll(async () => {
  const env = { TEMPORAL_TASK_QUEUE: `e2e-routes-${randomUUID()}` };
  worker = spawnApp('worker', env);
  api = await startApi({ ...env, ALLOW_COMPRESSED_TIME: 'true', OPERATOR_API_KEY: OPERATOR_KEY });
  db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  parties = await seedIsolatedParties(db);
});

afterAll(async () => {
  await api?.stop();
  worker?.kill('SIGTERM');
  if (worker) await exited(worker);
  await db?.destroy();
});

describe('a whole IDP through the API, each step by its owner', () => {
  let id: string;
  let kickoffBody: Record<string, unknown>;

  it('kicks off once per Idempotency-Key: a replay is the same migration, the key on another body is refused', async () => {
    kickoffBody = kickoffFor(parties, {
      participants: [
        { name: 'Pat Khan', organisation: 'Riverside Surgery', role: 'practice', email: 'pat@example.nhs.uk' },
        { name: 'Nia New', organisation: parties.newSupplier.name, role: 'new-supplier' },
      ],
    });
    const key = `kickoff-${randomUUID()}`;
    const first = await send(parties.icb, 'POST', '/migrations', kickoffBody, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    id = first.body.id;
    expect(first.headers.get('location')).toBe(`/v1/migrations/${id}`);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body).toEqual({ id, workflowId: `idp-${id}`, status: 'active' });

    const replay = await send(parties.icb, 'POST', '/migrations', kickoffBody, { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);

    const reused = await send(
      parties.icb,
      'POST',
      '/migrations',
      { ...kickoffBody, practiceName: 'Another Surgery' },
      { 'idempotency-key': key },
    );
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IdempotencyKeyReused');

    // Still one migration for the practice.
    const practiceList = await send(parties.practice, 'GET', '/migrations');
    expect(practiceList.status).toBe(200);
    expect(ids(practiceList)).toEqual([id]);

    const detail = await send(parties.practice, 'GET', `/migrations/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id, stage: 'preparing', status: 'active', source: 'workflow' });
  });

  it('refuses what the process cannot do yet: 409 for the wrong order or state, 422 for the wrong command or details', async () => {
    const { newSupplier, currentSupplier, practice, deliveryPartner } = parties;
    expectRefused(await report(newSupplier, id, 'extractReceived'), 409, 'PrerequisitesNotMet');
    expectRefused(
      await send(practice, 'POST', `/migrations/${id}/rounds/current/outcome`, { outcome: 'passed' }),
      409,
      'RoundNotReady',
    );
    expectRefused(
      await send(practice, 'POST', `/migrations/${id}/sign-off`, {
        clinicalLeadName: 'Dr Amira Shah',
        declarationAccepted: true,
      }),
      409,
      'PrerequisitesNotMet',
    );
    expectRefused(await send(deliveryPartner, 'POST', `/migrations/${id}/resume`), 409, 'MigrationNotPaused');
    expectRefused(await report(practice, id, 'dataCheckPassed'), 422, 'WrongCommandForMilestone');
    expectRefused(await report(practice, id, 'signedOff'), 422, 'WrongCommandForMilestone');
    expectRefused(await report(currentSupplier, id, 'subsidiaryExtractDelivered'), 422, 'MilestoneNotIncluded');
    expectRefused(await report(newSupplier, id, 'adminUsersProvisioned', {}), 422, 'InvalidPayload');
    expectRefused(
      await send(deliveryPartner, 'PATCH', `/migrations/${id}/plan`, { reason: 'Nothing to change' }),
      422,
      'InvalidPayload',
    );
    const unknown = await report(newSupplier, id, 'extractTeleported');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('UnknownMilestone');

    // Nothing above changed the migration.
    const detail = await send(parties.icb, 'GET', `/migrations/${id}`);
    expect(detail.body.process.milestones.filter((m: { state: string }) => m.state === 'done')).toEqual([]);
  });

  it('answers a repeated report: the same Idempotency-Key gets the same answer, a changed repeat is refused', async () => {
    const key = `report-${randomUUID()}`;
    const first = await report(parties.newSupplier, id, 'extractRequested', {}, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      milestone: 'extractRequested',
      round: 1,
      completedAt: expect.any(String),
      duplicate: false,
    });
    const again = await report(parties.newSupplier, id, 'extractRequested', {}, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const delivered = await report(parties.currentSupplier, id, 'extractDelivered', { evidence: 'MESH message 42' });
    expect(delivered.status).toBe(200);
    expect(delivered.body.duplicate).toBe(false);
    // The same report again without a key is recognised as a repeat of the first; a different one is refused.
    const repeat = await report(parties.currentSupplier, id, 'extractDelivered', { evidence: 'MESH message 42' });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ ...delivered.body, duplicate: true });
    expectRefused(
      await report(parties.currentSupplier, id, 'extractDelivered', { evidence: 'MESH message 43' }),
      409,
      'MilestoneAlreadyCompleted',
    );
  });

  it('takes every remaining milestone from its owner, in order, through data checking to the sign-off', async () => {
    const { newSupplier, practice, deliveryPartner } = parties;
    const steps: Array<[Party, string, object]> = [
      [newSupplier, 'extractReceived', {}],
      [newSupplier, 'extractLoaded', {}],
      [newSupplier, 'testSystemAvailable', {}],
      [newSupplier, 'adminUsersProvisioned', { adminUsers: [{ name: 'Pat Khan' }, { name: 'Lee Admin' }] }],
      [practice, 'practiceUsersSetUp', {}],
      // The delivery partner may report training on the new supplier's behalf.
      [
        deliveryPartner,
        'trainingScheduled',
        { trainingSession: { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 120, location: 'Online' } },
      ],
      [newSupplier, 'usersTrained', { trainedUsers: 2 }],
    ];
    for (const [who, milestone, payload] of steps) {
      const res = await report(who, id, milestone, payload);
      expect({ milestone, status: res.status, body: res.body }).toEqual({
        milestone,
        status: 200,
        body: { milestone, round: 1, completedAt: expect.any(String), duplicate: false },
      });
    }
    const checking = await send(practice, 'GET', `/migrations/${id}`);
    expect(checking.body.stage).toBe('data-checking');
    expect(checking.body.process.nextActions['new-supplier'].map((a: { milestone: string }) => a.milestone)).toEqual([
      'testCriteriaProvided',
    ]);

    for (const [who, milestone] of [
      [newSupplier, 'testCriteriaProvided'],
      [practice, 'patientsSelected'],
      [practice, 'dataCheckRoundCompleted'],
    ] as const) {
      const res = await report(who, id, milestone, { note: `${milestone} done` });
      expect({ milestone, status: res.status }).toEqual({ milestone, status: 200 });
    }

    // No sign-off before a passed round.
    const signOff = { clinicalLeadName: 'Dr Amira Shah', declarationAccepted: true, note: 'Two open issues accepted' };
    expectRefused(await send(practice, 'POST', `/migrations/${id}/sign-off`, signOff), 409, 'PrerequisitesNotMet');

    const outcome = await send(practice, 'POST', `/migrations/${id}/rounds/current/outcome`, {
      outcome: 'passed',
      summary: { accuracyPercent: 99.5, completenessPercent: 100, openIssues: 2 },
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toEqual({ round: 1, outcome: 'passed', escalated: false });
    expectRefused(
      await send(practice, 'POST', `/migrations/${id}/rounds/current/outcome`, { outcome: 'passed' }),
      409,
      'MilestoneAlreadyCompleted',
    );
    expect((await send(practice, 'GET', `/migrations/${id}`)).body.stage).toBe('awaiting-sign-off');

    const signed = await send(practice, 'POST', `/migrations/${id}/sign-off`, signOff);
    expect(signed.status).toBe(200);
    expect(Date.parse(signed.body.signedAt)).toBeGreaterThan(Date.now() - 60_000);

    // A signed-off migration takes nothing more.
    expectRefused(await report(newSupplier, id, 'extractRequested', { note: 'again' }), 409, 'MigrationClosed');
    expectRefused(
      await send(deliveryPartner, 'POST', `/migrations/${id}/pause`, { reason: 'Too late' }),
      409,
      'MigrationClosed',
    );
  });

  it('shows the migration signed off, every milestone done, with the audit trail in order and who did each step', async () => {
    const detail = await send(parties.currentSupplier, 'GET', `/migrations/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id,
      status: 'signed-off',
      stage: 'signed-off',
      atRisk: false,
      practiceOdsCode: parties.practice.code,
      deliveryPartner: parties.deliveryPartner.code,
    });
    const { process } = detail.body;
    expect(process.signOff).toMatchObject({ clinicalLeadName: 'Dr Amira Shah', signedBy: { role: 'practice' } });
    expect(process.rounds).toEqual([
      expect.objectContaining({ round: 1, outcome: 'passed', summary: expect.objectContaining({ openIssues: 2 }) }),
    ]);
    const states = Object.fromEntries(process.milestones.map((m: { key: string; state: string }) => [m.key, m.state]));
    expect(states).toEqual({
      extractRequested: 'done',
      extractDelivered: 'done',
      subsidiaryExtractDelivered: 'waived',
      extractReceived: 'done',
      extractLoaded: 'done',
      subsidiaryExtractLoaded: 'waived',
      testSystemAvailable: 'done',
      adminUsersProvisioned: 'done',
      practiceUsersSetUp: 'done',
      trainingScheduled: 'done',
      usersTrained: 'done',
      testCriteriaProvided: 'done',
      patientsSelected: 'done',
      dataCheckRoundCompleted: 'done',
      dataCheckPassed: 'done',
      signedOff: 'done',
    });

    const { icb, deliveryPartner, currentSupplier, newSupplier, practice } = parties;
    const expected: Array<[string, Party, string?]> = [
      ['migration.kicked-off', icb],
      ['milestone.reported', newSupplier, 'extractRequested'],
      ['milestone.reported', currentSupplier, 'extractDelivered'],
      ['milestone.reported', newSupplier, 'extractReceived'],
      ['milestone.reported', newSupplier, 'extractLoaded'],
      ['milestone.reported', newSupplier, 'testSystemAvailable'],
      ['milestone.reported', newSupplier, 'adminUsersProvisioned'],
      ['milestone.reported', practice, 'practiceUsersSetUp'],
      ['milestone.reported', deliveryPartner, 'trainingScheduled'],
      ['milestone.reported', newSupplier, 'usersTrained'],
      ['milestone.reported', newSupplier, 'testCriteriaProvided'],
      ['milestone.reported', practice, 'patientsSelected'],
      ['milestone.reported', practice, 'dataCheckRoundCompleted'],
      ['round.outcome-recorded', practice],
      ['data-check.signed-off', practice],
      // The declaration as signed (text, accepted open issues), recorded by the API once the workflow accepted it.
      ['data-check.declaration-signed', practice],
    ];
    const roleIn: Record<string, string> = {
      [icb.code]: 'icb',
      [deliveryPartner.code]: 'delivery-partner',
      [currentSupplier.code]: 'current-supplier',
      [newSupplier.code]: 'new-supplier',
      [practice.code]: 'practice',
    };
    const events = await send(icb, 'GET', `/migrations/${id}/events?pageSize=100`);
    expect(events.status).toBe(200);
    // The parties' actions, in order; between them the orchestrator's own requests to the (not integrated) suppliers.
    const byParties = events.body.items.filter((e: any) => e.action !== 'supplier.requested');
    const supplierRequests = events.body.items.filter((e: any) => e.action === 'supplier.requested');
    expect(events.body.total).toBe(events.body.items.length);
    expect(byParties.map((e: any) => [e.action, e.actor.role, e.actor.organisation, e.details.milestone])).toEqual(
      expected.map(([action, who, milestone]) => [action, roleIn[who.code], who.code, milestone]),
    );
    expect(supplierRequests.length).toBeGreaterThanOrEqual(3);
    expect(supplierRequests.every((e: any) => e.actor.role === 'system' && e.details.adapter === 'none')).toBe(true);
    expect(events.body.items[0].actor.name).toBe(icb.name);
    expect(events.body.items.at(-1).details).toMatchObject({ clinicalLeadName: 'Dr Amira Shah' });
    const times = events.body.items.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Paged: the second page of five is events 6 to 10; every participant can read the trail.
    const page2 = await send(practice, 'GET', `/migrations/${id}/events?page=2&pageSize=5`);
    expect(page2.status).toBe(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 5, total: events.body.total });
    expect(page2.body.items.map((e: { id: string }) => e.id)).toEqual(
      events.body.items.slice(5, 10).map((e: { id: string }) => e.id),
    );

    // The read model (lists) catches up with the workflow.
    await eventually(async () => {
      const list = await send(deliveryPartner, 'GET', '/migrations?stage=signed-off');
      return ids(list).includes(id);
    });
  });

  describe('the portfolio list', () => {
    let late: string;
    const lateSupplier = () => `LATE-${parties.deliveryPartner.code.slice(3)}`;

    it('filters by stage, atRisk, overdue, supplier and icbCode, pages with a total, and shows each organisation only its own', async () => {
      // A second migration on compressed time (a working day is 0.3 s): its first steps are soon overdue.
      const kicked = await send(
        parties.deliveryPartner,
        'POST',
        '/migrations',
        kickoffFor(parties, {
          practiceOdsCode: randomOdsCode(),
          practiceName: 'Late Lane Surgery',
          newSupplier: lateSupplier(),
          deliveryPartner: undefined,
          timeScale: { workingDayMs: 300 },
        }),
      );
      expect(kicked.status).toBe(201);
      late = kicked.body.id;

      const dp = parties.deliveryPartner;
      const overdue = await eventually(async () => {
        const res = await send(dp, 'GET', '/migrations?overdue=true');
        return ids(res).includes(late) && res;
      }, 30_000);
      expect(ids(overdue)).toEqual([late]);
      expect(overdue.body.items[0]).toMatchObject({
        id: late,
        stage: 'preparing',
        status: 'active',
        atRisk: true,
        newSupplier: lateSupplier(),
        deliveryPartner: dp.code,
        overdueCount: expect.any(Number),
      });
      expect(overdue.body.items[0].overdueCount).toBeGreaterThan(0);

      const list = async (query: string, who: Party | Record<string, string> = dp) => {
        const res = await send(who, 'GET', `/migrations?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 200 });
        return { ids: ids(res), total: res.body.total as number };
      };
      const signed = id;
      expect(await list('')).toEqual({ ids: [late, signed], total: 2 });
      expect(await list('overdue=false')).toEqual({ ids: [signed], total: 1 });
      expect(await list('atRisk=true')).toEqual({ ids: [late], total: 1 });
      expect(await list('atRisk=false')).toEqual({ ids: [signed], total: 1 });
      expect(await list('stage=preparing')).toEqual({ ids: [late], total: 1 });
      expect(await list('stage=signed-off')).toEqual({ ids: [signed], total: 1 });
      expect(await list('stage=data-checking')).toEqual({ ids: [], total: 0 });
      expect(await list(`supplier=${lateSupplier()}`)).toEqual({ ids: [late], total: 1 });
      expect(await list(`supplier=${parties.newSupplier.code.toLowerCase()}`)).toEqual({ ids: [signed], total: 1 });
      expect(await list(`supplier=${parties.currentSupplier.code}`)).toEqual({ ids: [late, signed], total: 2 });
      expect(await list(`icbCode=${parties.icb.code}`)).toEqual({ ids: [late, signed], total: 2 });
      expect(await list(`icbCode=${parties.otherIcb.code}`)).toEqual({ ids: [], total: 0 });
      expect(await list('stage=preparing&atRisk=false')).toEqual({ ids: [], total: 0 });
      // Newest first, paged, with the total of every page.
      expect(await list('pageSize=1')).toEqual({ ids: [late], total: 2 });
      expect(await list('pageSize=1&page=2')).toEqual({ ids: [signed], total: 2 });
      expect(await list('pageSize=1&page=3')).toEqual({ ids: [], total: 2 });

      // Each organisation sees the migrations it takes part in; the operator sees every one.
      expect((await list('', parties.icb)).ids).toEqual([late, signed]);
      expect((await list('', parties.currentSupplier)).ids).toEqual([late, signed]);
      expect((await list('', parties.newSupplier)).ids).toEqual([signed]);
      expect((await list('', parties.practice)).ids).toEqual([signed]);
      for (const outsider of [
        parties.otherIcb,
        parties.otherDeliveryPartner,
        parties.otherSupplier,
        parties.otherPractice,
      ]) {
        expect(await list('', outsider)).toEqual({ ids: [], total: 0 });
      }
      expect(await list(`supplier=${lateSupplier()}`, operator)).toEqual({ ids: [late], total: 1 });
      expect((await list(`icbCode=${parties.icb.code}&pageSize=100`, operator)).ids).toEqual([late, signed]);

      // The live status says the same as the list, and who is late.
      const detail = await send(dp, 'GET', `/migrations/${late}`);
      expect(detail.body).toMatchObject({ atRisk: true, stage: 'preparing' });
      expect(detail.body.process.overdueCount).toBeGreaterThan(0);
      expect(
        detail.body.process.nextActions['new-supplier'].find((a: any) => a.milestone === 'extractRequested'),
      ).toMatchObject({ state: 'overdue' });

      // Done with it: cancelling stops its timers and takes it off the open lists.
      expect((await send(dp, 'POST', `/migrations/${late}/cancel`, { reason: 'Test finished' })).status).toBe(200);
      await eventually(async () => (await list('stage=cancelled')).ids.includes(late));
      expect(await list('atRisk=true')).toEqual({ ids: [], total: 0 });
      expect(await list('overdue=true')).toEqual({ ids: [], total: 0 });
    });
  });
});

describe('changing a running migration', () => {
  let id: string;
  const path = (suffix: string) => `/migrations/${id}${suffix}`;

  beforeAll(async () => {
    const res = await send(
      parties.icb,
      'POST',
      '/migrations',
      kickoffFor(parties, {
        practiceOdsCode: randomOdsCode(),
        practiceName: 'Hillside Practice',
        participants: [{ name: 'Sam Patel', organisation: 'Hillside Practice', role: 'practice' }],
      }),
    );
    expect(res.status).toBe(201);
    id = res.body.id;
  });

  it('replans the go-live date and a due date', async () => {
    const { deliveryPartner, icb } = parties;
    const goLive = futureWorkingDay(20);
    const replanned = await send(deliveryPartner, 'PATCH', path('/plan'), {
      plannedGoLive: goLive,
      reason: 'The practice asked for a later go-live',
    });
    expect(replanned.status).toBe(200);
    expect(replanned.body).toEqual({ plannedGoLive: goLive, forecastGoLive: goLive, slipWorkingDays: 0 });

    const due = futureWorkingDay(2);
    const moved = await send(icb, 'PATCH', path('/plan'), {
      dueDates: { extractRequested: due },
      reason: 'Supplier agreed a date',
    });
    expect(moved.status).toBe(200);

    const detail = await send(icb, 'GET', path(''));
    expect(detail.body.plannedGoLive).toBe(goLive);
    const extract = detail.body.process.milestones.find((m: { key: string }) => m.key === 'extractRequested');
    // A date means the end of that working day in London.
    expect(extract.dueAt).toBe(new Date(londonTimeToEpochMs(due, 17)).toISOString());
    await eventually(async () => {
      const list = await send(deliveryPartner, 'GET', `/migrations?pageSize=100`);
      return list.body.items.find((m: { id: string }) => m.id === id)?.plannedGoLive === goLive;
    });
  });

  it('pauses (once per Idempotency-Key), refuses a second pause, resumes, and refuses a second resume', async () => {
    const { deliveryPartner, icb } = parties;
    const key = `pause-${randomUUID()}`;
    const paused = await send(icb, 'POST', path('/pause'), { reason: 'Practice merger' }, { 'idempotency-key': key });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    // A retry with the same key is answered, not refused as a second pause.
    const retried = await send(icb, 'POST', path('/pause'), { reason: 'Practice merger' }, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('paused');
    expectRefused(await send(deliveryPartner, 'POST', path('/pause'), { reason: 'Again' }), 409, 'MigrationPaused');

    const detail = await send(parties.newSupplier, 'GET', path(''));
    expect(detail.body).toMatchObject({ status: 'paused', process: { pausedAt: expect.any(String) } });

    const resumed = await send(deliveryPartner, 'POST', path('/resume'));
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('active');
    expect(resumed.body.pausedAt).toBeUndefined();
    expectRefused(await send(deliveryPartner, 'POST', path('/resume')), 409, 'MigrationNotPaused');
  });

  it('replaces the participants', async () => {
    const participants = [
      { name: 'Sam Patel', organisation: 'Hillside Practice', role: 'practice', email: 'sam@example.nhs.uk' },
      { name: 'Dee Partner', organisation: 'CSU', role: 'delivery-partner', notificationPreference: 'none' },
    ];
    const res = await send(parties.deliveryPartner, 'PUT', path('/participants'), { participants });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(participants);
    expect((await send(parties.icb, 'GET', path(''))).body.process.participants).toEqual(participants);
  });

  it('cancels with a reason; the migration then refuses every change and its trail shows who did what', async () => {
    const { deliveryPartner, icb, newSupplier } = parties;
    const cancelled = await send(icb, 'POST', path('/cancel'), { reason: 'Practice merged with another' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', stage: 'cancelled' });

    const detail = await send(deliveryPartner, 'GET', path(''));
    expect(detail.body).toMatchObject({ status: 'cancelled', stage: 'cancelled', atRisk: false });
    expect(detail.body.process.cancellation).toMatchObject({
      reason: 'Practice merged with another',
      by: { role: 'icb', organisationId: icb.code },
    });
    expect(detail.body.process.nextActions).toEqual({});

    expectRefused(await report(newSupplier, id, 'extractRequested'), 409, 'MigrationClosed');
    expectRefused(await send(deliveryPartner, 'POST', path('/resume')), 409, 'MigrationClosed');
    expectRefused(
      await send(deliveryPartner, 'PATCH', path('/plan'), { plannedGoLive: futureWorkingDay(30), reason: 'Later' }),
      409,
      'MigrationClosed',
    );
    expectRefused(await send(icb, 'POST', path('/cancel'), { reason: 'Twice' }), 409, 'MigrationClosed');

    const events = await send(newSupplier, 'GET', path('/events?pageSize=100'));
    const byParties = events.body.items.filter((e: any) => e.action !== 'supplier.requested');
    expect(byParties.map((e: any) => [e.action, e.actor.role, e.details.reason])).toEqual([
      ['migration.kicked-off', 'icb', undefined],
      ['plan.changed', 'delivery-partner', 'The practice asked for a later go-live'],
      ['plan.changed', 'icb', 'Supplier agreed a date'],
      ['migration.paused', 'icb', 'Practice merger'],
      ['migration.resumed', 'delivery-partner', undefined],
      ['participants.changed', 'delivery-partner', undefined],
      ['migration.cancelled', 'icb', 'Practice merged with another'],
    ]);
    await eventually(async () => {
      const list = await send(deliveryPartner, 'GET', '/migrations?stage=cancelled');
      return ids(list).includes(id);
    });
  });
});
