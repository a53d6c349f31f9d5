import 'reflect-metadata';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import { addWorkingDays, isValidNhsNumber, londonDateOf, RECORD_CATEGORIES } from '@idp/domain';
import { embeddedDataDir, embeddedEncryptionKey } from '../services/secrets';
import {
  DEMO_CURRENT_SUPPLIER,
  DEMO_DELIVERY_PARTNER,
  DEMO_ICB,
  DEMO_NEW_SUPPLIERS,
  DEMO_PRACTICES,
  type DemoOrganisation,
} from './parties';

/**
 * `npm run demo`: against a running `npm start`, kicks off three migrations with compressed time (a working day
 * lasts a few seconds) and plays the ICB and the practices through the public API, while the sandbox suppliers
 * seeded by `npm start` do their part by themselves. One completes on time, one has a late supplier (reminders,
 * overdue notices, escalation, a delay notice), one fails its first data-check round on record checks and passes
 * the second. The practices really check data: they select patients, compare report figures, check each record
 * category, and the round outcome is computed from those figures. Watch it in the Temporal UI, the API, the web
 * pages and the mail inbox; the script prints what happens.
 */
const PORT = Number(process.env.PORT ?? 3000);
const API = process.env.DEMO_API_URL ?? `http://localhost:${PORT}/v1`;
const WORKING_DAY_MS = Number(process.env.DEMO_WORKING_DAY_MS ?? 4_000);

interface Scenario {
  practice: DemoOrganisation;
  newSupplier: DemoOrganisation;
  story: string;
  /** Outcome the practice records for each round, in order; later rounds pass. */
  /** Record checks that do not match, per round (the sandbox supplier with data issues fixes them in round 2). */
  mismatchesInRound: (round: number) => number;
}

const SCENARIOS: Scenario[] = [
  {
    practice: DEMO_PRACTICES[0]!,
    newSupplier: DEMO_NEW_SUPPLIERS.prompt,
    story: 'on time',
    mismatchesInRound: () => 0,
  },
  {
    practice: DEMO_PRACTICES[1]!,
    newSupplier: DEMO_NEW_SUPPLIERS.late,
    story: 'late supplier',
    mismatchesInRound: () => 0,
  },
  {
    practice: DEMO_PRACTICES[2]!,
    newSupplier: DEMO_NEW_SUPPLIERS.issues,
    story: 'data issues in round 1',
    mismatchesInRound: (round) => (round === 1 ? 3 : 0),
  },
];

// API answers are read loosely here; the API's own tests pin their shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function call(key: string, method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Json> {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Json) : {};
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${parsed.detail ?? text}`);
  return parsed;
}

async function apiIsUp(): Promise<boolean> {
  try {
    return (await fetch(new URL('/health', API), { signal: AbortSignal.timeout(3_000) })).ok;
  } catch {
    return false;
  }
}

function say(who: string, line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)}  ${who.padEnd(28)} ${line}`);
}

/** Fresh keys for the parties the script plays (keys are stored hashed; the seeded ones cannot be read back). */
async function demoKeys(): Promise<Map<string, string>> {
  // Loaded only now: the configuration module reads the environment when it is imported.
  const { AdminModule } = await import('../../apps/api/src/cli/admin.module');
  const { OrganisationsService } = await import('../../apps/api/src/organisations/organisations.service');
  const app = await NestFactory.createApplicationContext(AdminModule, { logger: false, abortOnError: false });
  try {
    const organisations = app.get(OrganisationsService);
    const keys = new Map<string, string>();
    for (const org of [DEMO_ICB, DEMO_DELIVERY_PARTNER, ...DEMO_PRACTICES]) {
      keys.set(org.code, (await organisations.createKey(org.code, 'npm run demo')).key);
    }
    return keys;
  } finally {
    await app.close();
  }
}

/** The practice's (and ICB's) side of one migration, until it is signed off. */
async function play(scenario: Scenario, keys: Map<string, string>, runId: string): Promise<void> {
  const who = scenario.practice.name;
  const icb = keys.get(DEMO_ICB.code)!;
  const practice = keys.get(scenario.practice.code)!;
  // A migration left running by an interrupted demo would block this practice's new one.
  const previous = await call(icb, 'GET', `/migrations?pageSize=100`);
  for (const m of previous.items as Json[]) {
    if (m.practiceOdsCode === scenario.practice.code && !['signed-off', 'cancelled'].includes(m.stage)) {
      await call(icb, 'POST', `/migrations/${m.id}/cancel`, { reason: 'Superseded by a new demo run' });
      // A practice has one open migration at a time: the new one can start once the cancellation is recorded.
      while ((await call(icb, 'GET', `/migrations/${m.id}`)).stage !== 'cancelled') await sleep(250);
      say(who, `cancelled the unfinished migration ${m.id} of an earlier demo`);
    }
  }
  const migration = await call(
    icb,
    'POST',
    '/migrations',
    {
      practiceOdsCode: scenario.practice.code,
      practiceName: scenario.practice.name,
      icbCode: DEMO_ICB.code,
      currentSupplier: DEMO_CURRENT_SUPPLIER.code,
      newSupplier: scenario.newSupplier.code,
      deliveryPartner: DEMO_DELIVERY_PARTNER.code,
      plannedGoLive: addWorkingDays(londonDateOf(Date.now()), 60),
      timeScale: { workingDayMs: WORKING_DAY_MS },
      participants: [
        {
          name: 'Pat Khan',
          organisation: scenario.practice.name,
          role: 'practice',
          email: `practice.manager@${scenario.practice.code.toLowerCase()}.example`,
        },
        {
          name: 'Dr Amira Shah',
          organisation: scenario.practice.name,
          role: 'practice',
          email: `clinical.lead@${scenario.practice.code.toLowerCase()}.example`,
        },
        {
          name: 'Sam Ortiz',
          organisation: DEMO_DELIVERY_PARTNER.name,
          role: 'delivery-partner',
          email: DEMO_DELIVERY_PARTNER.contactEmail,
        },
        { name: 'Jo Whitfield', organisation: DEMO_ICB.name, role: 'icb', email: DEMO_ICB.contactEmail },
        {
          name: 'Supplier desk',
          organisation: scenario.newSupplier.name,
          role: 'new-supplier',
          email: `idp@${scenario.newSupplier.code.toLowerCase()}.example`,
        },
        {
          name: 'Supplier desk',
          organisation: DEMO_CURRENT_SUPPLIER.name,
          role: 'current-supplier',
          email: 'idp@sandbox-old.example',
        },
      ],
    },
    `demo-${runId}-${scenario.practice.code}`,
  );
  const id = migration.id as string;
  say(who, `kicked off (${scenario.story}): ${API}/migrations/${id}`);

  let seenEvents = 0;
  for (;;) {
    await sleep(Math.min(WORKING_DAY_MS / 2, 2_000));
    const events = await call(practice, 'GET', `/migrations/${id}/events?pageSize=100&page=1`);
    for (const e of (events.items as Json[]).slice(seenEvents)) {
      say(who, `${e.actor.role.padEnd(17)} ${e.action}${e.details?.milestone ? ` ${e.details.milestone}` : ''}`);
    }
    seenEvents = Math.max(seenEvents, (events.items as Json[]).length);
    const view = await call(practice, 'GET', `/migrations/${id}`);
    // The live process status; absent for a moment when Temporal is busy (the read model answers instead).
    const status = view.process as Json | undefined;
    if (!status) continue;
    if (status.stage === 'signed-off' || status.stage === 'cancelled') {
      say(who, `${status.stage}; forecast go-live ${status.forecastGoLive} (planned ${status.plannedGoLive})`);
      return;
    }
    const open = (status.milestones as Json[]).filter(
      (m) => m.owner === 'practice' && ['open', 'overdue'].includes(m.state),
    );
    for (const m of open) {
      const key = `demo-${runId}-${id}-${m.key}-r${status.round}`;
      const round = status.round as number;
      if (m.key === 'patientsSelected') {
        await selectPatientsAndFigures(practice, id, round);
        await call(
          practice,
          'POST',
          `/migrations/${id}/milestones/patientsSelected`,
          { note: '5 patients selected, reports sent' },
          key,
        );
      } else if (m.key === 'dataCheckRoundCompleted') {
        // A re-check round compares the reports again (patients stay selected from round 1).
        if (round > 1) await selectPatientsAndFigures(practice, id, round);
        await checkRecords(practice, id, scenario.mismatchesInRound(round));
        await call(
          practice,
          'POST',
          `/migrations/${id}/milestones/dataCheckRoundCompleted`,
          { note: `Round ${round} checked` },
          key,
        );
      } else if (m.key === 'dataCheckPassed') {
        const outcome = await call(
          practice,
          'POST',
          `/migrations/${id}/rounds/${round}/outcome`,
          { remedy: 're-transform' },
          key,
        );
        say(who, `round ${round} ${outcome.outcome ?? ''} (figures computed from the checks)`);
      } else if (m.key === 'signedOff') {
        await call(
          practice,
          'POST',
          `/migrations/${id}/sign-off`,
          { clinicalLeadName: 'Dr Amira Shah', declarationAccepted: true },
          key,
        );
        await call(icb, 'POST', `/migrations/${id}/countersign`, { name: 'Jo Whitfield' }, `${key}-countersign`);
        say(
          who,
          `signed off by the clinical lead, countersigned by the ICB: ${API}/migrations/${id}/sign-off-pack.pdf`,
        );
      } else {
        await call(practice, 'POST', `/migrations/${id}/milestones/${m.key}`, { note: 'Done (demo practice)' }, key);
      }
    }
  }
}

/** A test NHS number (999 range) with a valid modulus 11 check digit. */
function testNhsNumber(): string {
  for (;;) {
    const candidate = `999${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    if (isValidNhsNumber(candidate)) return candidate;
  }
}

/** Round 1: five patients; every round: the report figures of the old system and of the test system. */
async function selectPatientsAndFigures(key: string, id: string, round: number): Promise<void> {
  if (round === 1) {
    for (let i = 0; i < 5; i += 1)
      await call(key, 'POST', `/migrations/${id}/patients`, { nhsNumber: testNhsNumber() });
  }
  const figures = [
    { kind: 'list-size', oldValue: 8412, newValue: 8412 },
    { kind: 'qof-register', code: 'DM', oldValue: 512, newValue: 512 },
    { kind: 'qof-register', code: 'AST', oldValue: 633, newValue: 633 },
  ];
  for (const figure of figures) await call(key, 'POST', `/migrations/${id}/report-figures`, figure);
}

/** Every category of every selected patient; `mismatches` of them do not match (each raises an issue). */
async function checkRecords(key: string, id: string, mismatches: number): Promise<void> {
  const patients = await call(key, 'GET', `/migrations/${id}/patients`);
  const checks = (patients.items as Json[]).flatMap((p) =>
    RECORD_CATEGORIES.map((category) => ({ patientId: p.id, category, result: 'match' })),
  );
  for (const check of checks.filter((c) => c.category === 'medication').slice(0, mismatches)) {
    Object.assign(check, { result: 'mismatch', note: 'Repeat medication end date missing in the test system' });
  }
  await call(key, 'POST', `/migrations/${id}/record-checks`, { checks });
}

async function main(): Promise<void> {
  if (!(await apiIsUp())) {
    console.error(`The API does not answer at ${API}. Start the system first, in another terminal: npm start`);
    process.exit(1);
  }
  process.env.DATABASE_URL ??= `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 5433}/idp`;
  process.env.DATA_ENCRYPTION_KEY ??= embeddedEncryptionKey(embeddedDataDir(path.resolve(__dirname, '../../..')));
  const keys = await demoKeys();
  const runId = Date.now().toString(36);
  console.log(`Demo run ${runId}: one working day lasts ${WORKING_DAY_MS / 1000} s. Watch:`);
  console.log(`  Temporal UI  http://localhost:8233   Mail inbox  http://localhost:1080   API  ${API}/migrations\n`);
  await Promise.all(SCENARIOS.map((s) => play(s, keys, runId)));
  console.log('\nAll three migrations finished. Their audit trails: GET /v1/migrations/:id/events');
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
