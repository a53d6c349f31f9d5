import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { call, freePort } from './api-process';
import { launchChromium } from './browser';
import { seedIsolatedParties, type Parties, type Party } from './parties';
import { exited, spawnApp } from './processes';
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from './smtp-catcher';
import { eventually } from './worker-harness';

/** What a browser spec runs against: the built API and worker on a queue of their own, mail, Chromium. */
export interface BrowserStack {
  smtp: SmtpCatcher;
  mails: CaughtMail[];
  db: DataSource;
  parties: Parties;
  base: string;
  api: ChildProcess;
  worker: ChildProcess;
  browser: Browser;
  /** A person of `party` who signs in to the pages by email. */
  addUser(party: Party, email: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts it all, with seeded parties of its own; `apiEnv` adds variables to the API. */
export async function startBrowserStack(queue: string, apiEnv: Record<string, string> = {}): Promise<BrowserStack> {
  const smtp = await startSmtpCatcher();
  const db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  const parties = await seedIsolatedParties(db);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { TEMPORAL_TASK_QUEUE: queue, SMTP_URL: smtp.url };
  const api = spawnApp('api', { ...env, PORT: String(port), PUBLIC_BASE_URL: base, ...apiEnv });
  const worker = spawnApp('worker', env);
  await eventually(async () => (await fetch(`${base}/health`)).status === 200, 30_000, 200);
  const browser = await launchChromium();
  return {
    smtp,
    mails: smtp.mails,
    db,
    parties,
    base,
    api,
    worker,
    browser,
    async addUser(party, email, name) {
      await db.query(`INSERT INTO app_user (id, email, name, organisation_id) VALUES ($1, $2, $3, $4)`, [
        randomUUID(),
        email,
        name,
        party.organisationId,
      ]);
    },
    async stop() {
      await browser.close();
      for (const child of [api, worker]) {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await exited(child);
        }
      }
      await db.destroy();
      await smtp.stop();
    },
  };
}

/** Reports, through the API, every milestone before data checking: extract, load, access, training. */
export async function reportThroughTraining(base: string, id: string, parties: Parties): Promise<void> {
  const report = async (who: Party, milestone: string, payload: object = {}) => {
    const res = await call(base, 'POST', `/v1/migrations/${id}/milestones/${milestone}`, payload, who.auth);
    expect({ milestone, status: res.status }).toEqual({ milestone, status: 200 });
  };
  const { newSupplier, currentSupplier, practice } = parties;
  await report(newSupplier, 'extractRequested');
  await report(currentSupplier, 'extractDelivered');
  await report(newSupplier, 'extractReceived');
  await report(newSupplier, 'extractLoaded');
  await report(newSupplier, 'testSystemAvailable');
  await report(newSupplier, 'adminUsersProvisioned', { adminUsers: [{ name: 'Pat Khan' }] });
  await report(practice, 'practiceUsersSetUp');
  await report(newSupplier, 'trainingScheduled', {
    trainingSession: { startsAt: '2027-01-12T10:00:00Z', durationMinutes: 90 },
  });
  await report(newSupplier, 'usersTrained', { trainedUsers: 2 });
}
