import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { RECORD_CATEGORIES } from '@idp/domain';
import { call } from '../support/api-process';
import { expectAccessible, expectErrorSummary, screenshot, signInByEmail, submit } from '../support/browser';
import { reportThroughTraining, startBrowserStack, type BrowserStack } from '../support/browser-stack';
import { kickoffFor, type Parties, type Party } from '../support/parties';
import type { CaughtMail } from '../support/smtp-catcher';

/*
 * The data-checking page as the delivery partner sees it, in a real browser against the built API and worker, real
 * Temporal and Postgres: the figures and issues the others gave, NHS numbers masked, the forms the partner's API
 * routes admit and none of the others (a crafted post to one is refused with a page that says who it is for).
 * Then report figures uploaded as a CSV file: a good file changes the comparison; a bad one (an unknown register,
 * another system's value, not a CSV, too big, none) is shown in the error summary and beside the file input, with
 * nothing stored. Every state passes axe.
 */
describe('the data-checking page for the delivery partner, and report figures by CSV, in Chromium', () => {
  let stack: BrowserStack;
  let mails: CaughtMail[];
  let parties: Parties;
  let browser: Browser;
  let base: string;
  let id: string;
  const tag = randomUUID().slice(0, 8);
  const people = {
    partner: `partner-${tag}@example.nhs.uk`,
    oldSupplier: `old-supplier-${tag}@example.com`,
    icb: `icb-${tag}@example.nhs.uk`,
  };
  const P1 = '4010232137';

  /** A call of the public API that must succeed. */
  const api2xx = async (who: Party, method: string, path: string, body: object = {}) => {
    const res = await call(base, method, `/v1/migrations/${id}${path}`, body, who.auth);
    expect({ path, ok: res.status === 200 || res.status === 201 }).toEqual({ path, ok: true });
    return res.body;
  };
  const report = (who: Party, milestone: string, payload: object = {}) =>
    api2xx(who, 'POST', `/milestones/${milestone}`, payload);

  beforeAll(async () => {
    stack = await startBrowserStack(`browser-partner-${tag}`);
    ({ mails, parties, base, browser } = stack);
    await stack.addUser(parties.deliveryPartner, people.partner, 'Dee Partner');
    await stack.addUser(parties.currentSupplier, people.oldSupplier, 'Olu Supplier');
    await stack.addUser(parties.icb, people.icb, 'Ines Cobb');

    const kickoff = await call(base, 'POST', '/v1/migrations', kickoffFor(parties), parties.icb.auth);
    expect(kickoff.status).toBe(201);
    id = kickoff.body.id;
    await reportThroughTraining(base, id, parties);
    const { newSupplier, practice } = parties;
    // What the others have done before the partner looks: a criterion, a patient, a figure and a mismatch.
    await api2xx(newSupplier, 'POST', '/test-criteria', {
      code: 'TC-01',
      description: 'On warfarin',
      category: 'medication',
      patientsToSelect: 1,
    });
    await report(newSupplier, 'testCriteriaProvided');
    const patient = await api2xx(practice, 'POST', '/patients', { nhsNumber: P1, criterion: 'TC-01' });
    await report(practice, 'patientsSelected');
    await api2xx(practice, 'POST', '/report-figures', { kind: 'list-size', oldValue: 5230, newValue: 5231 });
    await api2xx(practice, 'POST', '/record-checks', {
      checks: RECORD_CATEGORIES.map((category) =>
        category === 'medication'
          ? { patientId: patient.id, category, result: 'mismatch', note: 'Repeat dose 5 mg shows as 50 mg' }
          : { patientId: patient.id, category, result: 'match' },
      ),
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const dataChecking = () => `${base}/migrations/${id}/data-checking`;
  /** Each row of the report comparison as its cells' text, spaced. */
  const figureRows = (page: Page) =>
    page
      .locator('#figures-table tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent?.trim()).join(' ')));

  /** Chooses a file in an upload form and submits it. */
  async function upload(form: Locator, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await form.locator('input[type="file"]').setInputFiles(file);
    await submit(form, /^Upload /);
  }
  const csv = (text: string) => ({ name: 'figures.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });

  it('the delivery partner sees the figures and issues with NHS numbers masked, and the forms its role may use', async () => {
    const { context, page } = await signInByEmail(browser, base, mails, people.partner);
    await page.goto(`${base}/migrations/${id}`);
    await page.getByRole('link', { name: /^Data checking:/ }).click();
    expect(new URL(page.url()).pathname).toBe(`/migrations/${id}/data-checking`);
    expect(await page.locator('main').textContent()).toContain('You take part as the Delivery partner');

    expect(await figureRows(page)).toEqual([expect.stringMatching(/^1 Registered list size 5230 5231 1 0 Fail$/)]);
    const patients = await page.locator('#patients-table').textContent();
    expect(patients).toContain('*** *** 2137');
    const issue = await page.locator('#issues-table tr[data-issue="1"] td').allTextContents();
    expect(issue).toEqual([
      '#1',
      'Open',
      'Medium',
      'Medication',
      'Repeat dose 5 mg shows as 50 mg',
      '*** *** 2137',
      '1',
      '–',
    ]);
    expect(await page.content()).not.toContain(P1);
    expect(await page.content()).not.toContain('401 023 2137');

    // The partner adds criteria, assists with selection, gives figures, checks records, logs and updates issues
    // and records the round's outcome; the declaration is the practice's and the countersignature the ICB's.
    for (const form of ['#criterion', '#patient', '#upload', '#figure', '#figures-upload', '#issue', '#outcome']) {
      expect({ form, shown: await page.locator(form).count() }).toEqual({ form, shown: 1 });
    }
    expect(await page.locator('section[id^="checks-"]').count()).toBe(1);
    expect(await page.getByText('Update issue #1 (open)').count()).toBe(1);
    expect(await page.locator('#figure').getByLabel('Largest difference accepted').count()).toBe(1);
    expect(await page.locator('#sign-off, #countersign').count()).toBe(0);
    expect(await page.locator('form[action$="/sign-off"], form[action$="/countersign"]').count()).toBe(0);
    await expectAccessible(page);

    // A form it is not offered, posted anyway with a valid CSRF token: a page saying who it is for, nothing stored.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const crafted = await context.request.post(`${dataChecking()}/sign-off`, {
      form: { _csrf: csrf, clinicalLeadName: 'Dee Partner', declarationAccepted: 'yes' },
    });
    expect(crafted.status()).toBe(403);
    expect(crafted.headers()['content-type']).toMatch(/^text\/html/);
    const refusal = await crafted.text();
    expect(refusal).toContain('You cannot do this');
    expect(refusal).toContain('your organisation is the Delivery partner; this is for the Practice.');
    const countersign = await context.request.post(`${dataChecking()}/countersign`, {
      form: { _csrf: csrf, name: 'Dee Partner' },
    });
    expect(countersign.status()).toBe(403);
    expect(await countersign.text()).toContain('this is for the ICB.');
    const signOff = await call(base, 'GET', `/v1/migrations/${id}/sign-off`, undefined, parties.icb.auth);
    expect(signOff.status).toBe(404);

    // What the role allows works: the partner logs an issue found in the reports.
    const raise = page.locator('#issue');
    await raise.getByLabel('Area').selectOption('reports');
    await raise.getByLabel('What is wrong').fill('List size is one higher in the test system');
    await submit(raise, 'Log issue');
    await page.getByText('Issue logged.').waitFor();
    const logged = await page.locator('#issues-table tr[data-issue="2"] td').allTextContents();
    expect([logged[1], logged[4]]).toEqual(['Open', 'List size is one higher in the test system']);
    await context.close();
  });

  it('report figures uploaded as CSV change the comparison; a bad file is explained on the page, nothing stored', async () => {
    const { context, page } = await signInByEmail(browser, base, mails, people.partner);
    await page.goto(dataChecking());
    const form = page.locator('#figures-upload');
    expect(await form.textContent()).toContain('kind, code, name, old value, new value, tolerance');
    const input = form.locator('input[type="file"]');
    expect(await input.getAttribute('aria-describedby')).toContain('figures-upload-file-hint');
    const before = await figureRows(page);

    // An unknown register and a repeated figure: every rejected line listed, linked from the summary.
    await upload(
      form,
      csv(
        'kind,code,name,old value,new value,tolerance\nqof-register,XYZ,,88,88,\nlist-size,,,5230,5230,\nlist-size,,,1,1,\n',
      ),
    );
    await expectErrorSummary(page, 'Nothing was imported: fix the 2 rejected rows and upload the file again');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain(
      'Line 2, code: code must be a QOF register',
    );
    const links = await page
      .locator('.nhsuk-error-summary a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#figures-upload-file', '#figures-upload-rejected', '#figures-upload-rejected']);
    // The summary's link goes to the file control (the design system's button standing in for the input), named by
    // its label.
    const control = form.getByRole('button', { name: /^CSV file of report figures/ });
    expect(await control.getAttribute('id')).toBe('figures-upload-file');
    const rejected = page.locator('#figures-upload-rejected tbody tr');
    expect(await rejected.count()).toBe(2);
    expect((await rejected.nth(1).locator('td').allTextContents()).slice(0, 2)).toEqual(['4', 'code']);
    // The message beside the input is the one its aria-describedby names.
    const describedBy = (await form.locator('input[type="file"]').getAttribute('aria-describedby'))!.split(' ');
    const errorId = describedBy.find((d) => d.endsWith('-error'))!;
    expect(await page.locator(`#${errorId}`).textContent()).toContain('Nothing was imported');
    expect(await figureRows(page)).toEqual(before);
    await expectAccessible(page);
    await screenshot(page, 'data-checking-figures-upload-errors');

    // Not a CSV: a workbook, whatever it is called.
    const workbook = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64)]);
    await upload(form, { name: 'figures.xlsx', mimeType: 'application/vnd.ms-excel', buffer: workbook });
    await expectErrorSummary(page, 'The selected file must be a CSV');
    await upload(form, { name: 'figures.csv', mimeType: 'text/csv', buffer: workbook });
    await expectErrorSummary(page, 'The selected file must be a CSV');
    // No file at all.
    await submit(form, 'Upload figures');
    await expectErrorSummary(page, 'Choose a CSV file of report figures to upload');
    expect(await page.locator('.nhsuk-error-summary a').first().getAttribute('href')).toBe('#figures-upload-file');
    await expectAccessible(page);

    // Too big: refused before it is read, on the same page.
    const big = Buffer.concat([Buffer.from('kind,code\n'), Buffer.alloc(2 * 1024 * 1024, 'x')]);
    const [tooBig] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      upload(form, csv(big.toString())),
    ]);
    expect(tooBig.status()).toBe(413);
    await expectErrorSummary(page, 'The selected file must be at most 2 MB');
    expect(await figureRows(page)).toEqual(before);

    // A good file: one figure updated, one added.
    await upload(
      form,
      csv('kind,code,name,old value,new value,tolerance\r\nlist-size,,,5230,5231,1\r\nqof-register,AF,,88,88,\r\n'),
    );
    await page.getByText('2 report figures imported.').waitFor();
    expect(await figureRows(page)).toEqual([
      expect.stringMatching(/^1 Registered list size 5230 5231 1 1 Pass$/),
      expect.stringMatching(/^1 Atrial fibrillation register 88 88 0 0 Pass$/),
    ]);
    await expectAccessible(page);

    // The template to fill in lists this round's figures in the upload's columns with their values blank (copied
    // values would overwrite what another party gave since); a row left blank records nothing.
    const [template] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the latest figures to fill in (CSV)' }).click(),
    ]);
    const text = readFileSync((await template.path())!, 'utf8');
    expect(text.trim().split(/\r?\n/)).toEqual([
      'kind,code,name,old value,new value,tolerance',
      'list-size,,Registered list size,,,',
      'qof-register,AF,Atrial fibrillation register,,,',
    ]);
    const filled = text.replace('Atrial fibrillation register,,,', 'Atrial fibrillation register,90,91,1');
    await upload(form, { name: 'figures.csv', mimeType: 'text/csv', buffer: Buffer.from(filled) });
    await page.getByText('1 report figure imported.').waitFor();
    expect(await figureRows(page)).toEqual([
      expect.stringMatching(/^1 Registered list size 5230 5231 1 1 Pass$/),
      expect.stringMatching(/^1 Atrial fibrillation register 90 91 1 1 Pass$/),
    ]);
    await context.close();
  });

  it('a supplier uploads only its own system’s figures; a role that gives none has no upload and is refused', async () => {
    const { context, page } = await signInByEmail(browser, base, mails, people.oldSupplier);
    await page.goto(dataChecking());
    const form = page.locator('#figures-upload');
    expect(await form.textContent()).toContain('kind, code, name, old value');
    expect(await form.textContent()).not.toContain('new value');
    await upload(form, csv('kind,code,old value,new value\nlist-size,,5240,5240\n'));
    await expectErrorSummary(
      page,
      'Line 2, newValue: The current supplier gives the old system’s figures (oldValue) only.',
    );
    await expectAccessible(page);
    await upload(form, csv('kind,code,old value\nlist-size,,5240\n'));
    await page.getByText('1 report figure imported.').waitFor();
    expect((await figureRows(page))[0]).toMatch(/^1 Registered list size 5240 5231 -9 1 Fail$/);
    await context.close();

    const icb = await signInByEmail(browser, base, mails, people.icb);
    await icb.page.goto(dataChecking());
    expect(await icb.page.locator('#figures-upload, #figure').count()).toBe(0);
    const csrf = await icb.page.locator('input[name="_csrf"]').first().inputValue();
    const crafted = await icb.context.request.post(`${dataChecking()}/report-figures.csv`, {
      multipart: { _csrf: csrf, file: csv('kind,old value\nlist-size,1\n') },
    });
    expect(crafted.status()).toBe(403);
    expect(await crafted.text()).toContain('your organisation is the ICB; this is for the Practice');
    await icb.context.close();
  });
});
