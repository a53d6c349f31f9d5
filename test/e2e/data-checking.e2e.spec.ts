import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { call, startApi, type RunningApi } from '../support/api-process';
import { exited, spawnApp } from '../support/processes';
import { kickoffFor, seedIsolatedParties, type Parties, type Party } from '../support/parties';
import { pdfText } from '../support/pdf-text';

/*
 * Data checking through the public API against the built API and worker: criteria, patient selection (one by
 * one and by CSV), report figures from every side, record checks, the issue log, the computed figures checked
 * by hand, the round outcome that drives the workflow, the sign-off with its declaration, the ICB's
 * countersignature, and the sign-off pack whose PDF text carries the same figures. Bad input on every resource.
 */

type Answer = Awaited<ReturnType<typeof call>>;

let api: RunningApi;
let worker: ChildProcess;
let db: DataSource;
let parties: Parties;
let logs = '';
let id: string;

const send = (who: Party, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(api.baseUrl, method, `/v1/migrations/${id}${path}`, body, { ...who.auth, ...headers });
const upload = (who: Party, path: string, csv: string) => send(who, 'POST', path, csv, { 'content-type': 'text/csv' });
const report = async (who: Party, milestone: string, payload: object = {}) => {
  const res = await send(who, 'POST', `/milestones/${milestone}`, payload);
  expect({ milestone, status: res.status }).toEqual({ milestone, status: 200 });
};

function expectProblem(res: Answer, status: number, code?: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
}

/** A valid NHS number from nine digits: the modulus 11 check digit appended (none when it would be 10). */
function nhsNumber(nine: string): string {
  const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  if (check === 10) return nhsNumber(String(Number(nine) + 1).padStart(9, '0'));
  return `${nine}${check}`;
}

const P1 = '9434765919';
const P2 = '9434765870';
const P3 = nhsNumber('401023456');
const P4 = nhsNumber('485777345');
const ALL = [P1, P2, P3, P4];
const CATEGORIES = [
  'demographics-and-registration',
  'problems',
  'medication',
  'allergies',
  'immunisations',
  'consultations',
  'results',
  'recalls',
  'referrals',
  'documents',
  'appointments',
  'tasks',
];

beforeAll(async () => {
  const env = { TEMPORAL_TASK_QUEUE: `e2e-datacheck-${randomUUID()}` };
  worker = spawnApp('worker', env);
  // Info-level request logs, collected: no NHS number may appear in them.
  api = await startApi({ ...env, LOG_LEVEL: 'info' });
  api.process.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  api.process.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  parties = await seedIsolatedParties(db);
  // Thresholds of this migration's policy: accuracy 97% instead of the default 98%.
  const body = kickoffFor(parties, { dataCheckThresholds: { completenessPercent: 100, accuracyPercent: 97 } });
  const kickoff = await call(api.baseUrl, 'POST', '/v1/migrations', body, parties.icb.auth);
  expect(kickoff.status).toBe(201);
  id = kickoff.body.id;
});

afterAll(async () => {
  await api?.stop();
  worker?.kill('SIGTERM');
  if (worker) await exited(worker);
  await db?.destroy();
});

describe('data checking of one IDP, from criteria to the sign-off pack', () => {
  const patientIds: Record<string, string> = {};

  it('refuses pass thresholds outside 0–100% at kickoff', async () => {
    const bad = kickoffFor(parties, {
      practiceOdsCode: parties.otherPractice.code,
      dataCheckThresholds: { completenessPercent: 100, accuracyPercent: 101 },
    });
    const res = await call(api.baseUrl, 'POST', '/v1/migrations', bad, parties.icb.auth);
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([
      { field: 'dataCheckThresholds.accuracyPercent', message: 'accuracyPercent must be a number from 0 to 100' },
    ]);
  });

  it('gets through preparation to the data check', async () => {
    const { newSupplier, currentSupplier, practice, deliveryPartner } = parties;
    await report(newSupplier, 'extractRequested');
    await report(currentSupplier, 'extractDelivered', { evidence: 'MESH 42' });
    await report(newSupplier, 'extractReceived');
    await report(newSupplier, 'extractLoaded');
    await report(newSupplier, 'testSystemAvailable');
    await report(newSupplier, 'adminUsersProvisioned', { adminUsers: [{ name: 'Pat Khan' }] });
    await report(practice, 'practiceUsersSetUp');
    await report(deliveryPartner, 'trainingScheduled', {
      trainingSession: { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 90 },
    });
    await report(newSupplier, 'usersTrained', { trainedUsers: 2 });
  });

  it('takes test criteria from the new supplier and the delivery partner, and refuses others and bad ones', async () => {
    const { newSupplier, deliveryPartner, practice } = parties;
    const tc1 = {
      code: 'TC-01',
      description: 'On warfarin with an INR in 3 months',
      category: 'medication',
      patientsToSelect: 2,
    };
    const added = await send(newSupplier, 'POST', '/test-criteria', tc1);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ ...tc1, patientsSelected: 0, providedByRole: 'new-supplier' });
    expect((await send(deliveryPartner, 'POST', '/test-criteria', { ...tc1, code: 'TC-DP' })).status).toBe(201);
    expectProblem(await send(newSupplier, 'POST', '/test-criteria', tc1), 409, 'CriterionExists');
    expect((await send(practice, 'POST', '/test-criteria', { ...tc1, code: 'TC-9' })).status).toBe(403);
    const bad = await send(newSupplier, 'POST', '/test-criteria', { ...tc1, code: 'a b', patientsToSelect: -1 });
    expectProblem(bad, 400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'patientsToSelect']);
    await report(newSupplier, 'testCriteriaProvided');
  });

  it('selects patients once each, validating NHS numbers, and records the delivery partner as assisting', async () => {
    const { practice, deliveryPartner, icb, newSupplier } = parties;
    const first = await send(practice, 'POST', '/patients', { nhsNumber: '943 476 5919', criterion: 'TC-01' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      nhsNumber: P1,
      masked: false,
      criterion: 'TC-01',
      reason: 'criterion',
      assisted: false,
    });
    patientIds[P1] = first.body.id;

    const invalid = await send(practice, 'POST', '/patients', { nhsNumber: '9434765918' });
    expectProblem(invalid, 400);
    expect(invalid.body.errors[0].field).toBe('nhsNumber');
    expect(JSON.stringify(invalid.body)).not.toContain('9434765918');
    expectProblem(
      await send(practice, 'POST', '/patients', { nhsNumber: '943-476-5919' }),
      409,
      'PatientAlreadySelected',
    );
    expectProblem(
      await send(practice, 'POST', '/patients', { nhsNumber: P2, criterion: 'TC-77' }),
      422,
      'UnknownCriterion',
    );
    expect((await send(newSupplier, 'POST', '/patients', { nhsNumber: P2 })).status).toBe(403);

    const assisted = await send(deliveryPartner, 'POST', '/patients', { nhsNumber: P2 });
    expect(assisted.status).toBe(201);
    // The delivery partner is not shown the full number it entered.
    expect(assisted.body).toMatchObject({
      nhsNumber: '*** *** 5870',
      masked: true,
      reason: 'random',
      assisted: true,
      selectedByRole: 'delivery-partner',
    });
    patientIds[P2] = assisted.body.id;

    const asIcb = await send(icb, 'GET', '/patients');
    expect(asIcb.body.items.map((x: { nhsNumber: string }) => x.nhsNumber)).toEqual(['*** *** 5919', '*** *** 5870']);
    const asSupplier = await send(newSupplier, 'GET', '/patients');
    expect(asSupplier.body.items.map((x: { nhsNumber: string }) => x.nhsNumber)).toEqual([P1, P2]);

    // Stored encrypted: neither the number nor its digits appear in the table.
    const stored = await db.query(`SELECT * FROM selected_patient WHERE migration_id = $1`, [id]);
    expect(JSON.stringify(stored)).not.toMatch(new RegExp(`${P1}|${P2}`));
  });

  it('imports a CSV patient list all or nothing, with a report of each rejected row', async () => {
    const { practice } = parties;
    const bad = [
      'Surname,NHS Number,Criterion',
      `Smith,${P3},TC-01`,
      'Jones,9434765918,',
      `Brown,${P3},`,
      `Green,${P1},`,
      `White,${P4},TC-42`,
    ].join('\r\n');
    const refused = await upload(practice, '/patients.csv', bad);
    expectProblem(refused, 422, 'UploadRejected');
    expect(refused.body.rejected).toEqual([
      { row: 3, field: 'NHS number', message: 'Not a valid NHS number (10 digits, modulus 11 check).' },
      { row: 4, field: 'NHS number', message: 'The same patient is already on line 2.' },
      { row: 5, field: 'NHS number', message: 'This patient is already selected in this migration.' },
      { row: 6, field: 'criterion', message: 'No test criterion TC-42 in this migration.' },
    ]);
    expect(JSON.stringify(refused.body)).not.toMatch(new RegExp(ALL.join('|')));
    expect((await send(practice, 'GET', '/patients')).body.items).toHaveLength(2);

    expectProblem(await send(practice, 'POST', '/patients.csv', { csv: 'x' }), 400);
    const ok = await upload(practice, '/patients.csv', `\uFEFFSurname,NHS Number,Criterion\nSmith,${P3},TC-01\n`);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ imported: 1 });
    const list = (await send(practice, 'GET', '/patients')).body.items;
    expect(list.map((x: { nhsNumber: string }) => x.nhsNumber)).toEqual([P1, P2, P3]);
    patientIds[P3] = list[2].id;
    const criteria = (await send(practice, 'GET', '/test-criteria')).body.items;
    expect(criteria.find((c: { code: string }) => c.code === 'TC-01').patientsSelected).toBe(2);
    await report(practice, 'patientsSelected');
  });

  it('gives the patient list as CSV: full NHS numbers for the new supplier, masked for the ICB', async () => {
    const forSupplier = await send(parties.newSupplier, 'GET', '/patients.csv');
    expect(forSupplier.status).toBe(200);
    expect(forSupplier.headers.get('content-type')).toContain('text/csv');
    expect(forSupplier.body.split('\n')[0]).toBe('NHS number,criterion,reason,selected by,assisted,selected at');
    for (const n of [P1, P2, P3]) expect(forSupplier.body).toContain(n);
    const forIcb = await send(parties.icb, 'GET', '/patients.csv');
    expect(forIcb.body).toContain('*** *** 5919');
    expect(forIcb.body).not.toMatch(new RegExp(ALL.join('|')));
  });

  it('takes report figures from each side, refusing an unknown register and the wrong side’s values', async () => {
    const { currentSupplier, newSupplier, practice } = parties;
    const af = await send(currentSupplier, 'POST', '/report-figures', {
      kind: 'qof-register',
      code: 'AF',
      oldValue: 88,
    });
    expect(af.status).toBe(200);
    expect(af.body).toMatchObject({
      round: 1,
      name: 'Atrial fibrillation register',
      result: 'pending',
      oldSource: 'current-supplier',
    });
    const both = await send(newSupplier, 'POST', '/report-figures', { kind: 'qof-register', code: 'AF', newValue: 87 });
    expect(both.body).toMatchObject({ oldValue: 88, newValue: 87, difference: -1, tolerance: 0, result: 'fail' });

    expect((await send(currentSupplier, 'POST', '/report-figures', { kind: 'list-size', newValue: 1 })).status).toBe(
      403,
    );
    expect((await send(parties.icb, 'POST', '/report-figures', { kind: 'list-size', oldValue: 1 })).status).toBe(403);
    const unknown = await send(practice, 'POST', '/report-figures', { kind: 'qof-register', code: 'XYZ', oldValue: 3 });
    expectProblem(unknown, 400);
    expect(unknown.body.errors[0].field).toBe('code');

    const badCsv = 'kind,code,name,old value,new value,tolerance\nlist-size,,,5230,5228,5\nqof-register,NOPE,,1,1,\n';
    const refused = await upload(practice, '/report-figures.csv', badCsv);
    expectProblem(refused, 422, 'UploadRejected');
    expect(refused.body.rejected).toMatchObject([{ row: 3, field: 'code' }]);
    expect((await send(practice, 'GET', '/report-figures')).body.items).toHaveLength(1);

    const csv = [
      'kind,code,name,old value,new value,tolerance',
      'list-size,,,5230,5228,5',
      'target,cervical-screening-25-49,,412,412,',
      'other,,Flu vaccinations 65+,900,,',
    ].join('\n');
    expect((await upload(practice, '/report-figures.csv', csv)).body).toEqual({ imported: 3 });
    const figures = (await send(parties.icb, 'GET', '/report-figures')).body.items;
    expect(figures.map((f: { name: string; result: string }) => [f.name, f.result])).toEqual([
      ['Registered list size', 'pass'],
      ['Flu vaccinations 65+', 'pending'],
      ['Atrial fibrillation register', 'fail'],
      ['Cervical screening, women aged 25–49', 'pass'],
    ]);
    const download = await send(newSupplier, 'GET', '/report-figures.csv');
    expect(download.headers.get('content-type')).toContain('text/csv');
    expect(download.body).toContain('1,qof-register,AF,Atrial fibrillation register,88,87,-1,0,fail');
  });

  it('checks records of selected patients only; a mismatch needs a note and raises an issue', async () => {
    const { practice, newSupplier } = parties;
    const stranger = await send(practice, 'POST', '/record-checks', {
      checks: [{ patientId: randomUUID(), category: 'problems', result: 'match' }],
    });
    expectProblem(stranger, 422, 'PatientNotSelected');
    const noNote = await send(practice, 'POST', '/record-checks', {
      checks: [{ patientId: patientIds[P1], category: 'medication', result: 'mismatch' }],
    });
    expectProblem(noNote, 400);
    expect(noNote.body.errors[0].field).toBe('checks[0].note');
    const badCategory = await send(practice, 'POST', '/record-checks', {
      checks: [{ patientId: patientIds[P1], category: 'horoscope', result: 'match' }],
    });
    expect(badCategory.body.errors[0].field).toBe('checks[0].category');
    expect(
      (
        await send(newSupplier, 'POST', '/record-checks', {
          checks: [{ patientId: patientIds[P1], category: 'problems', result: 'match' }],
        })
      ).status,
    ).toBe(403);

    // Round 1: P1's medication differs; P2's allergies are missing from the test system; P3 has no appointments.
    const checks = [P1, P2, P3].flatMap((n) =>
      CATEGORIES.map((category) => {
        if (n === P1 && category === 'medication')
          return { category, result: 'mismatch', note: 'Repeat dose 5 mg shows as 50 mg' };
        if (n === P2 && category === 'allergies') {
          return {
            category,
            result: 'mismatch',
            missing: true,
            note: 'Penicillin allergy absent',
            severity: 'critical',
          };
        }
        if (n === P3 && category === 'appointments') return { category, result: 'not-applicable' };
        return { category, result: 'match' };
      }).map((c) => ({ patientId: patientIds[n], ...c })),
    );
    // Before all are in, the round has no outcome.
    const firstHalf = await send(practice, 'POST', '/record-checks', { checks: checks.slice(0, 20) });
    expect(firstHalf.status).toBe(200);
    expect((await send(practice, 'GET', '/figures')).body.byRound[0]).toMatchObject({
      unchecked: 16,
      outcome: { outcome: 'incomplete' },
    });
    expectProblem(await send(practice, 'POST', '/rounds/1/outcome', {}), 409, 'ChecksIncomplete');
    const rest = await send(parties.deliveryPartner, 'POST', '/record-checks', { checks: checks.slice(20) });
    expect(rest.status).toBe(200);

    const issues = (await send(parties.icb, 'GET', '/issues')).body.items;
    expect(issues).toMatchObject([
      { number: 1, severity: 'medium', category: 'medication', round: 1, status: 'open', patient: '*** *** 5919' },
      { number: 2, severity: 'critical', category: 'allergies', round: 1, status: 'open', patient: '*** *** 5870' },
    ]);
    // Checking the same record again replaces the answer and raises no second issue.
    await send(practice, 'POST', '/record-checks', { checks: [checks[2]] });
    expect((await send(practice, 'GET', '/issues')).body.items).toHaveLength(2);
  });

  it('computes completeness and accuracy that a hand calculation confirms, and fails round 1 against the thresholds', async () => {
    const figures = (await send(parties.icb, 'GET', '/figures')).body;
    // 3 patients × 12 categories = 36 checks; 1 not applicable → 35 expected, 1 missing → 34 present, 33 match.
    // Report figures: 3 compared (the flu figure lacks a new value), 2 within tolerance (AF is 1 short).
    // Completeness (34 + 2) / (35 + 3) = 36/38 = 94.74%; accuracy 33/34 = 97.06%.
    expect(figures.thresholds).toEqual({ completenessPercent: 100, accuracyPercent: 97 });
    expect(figures.byRound[0]).toMatchObject({
      round: 1,
      expected: 38,
      present: 36,
      completenessPercent: 94.74,
      checked: 34,
      matched: 33,
      accuracyPercent: 97.06,
      unchecked: 0,
      reportFigures: { compared: 3, withinTolerance: 2, pending: 1 },
      // Accuracy 97.06% reaches this migration's 97%; completeness fails the round.
      outcome: { outcome: 'failed', reasons: ['Completeness 94.74% is below the 100% threshold.'] },
    });
    // Medication: 3 present, 2 match → 66.67%. Allergies: 3 expected, 2 present → 66.67% complete.
    const category = (name: string) => figures.byCategory.find((c: { category: string }) => c.category === name);
    expect(category('medication')).toMatchObject({ expected: 3, checked: 3, matched: 2, accuracyPercent: 66.67 });
    expect(category('allergies')).toMatchObject({
      expected: 3,
      present: 2,
      completenessPercent: 66.67,
      accuracyPercent: 100,
    });
    expect(category('appointments')).toMatchObject({ expected: 2, present: 2 });
    const status = (await send(parties.icb, 'GET', '')).body;
    expect(status.process.dataCheckThresholds).toEqual({ completenessPercent: 100, accuracyPercent: 97 });
  });

  it('refuses sign-off before a passed round, then records the computed failure and opens round 2', async () => {
    const { practice } = parties;
    expectProblem(
      await send(practice, 'POST', '/sign-off', { clinicalLeadName: 'Dr Amira Shah', declarationAccepted: true }),
      409,
      'PrerequisitesNotMet',
    );
    expectProblem(await send(practice, 'POST', '/rounds/1/outcome', { remedy: 're-transform' }), 409, 'RoundNotReady');
    await report(practice, 'dataCheckRoundCompleted');
    expectProblem(await send(practice, 'POST', '/rounds/1/outcome', {}), 422, 'RemedyRequired');
    expectProblem(
      await send(practice, 'POST', '/rounds/2/outcome', { remedy: 're-transform' }),
      409,
      'RoundNotCurrent',
    );
    expectProblem(await send(practice, 'POST', '/rounds/0/outcome', {}), 400);
    expect((await send(parties.newSupplier, 'POST', '/rounds/1/outcome', { remedy: 're-transform' })).status).toBe(403);

    const outcome1 = { remedy: 're-transform', note: 'Dose mapping' };
    const key1 = { 'idempotency-key': 'round-1-outcome' };
    const failed = await send(practice, 'POST', '/rounds/1/outcome', outcome1, key1);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      round: 1,
      outcome: 'failed',
      remedy: 're-transform',
      nextRound: 2,
      escalated: false,
    });
    // The answer was lost: a retry with the same key gets the same answer, though round 2 is now current.
    const retried = await send(practice, 'POST', '/rounds/1/outcome', outcome1, key1);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ round: 1, outcome: 'failed', nextRound: 2 });
    // Without the key it is a new request, for a round that is over.
    expectProblem(await send(practice, 'POST', '/rounds/1/outcome', outcome1), 409, 'RoundNotCurrent');
    const status = (await send(practice, 'GET', '')).body.process;
    expect(status.round).toBe(2);
    expect(status.rounds[0]).toMatchObject({
      outcome: 'failed',
      remedy: 're-transform',
      summary: { completenessPercent: 94.74, accuracyPercent: 97.06, openIssues: 2, note: 'Dose mapping' },
    });
  });

  it('lets suppliers see and update issues, and the practice re-check and close them', async () => {
    const { newSupplier, currentSupplier, practice } = parties;
    expect((await send(currentSupplier, 'GET', '/issues')).body.items[0].patient).toBe('*** *** 5919');
    expect((await send(newSupplier, 'GET', '/issues')).body.items[0].patient).toBe(P1);
    const fixed = await send(newSupplier, 'PATCH', '/issues/1', {
      status: 'fixed-by-supplier',
      supplierReference: 'NEW-INC-1',
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ number: 1, status: 'fixed-by-supplier', supplierReference: 'NEW-INC-1' });
    expectProblem(
      await send(newSupplier, 'PATCH', '/issues/1', { status: 'closed' }),
      409,
      'IssueTransitionNotAllowed',
    );
    expect((await send(practice, 'PATCH', '/issues/2', { status: 'fixed-by-supplier' })).status).toBe(403);
    expect((await send(newSupplier, 'PATCH', '/issues/2', { severity: 'low' })).status).toBe(403);
    expect((await send(practice, 'PATCH', '/issues/1', { status: 're-checked' })).body.status).toBe('re-checked');
    expect((await send(practice, 'PATCH', '/issues/1', { status: 'closed' })).body.status).toBe('closed');
    expect((await send(practice, 'PATCH', '/issues/99', { status: 'closed' })).status).toBe(404);
    expectProblem(await send(practice, 'PATCH', '/issues/1', {}), 400);
    expectProblem(await send(practice, 'PATCH', '/issues/x', { status: 'closed' }), 400);
    const raised = await send(practice, 'POST', '/issues', {
      severity: 'low',
      category: 'reports',
      description: 'Flu report has no test-system figure yet',
    });
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({ number: 3, round: 2, status: 'open', patient: null });
  });

  it('passes round 2 on its figures and signs off with the declaration and the ICB countersignature', async () => {
    const { newSupplier, practice, icb } = parties;
    await report(newSupplier, 'extractLoaded');
    await report(newSupplier, 'testSystemAvailable');
    // Round 2 figures: the old values and tolerances carry over; the new supplier gives the test system's.
    const newValues =
      'kind,code,name,new value\nlist-size,,,5230\nqof-register,AF,,88\ntarget,cervical-screening-25-49,,412\nother,,Flu vaccinations 65+,900\n';
    expect((await upload(newSupplier, '/report-figures.csv', newValues)).body).toEqual({ imported: 4 });
    const checks = [P1, P2, P3].flatMap((n) =>
      CATEGORIES.map((category) => ({
        patientId: patientIds[n],
        category,
        result: n === P3 && category === 'appointments' ? 'not-applicable' : 'match',
      })),
    );
    expect((await send(practice, 'POST', '/record-checks', { checks })).status).toBe(200);
    await report(practice, 'dataCheckRoundCompleted');

    const figures = (await send(icb, 'GET', '/figures')).body;
    // Round 2: 35 present of 35, all match, 4 figures within tolerance: (35 + 4) / (35 + 4) = 100%.
    expect(figures.byRound[1]).toMatchObject({
      expected: 39,
      present: 39,
      completenessPercent: 100,
      accuracyPercent: 100,
    });
    // Overall, both rounds: (36 + 39) / (38 + 39) = 75/77 = 97.4%; accuracy (33 + 35) / (34 + 35) = 68/69 = 98.55%.
    expect(figures).toMatchObject({
      expected: 77,
      present: 75,
      completenessPercent: 97.4,
      checked: 69,
      matched: 68,
      accuracyPercent: 98.55,
    });

    const passed = await send(practice, 'POST', '/rounds/2/outcome', {}, { 'idempotency-key': 'round-2-outcome' });
    expect(passed.body).toMatchObject({ round: 2, outcome: 'passed', reasons: [], escalated: false });

    expectProblem(await send(icb, 'POST', '/countersign', { name: 'Jo Reed' }), 409, 'NotSignedOff');
    const signed = await send(practice, 'POST', '/sign-off', {
      clinicalLeadName: 'Dr Amira Shah',
      declarationAccepted: true,
      notMigrated: 'Appointment history before 2019',
    });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({
      signedAt: expect.any(String),
      acceptedOpenIssues: [2, 3],
      notMigrated: 'Appointment history before 2019',
      clinicalLead: { name: 'Dr Amira Shah', organisation: practice.code },
      countersignature: null,
    });
    expect(signed.body.declaration).toContain('accept the 2 issues still open (#2, #3)');
    expect((await send(practice, 'POST', '/countersign', { name: 'Dr Amira Shah' })).status).toBe(403);
    const countersigned = await send(icb, 'POST', '/countersign', { name: 'Jo Reed, Primary Care Lead' });
    expect(countersigned.body.countersignature).toMatchObject({
      name: 'Jo Reed, Primary Care Lead',
      organisation: icb.code,
    });
    expectProblem(await send(icb, 'POST', '/countersign', { name: 'Jo Reed' }), 409, 'AlreadyCountersigned');

    const events = (await send(icb, 'GET', '/events?pageSize=100')).body.items.map((e: { action: string }) => e.action);
    expect(events).toEqual(expect.arrayContaining(['data-check.declaration-signed', 'data-check.countersigned']));
    expectProblem(await send(practice, 'POST', '/patients', { nhsNumber: P4 }), 409, 'MigrationClosed');
  });

  it('produces a sign-off pack whose PDF text and CSV carry the figures, masked identifiers, issues and signatures', async () => {
    const { icb } = parties;
    const pdf = await fetch(`${api.baseUrl}/v1/migrations/${id}/sign-off-pack.pdf`, { headers: icb.auth });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const hash = pdf.headers.get('x-content-hash')!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    // Whitespace normalised: a long cell wraps onto two lines.
    const text = (await pdfText(Buffer.from(await pdf.arrayBuffer()))).replace(/\s+/g, ' ');
    for (const expected of [
      'IDP sign-off pack',
      id,
      hash,
      'graph version',
      '94.74%',
      '97.06%',
      '97.4%',
      '98.55%',
      'Atrial fibrillation register',
      '*** *** 5919',
      'Penicillin allergy absent',
      'NEW-INC-1',
      'Dr Amira Shah',
      'Jo Reed, Primary Care Lead',
      're-transform',
    ]) {
      expect({ expected, found: text.includes(expected) }).toEqual({ expected, found: true });
    }
    expect(text).not.toMatch(new RegExp(ALL.join('|')));

    const csv = await send(icb, 'GET', '/sign-off-pack.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('x-content-hash')).toBe(hash);
    expect(csv.body).toContain(`content hash (SHA-256),${hash}`);
    expect(csv.body).toContain('round,1,,38,36,94.74%,34,33,97.06%');
    // A negative difference stays a number (not neutralised as a formula).
    expect(csv.body).toContain('1,qof-register,AF,Atrial fibrillation register,88,87,-1,0,fail');
    expect(csv.body).not.toMatch(new RegExp(ALL.join('|')));
    // The same data gives the same hash, whoever asks.
    expect((await send(parties.practice, 'GET', '/sign-off-pack.csv')).headers.get('x-content-hash')).toBe(hash);
  });

  it('lets each role call only its routes; outsiders get 404 whatever their role', async () => {
    const { icb, deliveryPartner, currentSupplier, newSupplier, practice } = parties;
    const { otherIcb, otherDeliveryPartner, otherSupplier, otherPractice } = parties;
    const roles: Record<string, Party> = {
      icb,
      'delivery-partner': deliveryPartner,
      'current-supplier': currentSupplier,
      'new-supplier': newSupplier,
      practice,
    };
    const all = Object.keys(roles);
    const checkers = ['practice', 'delivery-partner'];
    const givers = [...checkers, 'current-supplier', 'new-supplier'];
    const routes: Array<[string, string, string[]]> = [
      ['GET', '/test-criteria', all],
      ['POST', '/test-criteria', ['new-supplier', 'delivery-partner']],
      ['GET', '/patients', all],
      ['POST', '/patients', checkers],
      ['GET', '/patients.csv', all],
      ['POST', '/patients.csv', checkers],
      ['GET', '/report-figures', all],
      ['POST', '/report-figures', givers],
      ['GET', '/report-figures.csv', all],
      ['POST', '/report-figures.csv', givers],
      ['GET', '/record-checks', all],
      ['POST', '/record-checks', checkers],
      ['GET', '/issues', all],
      ['POST', '/issues', checkers],
      ['PATCH', '/issues/3', givers],
      ['GET', '/figures', all],
      ['POST', '/rounds/2/outcome', checkers],
      ['GET', '/sign-off', all],
      ['POST', '/sign-off', ['practice']],
      ['POST', '/countersign', ['icb']],
      ['GET', '/sign-off-pack.pdf', all],
      ['GET', '/sign-off-pack.csv', all],
    ];
    const wrong: string[] = [];
    for (const [method, path, allowed] of routes) {
      const body = method === 'GET' ? undefined : path.endsWith('.csv') ? undefined : {};
      for (const [role, who] of Object.entries(roles)) {
        const res =
          path.endsWith('.csv') && method === 'POST'
            ? await upload(who, path, 'NHS number\n')
            : await send(who, method, path, body);
        const ok = allowed.includes(role)
          ? res.status < 500 && ![401, 403, 404].includes(res.status)
          : res.status === 403;
        if (!ok) wrong.push(`${role} ${method} ${path}: ${res.status}`);
      }
      for (const outsider of [otherIcb, otherDeliveryPartner, otherSupplier, otherPractice]) {
        const res = await send(outsider, method, path, body);
        if (res.status !== 404) wrong.push(`outsider ${outsider.role} ${method} ${path}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('never logged an NHS number', () => {
    expect(logs).toContain('/patients');
    expect(logs).not.toMatch(new RegExp(ALL.join('|')));
  });
});
