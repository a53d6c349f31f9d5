import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from '../support/smtp-catcher';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { call, freePort } from '../support/api-process';
import { expectAccessible, launchChromium, screenshot, signInByEmail as signInByEmailAs } from '../support/browser';
import { futureWorkingDay, kickoffFor, seedIsolatedParties, type Party, type Parties } from '../support/parties';
import { exited, REPO, spawnApp } from '../support/processes';
import { eventually, randomOdsCode } from '../support/worker-harness';

/*
 * The pages in a real browser against the built API and worker, real Temporal and Postgres, a real SMTP server and
 * a real OpenID Connect provider: people sign in, an ICB kicks off a migration, a supplier reports a milestone,
 * and the ICB sees it on its portfolio. Every page passes axe's WCAG 2.2 AA rules without serious violations.
 */
describe('pages for people, in Chromium', () => {
  let smtp: SmtpCatcher;
  let mails: CaughtMail[];
  let db: DataSource;
  let parties: Parties;
  let api: ChildProcess;
  let worker: ChildProcess;
  let oidc: ChildProcess;
  let browser: Browser;
  let base: string;
  const tag = randomUUID().slice(0, 8);
  const people = {
    icb: `icb-${tag}@example.nhs.uk`,
    supplier: `supplier-${tag}@example.com`,
    practice: `practice-${tag}@example.nhs.uk`,
    unknown: `nobody-${tag}@example.nhs.uk`,
  };

  async function addUser(party: Party, email: string, name: string): Promise<void> {
    await db.query(`INSERT INTO app_user (id, email, name, organisation_id) VALUES ($1, $2, $3, $4)`, [
      randomUUID(),
      email,
      name,
      party.organisationId,
    ]);
  }

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    mails = smtp.mails;

    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
    parties = await seedIsolatedParties(db);
    await addUser(parties.icb, people.icb, 'Ines Cobb');
    await addUser(parties.newSupplier, people.supplier, 'Sam Supplier');
    await addUser(parties.practice, people.practice, 'Pat Khan');

    const [port, oidcPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    oidc = spawn(
      process.execPath,
      [
        join(REPO, 'test/support/oidc-provider.mjs'),
        String(oidcPort),
        `${base}/sign-in/oidc/callback`,
        'idp-web',
        'browser-test-secret',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    api = spawnApp('api', {
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      SMTP_URL: smtp.url,
      OIDC_ISSUER_URL: `http://127.0.0.1:${oidcPort}`,
      OIDC_CLIENT_ID: 'idp-web',
      OIDC_CLIENT_SECRET: 'browser-test-secret',
      ALLOW_COMPRESSED_TIME: 'true',
    });
    worker = spawnApp('worker', { SMTP_URL: smtp.url });
    await eventually(async () => (await fetch(`${base}/health`)).status === 200, 30_000, 200);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`)).ok,
      10_000,
      100,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const child of [api, worker, oidc]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
    }
    await db?.destroy();
    await smtp?.stop();
  });

  /** Signs in through an emailed link, read from the SMTP server, in a fresh browser context. */
  const signInByEmail = (email: string) => signInByEmailAs(browser, base, mails, email);

  let migrationUrl: string;

  it('an ICB user signs in by emailed link and kicks off a migration through the form', async () => {
    const { context, page } = await signInByEmail(people.icb);
    expect(new URL(page.url()).pathname).toBe('/portfolio');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Kick off a migration' }).first().click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Kick off' }).click();
    // Nothing filled in: the same page, an error summary, and the API's own words for each field.
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('practiceOdsCode');
    await expectAccessible(page);
    await screenshot(page, 'kickoff-errors');

    await page.getByLabel('Practice ODS code').fill(parties.practice.code);
    await page.getByLabel('Practice name').fill('Riverside Surgery');
    await page.getByLabel('Current supplier code').fill(parties.currentSupplier.code);
    await page.getByLabel('New supplier code').fill(parties.newSupplier.code);
    await page.getByLabel('Delivery partner code (optional)').fill(parties.deliveryPartner.code);
    await page.getByLabel('Planned go-live date').fill(futureWorkingDay());
    await page.getByRole('button', { name: 'Kick off' }).click();
    await page.getByRole('heading', { name: 'Riverside Surgery', level: 1 }).waitFor();
    expect(await page.textContent('body')).toContain('The IDP of Riverside Surgery has started.');
    migrationUrl = page.url();
    const id = new URL(migrationUrl).pathname.split('/')[2];
    // The person acted as their organisation, under their own name.
    const [kickoff] = await db.query(
      `SELECT actor_organisation, actor_name FROM audit_event WHERE migration_id = $1 AND action = 'migration.kicked-off'`,
      [id],
    );
    expect(kickoff).toEqual({ actor_organisation: parties.icb.code, actor_name: 'Ines Cobb' });
    await expectAccessible(page);
    await context.close();
  });

  it('a supplier sees its open request, reports it done, and the audit trail names the person', async () => {
    const { context, page } = await signInByEmail(people.supplier);
    expect(new URL(page.url()).pathname).toBe('/supplier');
    const request = page.locator('#requests tbody tr', { hasText: 'extract requested' });
    // The list comes from the read model, which the worker writes just after the kickoff.
    await eventually(
      async () => {
        await page.reload();
        return (await request.count()) === 1;
      },
      20_000,
      500,
    );
    await expectAccessible(page);
    await screenshot(page, 'supplier');

    await request.getByRole('link', { name: 'Riverside Surgery' }).click();
    const report = page.locator('section[id^="action-report-extractRequested"]');
    await report.getByLabel('Evidence reference (optional)').fill('ticket 4411');
    await report.getByRole('button').click();
    await page.getByText('Milestone reported.').waitFor();
    expect(await page.locator('tr[data-milestone="extractRequested"]').textContent()).toContain('Done');
    expect(await page.locator('#audit').textContent()).toContain('Sam Supplier');
    await expectAccessible(page);
    await context.close();
  });

  it('the ICB sees the reported milestone move its migration on the portfolio, and exports it', async () => {
    const { context, page } = await signInByEmail(people.icb);
    const row = page.locator('#portfolio tbody tr', { hasText: 'Riverside Surgery' });
    // The next step is now the current supplier's delivery of the extract.
    await eventually(
      async () => {
        await page.reload();
        return (await row.textContent())?.includes('Current supplier') ? true : undefined;
      },
      20_000,
      500,
    );
    expect(await row.textContent()).toContain('Green');

    // More of the ICB's practices: one on compressed time that falls behind, one cancelled.
    const kickoff = (name: string, extra: Record<string, unknown> = {}) =>
      call(
        base,
        'POST',
        '/v1/migrations',
        { ...kickoffFor(parties, { practiceOdsCode: randomOdsCode(), practiceName: name }), ...extra },
        parties.icb.auth,
      );
    expect(
      (
        await kickoff('Oakwood Medical Centre', {
          timeScale: { workingDayMs: 1_000 },
          participants: [
            { name: 'Nia Supplier', organisation: 'New supplier', role: 'new-supplier', email: 'nia@supplier.example' },
            { name: 'Dee Partner', organisation: 'CSU', role: 'delivery-partner', email: 'dee@csu.example' },
          ],
        })
      ).status,
    ).toBe(201);
    expect((await kickoff('Hillside Practice')).status).toBe(201);
    const elm = await kickoff('Elm Tree Surgery');
    expect(
      (
        await call(
          base,
          'POST',
          `/v1/migrations/${elm.body.id}/cancel`,
          { reason: 'Practice merger' },
          parties.icb.auth,
        )
      ).status,
    ).toBe(200);
    await eventually(
      async () => {
        await page.goto(`${base}/portfolio?rag=red`);
        return (
          (await page.locator('#portfolio tbody tr').allTextContents()).some((t) => t.includes('Oakwood')) || undefined
        );
      },
      30_000,
      1_000,
    );
    // The filter keeps to red: the others are on track or closed.
    expect(await page.locator('#portfolio tbody tr').count()).toBe(1);
    await page.goto(`${base}/portfolio?sort=practice`);
    expect(await page.locator('#portfolio tbody tr td:first-child a').allTextContents()).toEqual([
      'Elm Tree Surgery',
      'Hillside Practice',
      'Oakwood Medical Centre',
      'Riverside Surgery',
    ]);
    expect(await page.locator('#portfolio-chart-desc').textContent()).toContain(
      'Cancelled: 0 red, 0 amber, 0 green, 1 closed',
    );
    await expectAccessible(page);
    await screenshot(page, 'portfolio', true);

    const csv = await (await context.request.get(`${base}/portfolio.csv`)).text();
    expect(csv.split('\n')[0]).toContain('Practice ODS code');
    expect(csv).toContain(`${parties.practice.code},Riverside Surgery`);

    // The migration that fell behind: overdue steps on the Gantt, reminders and escalations sent.
    await page.getByRole('link', { name: 'Oakwood Medical Centre' }).click();
    await page.locator('#gantt-title').waitFor({ state: 'attached' });
    await eventually(
      async () => {
        await page.reload();
        return (await page.locator('#notifications').count()) > 0;
      },
      20_000,
      1_000,
    );
    expect(await page.locator('#notifications').textContent()).toContain('Nia Supplier');
    await expectAccessible(page);
    await screenshot(page, 'migration', true);
    await context.close();
  });

  it('the ICB pauses and resumes through the forms; a missing reason is shown on the same page', async () => {
    const { context, page } = await signInByEmail(people.icb);
    await page.goto(migrationUrl);
    const pause = page.locator('#action-pause');
    await pause.getByRole('button', { name: 'Pause the migration' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.locator('.nhsuk-error-summary a').first().getAttribute('href')).toBe('#action-pause');
    expect(await page.locator('#action-pause').textContent()).toContain('reason');
    await expectAccessible(page);

    await page.getByLabel('Reason for pausing').fill('Practice closed for a week');
    await page.getByRole('button', { name: 'Pause the migration' }).click();
    await page.getByText('The migration is paused').waitFor();
    expect(await page.locator('#audit').textContent()).toContain('Practice closed for a week');
    await page.getByRole('button', { name: 'Resume the migration' }).click();
    await page.waitForLoadState();
    expect(await page.locator('main').innerText()).toContain('The migration has resumed.');
    await context.close();
  });

  it('the practice sees what it must do next, in plain words', async () => {
    const { context, page } = await signInByEmail(people.practice);
    expect(new URL(page.url()).pathname).toBe('/practice');
    expect(await page.textContent('main')).toContain('What you need to do');
    await expectAccessible(page);
    await screenshot(page, 'practice');
    await context.close();
  });

  it('another organisation’s migration is not found, and a role’s actions are refused to the others', async () => {
    const { context, page } = await signInByEmail(people.practice);
    const response = await page.goto(`${base}/migrations/${randomUUID()}`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('h1')).toContain('Migration not found');
    await expectAccessible(page);

    // The practice's own migration offers it no cancel form, and a hand-made post is refused.
    await page.goto(migrationUrl);
    expect(await page.locator('#action-cancel').count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const cancel = await context.request.post(`${migrationUrl}/cancel`, { form: { _csrf: csrf, reason: 'not mine' } });
    expect(cancel.status()).toBe(403);
    expect(await cancel.text()).toContain('this is for the ICB or Delivery partner');
    await context.close();
  });

  it('a form posted without its CSRF token is refused, and signing out ends the session', async () => {
    const { context, page } = await signInByEmail(people.icb);
    const forged = await context.request.post(`${base}/migrations/new`, { form: { practiceName: 'Forged' } });
    expect(forged.status()).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.goto(`${base}/portfolio`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expectAccessible(page);
    await context.close();
  });

  it('a sign-in link works once, and only when its button is pressed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill(people.practice);
    const before = mails.length;
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const mail = await eventually(
      async () => mails.slice(before).find((m) => m.recipients.includes(people.practice)),
      10_000,
      100,
    );
    const link = /(http:\/\/\S+\/sign-in\/link\?token=[\w-]+)/.exec(mail.text ?? '')![1];
    // A mail scanner (Safe Links) opens the link first: that must not use it up.
    const scanner = await browser.newContext();
    expect((await scanner.request.get(link)).status()).toBe(200);
    await scanner.close();
    await page.goto(link);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    expect(new URL(page.url()).pathname).toBe('/practice');
    const second = await (await browser.newContext()).newPage();
    const response = await second.goto(link);
    expect(response?.status()).toBe(400);
    expect(await second.textContent('h1')).toContain('This sign-in link does not work');
    await expectAccessible(second);
    await context.close();
  });

  it('a link that has expired does not sign in, and a deactivated person is out at their next click', async () => {
    const { context, page } = await signInByEmail(people.practice);
    await db.query(`UPDATE app_user SET active = false WHERE email = $1`, [people.practice]);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await db.query(`UPDATE app_user SET active = true WHERE email = $1`, [people.practice]);

    const before = mails.length;
    await page.getByLabel('Email address').fill(people.practice);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const mail = await eventually(
      async () => mails.slice(before).find((m) => m.recipients.includes(people.practice)),
      10_000,
      100,
    );
    await db.query(`UPDATE sign_in_token SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    const response = await page.goto(/(http:\/\/\S+\/sign-in\/link\?token=[\w-]+)/.exec(mail.text ?? '')![1]);
    expect(response?.status()).toBe(400);
    await context.close();
  });

  it('sends one person at most three unused links at a time, with the same answer on the page', async () => {
    await db.query(`UPDATE sign_in_token SET used_at = now() WHERE used_at IS NULL`);
    const context = await browser.newContext();
    const page = await context.newPage();
    const before = mails.length;
    for (let i = 0; i < 4; i += 1) {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Email address').fill(people.icb);
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    }
    await eventually(
      async () => mails.slice(before).filter((m) => m.recipients.includes(people.icb)).length >= 3,
      10_000,
      100,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mails.slice(before).filter((m) => m.recipients.includes(people.icb))).toHaveLength(3);
    await db.query(`UPDATE sign_in_token SET used_at = now() WHERE used_at IS NULL`);
    await context.close();
  });

  it('an unknown address gets the same answer as a known one, and no email', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill(people.unknown);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.getByLabel('Email address').waitFor({ state: 'detached' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mails.filter((m) => m.recipients.includes(people.unknown))).toEqual([]);
    await context.close();
  });

  async function signInWithOidc(email: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with your NHS account' }).click();
    await page.locator('input[name="login"]').fill(email);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    // The development provider asks for consent once per client.
    await page.waitForURL((url) => url.origin === base || url.pathname.includes('/interaction/'));
    if (new URL(page.url()).origin !== base) {
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.origin === base);
    }
    return page;
  }

  it('a known person signs in through OpenID Connect; an unknown one is refused with a clear page', async () => {
    const page = await signInWithOidc(people.icb);
    expect({ path: new URL(page.url()).pathname, text: await page.textContent('main') }).toEqual({
      path: '/portfolio',
      text: expect.stringContaining('Portfolio'),
    });
    expect(await page.textContent('header')).toContain('Ines Cobb');

    const refused = await signInWithOidc(people.unknown);
    expect(await refused.textContent('h1')).toContain('You cannot sign in');
    expect(await refused.textContent('main')).toContain('not a user of this service');
    await expectAccessible(refused);
  });
});
