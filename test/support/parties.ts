import { randomInt, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { addWorkingDays, londonDateOf } from '@idp/domain';
import type { OrganisationRole } from '@idp/persistence';
import { generateApiKey } from '../../apps/api/src/auth/api-key';
import { randomOdsCode } from './worker-harness';

export interface Party {
  organisationId: string;
  role: OrganisationRole;
  code: string;
  name: string;
  /** A bearer API key of the organisation. */
  key: string;
  /** `{ authorization: 'Bearer …' }` for fetch. */
  auth: Record<string, string>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomCode = (length: number) => Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** Registers an organisation (or reuses one with the same code) and gives it a fresh API key, straight in Postgres. */
export async function createParty(
  db: DataSource,
  role: OrganisationRole,
  code: string,
  name = `${role} ${code}`,
): Promise<Party> {
  await db.query(
    `INSERT INTO organisation (id, role, code, name) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`,
    [randomUUID(), role, code, name],
  );
  const [org] = await db.query(`SELECT id, role FROM organisation WHERE code = $1`, [code]);
  const { key, prefix, secretHash } = generateApiKey();
  await db.query(
    `INSERT INTO api_key (id, organisation_id, prefix, secret_hash, label) VALUES ($1, $2, $3, $4, 'test')`,
    [randomUUID(), org.id, prefix, secretHash],
  );
  return { organisationId: org.id, role: org.role, code, name, key, auth: { authorization: `Bearer ${key}` } };
}

export interface Parties {
  icb: Party;
  deliveryPartner: Party;
  currentSupplier: Party;
  newSupplier: Party;
  practice: Party;
  /** Organisations of the same kinds that take no part in the migrations made with the parties above. */
  otherIcb: Party;
  otherDeliveryPartner: Party;
  otherSupplier: Party;
  otherPractice: Party;
}

/** One organisation of every role with unique codes, plus an outsider of each role. */
export async function seedParties(db: DataSource): Promise<Parties> {
  const tag = randomCode(5);
  return {
    icb: await createParty(db, 'icb', `Q${randomCode(2)}`),
    deliveryPartner: await createParty(db, 'delivery-partner', `DP-${tag}`),
    currentSupplier: await createParty(db, 'supplier', `OLD-${tag}`),
    newSupplier: await createParty(db, 'supplier', `NEW-${tag}`),
    practice: await createParty(db, 'practice', randomOdsCode()),
    otherIcb: await createParty(db, 'icb', `Q${randomCode(2)}`),
    otherDeliveryPartner: await createParty(db, 'delivery-partner', `DPX-${tag}`),
    otherSupplier: await createParty(db, 'supplier', `OTHER-${tag}`),
    otherPractice: await createParty(db, 'practice', randomOdsCode()),
  };
}

/** A working day about `weeks` weeks ahead, as YYYY-MM-DD: a valid planned go-live. */
export function futureWorkingDay(weeks = 12): string {
  return addWorkingDays(londonDateOf(Date.now()), weeks * 5);
}

/** A kickoff body for a migration among `parties`. */
export function kickoffFor(parties: Parties, overrides: Record<string, unknown> = {}) {
  return {
    practiceOdsCode: parties.practice.code,
    practiceName: 'Riverside Surgery',
    icbCode: parties.icb.code,
    currentSupplier: parties.currentSupplier.code,
    newSupplier: parties.newSupplier.code,
    deliveryPartner: parties.deliveryPartner.code,
    plannedGoLive: futureWorkingDay(),
    ...overrides,
  };
}

/** A kickoff body by ICB `icbCode` for a practice of its own, from EMIS to TPP. */
export function kickoffBody(icbCode: string, overrides: Record<string, unknown> = {}) {
  return {
    practiceOdsCode: randomOdsCode(),
    practiceName: 'Riverside Surgery',
    icbCode,
    currentSupplier: 'EMIS',
    newSupplier: 'TPP',
    plannedGoLive: futureWorkingDay(),
    ...overrides,
  };
}

/**
 * An ICB code that no organisation or migration in the database uses yet: ICB codes have only 1,296 values, and a
 * code another test file already seeded would share its organisation (and its migrations) with this one.
 */
export async function unusedIcbCode(db: DataSource): Promise<string> {
  const rows: Array<{ code: string }> = await db.query(
    `SELECT code FROM organisation WHERE code ~ '^Q[A-Z0-9]{2}$' UNION SELECT icb_code AS code FROM migration`,
  );
  const used = new Set(rows.map((r) => r.code));
  for (;;) {
    const code = `Q${randomCode(2)}`;
    if (!used.has(code)) return code;
  }
}

/** Like `seedParties`, but both ICBs get codes nobody else in the database has, so lists and totals are exact. */
export async function seedIsolatedParties(db: DataSource): Promise<Parties> {
  const tag = randomCode(5);
  const icb = await createParty(db, 'icb', await unusedIcbCode(db));
  const otherIcb = await createParty(db, 'icb', await unusedIcbCode(db));
  return {
    icb,
    deliveryPartner: await createParty(db, 'delivery-partner', `DP-${tag}`),
    currentSupplier: await createParty(db, 'supplier', `OLD-${tag}`),
    newSupplier: await createParty(db, 'supplier', `NEW-${tag}`),
    practice: await createParty(db, 'practice', randomOdsCode()),
    otherIcb,
    otherDeliveryPartner: await createParty(db, 'delivery-partner', `DPX-${tag}`),
    otherSupplier: await createParty(db, 'supplier', `OTHER-${tag}`),
    otherPractice: await createParty(db, 'practice', randomOdsCode()),
  };
}
