import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Locator } from 'playwright-core';
import { call } from '../support/api-process';
import { expectAccessible, expectErrorSummary, screenshot, signInByEmail, submit } from '../support/browser';
import { reportThroughTraining, startBrowserStack, type BrowserStack } from '../support/browser-stack';
import { kickoffFor, type Parties, type Party } from '../support/parties';
import { pdfText } from '../support/pdf-text';
import type { CaughtMail } from '../support/smtp-catcher';

/*
 * The data-checking page in a real browser against the built API and worker, real Temporal and Postgres: the new
 * supplier adds a test criterion; the practice selects patients one by one and by CSV, compares a report figure,
 * checks every area of both records (one mismatch, which becomes an issue), records the round's outcome and signs
 * off with the declaration; the ICB sees masked NHS numbers, countersigns and downloads the sign-off pack. Bad input
 * gives an error summary on the same page, never a 500; every page state passes axe; no NHS number reaches the logs.
 */
describe('the data-checking page, in Chromium', () => {
  let stack: BrowserStack;
  let mails: CaughtMail[];
  let parties: Parties;
  let browser: Browser;
  let base: string;
  let logs = '';
  let id: string;
  const tag = randomUUID().slice(0, 8);
  const people = {
    icb: `icb-${tag}@example.nhs.uk`,
    supplier: `supplier-${tag}@example.com`,
    practice: `practice-${tag}@example.nhs.uk`,
  };
  const P1 = '9434765919';
  const P2 = '9434765870';
  /** P1 with its check digit changed: ten digits, but the modulus 11 check fails. */
  const INVALID = '9434765918';

  const report = async (who: Party, milestone: string, payload: object = {}) => {
    const res = await call(base, 'POST', `/v1/migrations/${id}/milestones/${milestone}`, payload, who.auth);
    expect({ milestone, status: res.status }).toEqual({ milestone, status: 200 });
  };

  beforeAll(async () => {
    // Info-level request logs, collected: no NHS number may appear in them.
    stack = await startBrowserStack(`browser-datacheck-${tag}`, { LOG_LEVEL: 'info' });
    ({ mails, parties, base, browser } = stack);
    stack.api.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    stack.api.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
    await stack.addUser(parties.icb, people.icb, 'Ines Cobb');
    await stack.addUser(parties.newSupplier, people.supplier, 'Sam Supplier');
    await stack.addUser(parties.practice, people.practice, 'Pat Khan');

    // One mismatch in 24 checks is 95.8% accuracy: this migration's policy passes a round from 90%.
    const body = kickoffFor(parties, { dataCheckThresholds: { completenessPercent: 100, accuracyPercent: 90 } });
    const kickoff = await call(base, 'POST', '/v1/migrations', body, parties.icb.auth);
    expect(kickoff.status).toBe(201);
    id = kickoff.body.id;
    await reportThroughTraining(base, id, parties);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const signIn = (email: string, javaScriptEnabled = true) =>
    signInByEmail(browser, base, mails, email, javaScriptEnabled);

  const dataChecking = () => `${base}/migrations/${id}/data-checking`;

  it('the new supplier adds a test criterion; an incomplete one is refused on the same page', async () => {
    const { context, page } = await signIn(people.supplier);
    await page.goto(dataChecking());
    await expectAccessible(page);
    // The supplier gives criteria and figures, but does not select patients.
    expect(await page.locator('#patient').count()).toBe(0);

    const form = page.locator('#criterion');
    await form.getByLabel('Code').fill('TC-01');
    await form.getByLabel('Patients to select').fill('lots');
    await submit(form, 'Add criterion');
    await expectErrorSummary(page, 'patientsToSelect must be a whole number from 0 to 100');
    expect(await page.locator('.nhsuk-error-summary a').first().getAttribute('href')).toBe('#criterion-description');
    // What was typed is still there.
    expect(await form.getByLabel('Code').inputValue()).toBe('TC-01');
    await expectAccessible(page);

    await form.getByLabel('What kind of record to look for').fill('On warfarin with an INR in the last 3 months');
    await form.getByLabel('Area it exercises').fill('medication');
    await form.getByLabel('Patients to select').fill('2');
    await submit(form, 'Add criterion');
    await page.getByText('Test criterion added.').waitFor();
    expect(await page.locator('#criteria-table').textContent()).toContain('On warfarin');
    await context.close();
    await report(parties.newSupplier, 'testCriteriaProvided');
  });

  it('the practice selects patients: an invalid NHS number and a bad CSV row are shown, not stored', async () => {
    const { context, page } = await signIn(people.practice);
    await page.getByRole('link', { name: 'Data checking for Riverside Surgery' }).click();
    expect(new URL(page.url()).pathname).toBe(`/migrations/${id}/data-checking`);

    const select = page.locator('#patient');
    await select.getByLabel('NHS number').fill(INVALID);
    await submit(select, 'Select patient');
    await expectErrorSummary(page, 'not a valid NHS number');
    expect(await page.locator('.nhsuk-error-summary a').first().getAttribute('href')).toBe('#patient-nhsNumber');
    expect(await page.locator('#patient .nhsuk-error-message').textContent()).toContain('not a valid NHS number');
    await expectAccessible(page);
    await screenshot(page, 'data-checking-errors');

    await select.getByLabel('NHS number').fill('943 476 5919');
    await select.getByLabel('Selected for test criterion').selectOption('TC-01');
    await submit(select, 'Select patient');
    await page.getByText('Patient selected.').waitFor();
    expect(await page.locator('#patients-table').textContent()).toContain('943 476 5919');

    // A file with one bad row: nothing imported, every rejected row listed in a table.
    const upload = page.locator('#upload');
    await upload.locator('input[type="file"]').setInputFiles({
      name: 'search.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`NHS number,criterion,surname\n${P2},,Jones\n${INVALID},,Smith\n`),
    });
    await submit(upload, 'Upload patients');
    await expectErrorSummary(page, 'Nothing was imported');
    const rejected = page.locator('#upload-rejected');
    expect(await rejected.locator('tbody td').allTextContents()).toEqual([
      '3',
      'NHS number',
      'Not a valid NHS number (10 digits, modulus 11 check).',
    ]);
    expect(await rejected.locator('caption').textContent()).toContain('Rows that were rejected');
    expect(await page.locator('#patients-table tbody tr').count()).toBe(1);
    await expectAccessible(page);

    await upload.locator('input[type="file"]').setInputFiles({
      name: 'search.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`NHS number,criterion,surname\n${P2},,Jones\n`),
    });
    await submit(upload, 'Upload patients');
    await page.getByText('1 patient imported.').waitFor();
    expect(await page.locator('#patients-table tbody tr').count()).toBe(2);
    await context.close();
    await report(parties.practice, 'patientsSelected');
  });

  it('the practice compares a report and checks both records; the mismatch becomes an issue', async () => {
    const { context, page } = await signIn(people.practice);
    await page.goto(dataChecking());

    const figure = page.locator('#figure');
    await figure.getByLabel('Kind of figure').selectOption('list-size');
    await figure.getByLabel('Current system’s figure').fill('5230');
    await figure.getByLabel('Test system’s figure').fill('5230');
    await submit(figure, 'Save figure');
    await page.getByText('Report figure saved.').waitFor();
    const row = page.locator('#figures-table tbody tr').first();
    expect((await row.textContent())?.replace(/\s+/g, ' ')).toMatch(/5230.*5230.*0.*0.*Pass/);

    const patients = page.locator('section[id^="checks-"]');
    expect(await patients.count()).toBe(2);
    const answer = async (patient: Locator, mismatchIn?: string, note?: string) => {
      for (const area of await patient.locator('[data-category]').all()) {
        const category = await area.getAttribute('data-category');
        await area.getByLabel(category === mismatchIn ? 'Mismatch' : 'Match', { exact: true }).check();
        if (category === mismatchIn && note) await area.getByRole('textbox').fill(note);
      }
    };
    // A mismatch without a note is refused, beside the area it belongs to.
    const first = patients.nth(0);
    await answer(first, 'medication');
    await submit(first, 'Save checks of patient 943 476 5919');
    await expectErrorSummary(page, 'Medication note must say what differs for a mismatch');
    expect(await page.locator('.nhsuk-error-summary a').first().getAttribute('href')).toMatch(/-note-medication$/);
    await expectAccessible(page);

    await answer(patients.nth(0), 'medication', 'Repeat dose 5 mg shows as 50 mg');
    await submit(patients.nth(0), 'Save checks of patient 943 476 5919');
    await page.getByText('12 checks saved; 1 mismatch logged as issues.').waitFor();
    await answer(patients.nth(1));
    await submit(patients.nth(1), 'Save checks of patient 943 476 5870');
    await page.getByText('12 checks saved.').waitFor();

    const issue = page.locator('#issues-table tr[data-issue="1"]');
    expect(await issue.locator('td').allTextContents()).toEqual([
      '#1',
      'Open',
      'Medium',
      'Medication',
      'Repeat dose 5 mg shows as 50 mg',
      '943 476 5919',
      '1',
      '–',
    ]);
    // An issue found outside the records, logged by hand.
    const raise = page.locator('#issue');
    await raise.getByLabel('Area').selectOption('reports');
    await submit(raise, 'Log issue');
    await expectErrorSummary(page, 'description is required');
    expect(await page.locator('.nhsuk-error-summary a').first().getAttribute('href')).toBe('#issue-description');
    expect(await raise.getByLabel('Area').inputValue()).toBe('reports');
    await raise.getByLabel('What is wrong').fill('QOF AF register is 1 short in the test system');
    await submit(raise, 'Log issue');
    await page.getByText('Issue logged.').waitFor();
    expect(await page.locator('#issues-table tr[data-issue="2"]').textContent()).toContain('QOF AF register');

    // Round 1: 23 of 24 areas match and 1 report figure passes: completeness 100%, accuracy 95.83%.
    const round = page.locator('#rounds-table tbody tr').first().locator('td');
    expect(await round.allTextContents()).toEqual(['1', '100%', '95.83%', '0', 'Passed', 'Not yet']);
    expect(await page.locator('#data-check-chart-desc').textContent()).toContain(
      'Round 1: completeness 100%, accuracy 95.83%',
    );
    await expectAccessible(page);
    await context.close();
  });

  it('the practice records the round outcome and the clinical lead signs off with the declaration', async () => {
    const { context, page } = await signIn(people.practice);
    // The round is reported complete on the migration page; the data-checking page links there until it is.
    await page.goto(dataChecking());
    expect(await page.locator('#outcome').textContent()).toContain('First report “data check round completed”');
    await page.locator('#outcome').getByRole('link', { name: 'migration page' }).click();
    await submit(page.locator('section[id^="action-report-dataCheckRoundCompleted"]'), /^Report /);
    await page.getByText('Milestone reported.').waitFor();
    await page.getByRole('link', { name: /^Data checking:/ }).click();

    await submit(page.locator('#outcome'), 'Compute and record the outcome');
    await page.getByText('Round 1 passed. The clinical lead can now sign off.').waitFor();
    // What the figures say, and now what the process recorded.
    expect(await page.locator('#rounds-table tbody tr').first().locator('td').allTextContents()).toEqual([
      '1',
      '100%',
      '95.83%',
      '0',
      'Passed',
      'Passed',
    ]);
    await expectAccessible(page);
    await screenshot(page, 'data-checking', true);

    const signOff = page.locator('#sign-off');
    expect(await signOff.textContent()).toContain('accept the 2 issues still open (#1, #2)');
    await signOff.getByLabel('Clinical lead’s name').fill('Dr Amira Shah');
    await submit(signOff, 'Sign off');
    await expectErrorSummary(page, 'declarationAccepted must be true');
    await expectAccessible(page);
    await page.getByLabel('I accept the declaration above').check();
    await page.getByLabel('What cannot be migrated (optional)').fill('Appointment history before 2019');
    await submit(page.locator('#sign-off'), 'Sign off');
    await page.getByText('Signed off.', { exact: true }).waitFor();
    const signed = await page.locator('.nhsuk-inset-text').textContent();
    expect(signed).toContain('Signed off by Dr Amira Shah');
    expect(signed).toContain('I accept the 2 issues still open (#1, #2)');
    expect(signed).toContain('Not countersigned by the ICB yet.');
    // Signed off: the forms that change the data check are gone.
    expect(await page.locator('#patient, #figure, #sign-off, #outcome').count()).toBe(0);
    await context.close();
  });

  it('the ICB sees masked NHS numbers, countersigns and downloads the sign-off pack', async () => {
    const { context, page } = await signIn(people.icb);
    await page.goto(`${base}/migrations/${id}`);
    await page.getByRole('link', { name: /^Data checking:/ }).click();
    const patients = await page.locator('#patients-table').textContent();
    expect(patients).toContain('*** *** 5919');
    expect(patients).not.toContain(P1);

    await submit(page.locator('#countersign'), 'Countersign');
    await expectErrorSummary(page, 'name is required');
    await expectAccessible(page);
    await page.getByLabel('Your name and role').fill('Jo Reed, Primary Care Digital Lead');
    await submit(page.locator('#countersign'), 'Countersign');
    await page.getByText('Countersigned.', { exact: true }).waitFor();
    expect(await page.locator('.nhsuk-inset-text').textContent()).toContain(
      'Countersigned by Jo Reed, Primary Care Digital Lead for the ICB',
    );
    await expectAccessible(page);

    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the sign-off pack (PDF)' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toBe(`sign-off-pack-${parties.practice.code}.pdf`);
    const text = await pdfText(readFileSync((await pdf.path())!));
    expect(text).toContain('Dr Amira Shah');
    expect(text).toContain('Jo Reed');
    expect(text).not.toContain(P1);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the sign-off pack (CSV)' }).click(),
    ]);
    const rows = readFileSync((await csv.path())!, 'utf8');
    expect(rows).toContain('Jo Reed, Primary Care Digital Lead');
    expect(rows).toContain('5919');
    expect(rows).not.toContain(P1);
    await context.close();
  });

  it('the supplier updates an issue without JavaScript; others’ forms are refused; no NHS number is logged', async () => {
    const { context, page } = await signIn(people.supplier, false);
    await page.goto(dataChecking());
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const post = await context.request.post(`${dataChecking()}/patients`, { form: { _csrf: csrf, nhsNumber: P2 } });
    expect(post.status()).toBe(403);
    expect(await post.text()).toContain('this is for the Practice or Delivery partner');
    // The new supplier fixes an issue the clinical lead accepted, after the sign-off.
    await page.getByText('Update issue #1 (open)').click();
    const update = page.locator('#issue-update-1');
    await update.getByLabel('New status').selectOption('fixed-by-supplier');
    await update.getByLabel('Supplier reference').fill('TPP-INC-44120');
    await submit(update, 'Update issue #1');
    await page.getByText('Issue 1 updated.').waitFor();
    const fixed = await page.locator('#issues-table tr[data-issue="1"] td').allTextContents();
    expect([fixed[1], fixed[7]]).toEqual(['Fixed by supplier', 'TPP-INC-44120']);
    // Re-checking and closing are for the practice: the supplier is offered no status, only its reference.
    expect(await page.locator('#issue-update-1 select').count()).toBe(0);
    expect(await page.locator('#issue-update-1').getByLabel('Supplier reference').inputValue()).toBe('TPP-INC-44120');

    // An upload is read only up to 2 MB, and not at all without its CSRF token (figures are the supplier's to upload).
    const file = (size: number) => ({ name: 'figures.csv', mimeType: 'text/csv', buffer: Buffer.alloc(size, '9') });
    const uploads = `${dataChecking()}/report-figures.csv`;
    const big = await context.request.post(uploads, { multipart: { _csrf: csrf, file: file(2 * 1024 * 1024 + 1) } });
    expect(big.status()).toBe(413);
    expect(await big.text()).toContain('at most 2 MB');
    const forged = await context.request.post(uploads, { multipart: { file: file(100) } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form has expired');

    const other = await page.goto(`${base}/migrations/${randomUUID()}/data-checking`);
    expect(other?.status()).toBe(404);
    await context.close();

    expect(logs).toContain('"level":30');
    for (const n of [P1, P2, INVALID, '943 476 5919']) expect(logs).not.toContain(n);
  });
});
