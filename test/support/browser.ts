import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO } from './processes';
import type { CaughtMail } from './smtp-catcher';
import { eventually } from './worker-harness';

export const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');

/**
 * Debian's Chromium (installed by infra/chromium.sh), headless. The background-networking flags matter: without
 * them Chromium keeps calling Google's hosts, which a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Fails with the rule, impact and elements of every serious or critical WCAG 2.2 AA violation on the page. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect({ url: page.url(), serious }).toEqual({ url: page.url(), serious: [] });
}

/**
 * A full-page screenshot kept as a CI artefact; `docs` also copies it to docs/images for the README, cut to the
 * first 1,600 pixels so a long page still reads as a picture.
 */
export async function screenshot(page: Page, name: string, docs = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  const height = await page.locator('body').evaluate((body) => body.scrollHeight);
  await page.screenshot(
    docs && height > 1600
      ? { path: file, fullPage: true, clip: { x: 0, y: 0, width: page.viewportSize()!.width, height: 1600 } }
      : { path: file, fullPage: true },
  );
  if (docs) {
    mkdirSync(join(REPO, 'docs', 'images'), { recursive: true });
    copyFileSync(file, join(REPO, 'docs', 'images', `${name}.png`));
  }
}

/** Signs in through an emailed link, read from the SMTP server, in a fresh browser context. */
export async function signInByEmail(
  browser: Browser,
  base: string,
  mails: CaughtMail[],
  email: string,
  javaScriptEnabled = true,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    javaScriptEnabled,
  });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  const before = mails.length;
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const mail = await eventually(async () => mails.slice(before).find((m) => m.recipients.includes(email)), 10_000, 100);
  await page.goto(/(http:\/\/\S+\/sign-in\/link\?token=[\w-]+)/.exec(mail.text ?? '')![1]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

/** Submits a form and waits for the page that answers it. */
export async function submit(scope: Locator, button: string | RegExp): Promise<void> {
  await Promise.all([scope.page().waitForEvent('load'), scope.getByRole('button', { name: button }).click()]);
}

/** The NHS error summary is on the page and says `text`; the title starts with "Error:" as the design system asks. */
export async function expectErrorSummary(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  expect(await page.locator('.nhsuk-error-summary').textContent()).toContain(text);
  expect(await page.title()).toMatch(/^Error: /);
}
