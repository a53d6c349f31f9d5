import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from './processes';

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
