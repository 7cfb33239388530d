/**
 * Screenshots of every console page into docs/ (shown in docs/console.md), taken in a real Chromium
 * (test/support/browser.ts) from a running stack: start it with `npm start`, then
 *
 *   KIZUNA_API_KEY=kz_... npm run console:screenshots
 *
 * `KIZUNA_API_URL` (default http://127.0.0.1:3000) names the API; the key is the one `npm start`
 * printed (`journeys:read` and `customers:read`). Pages: the sign-in, the journeys, each journey named in
 * `KIZUNA_SCREENSHOT_JOURNEYS` (comma-separated; default `winback-90d-demo`), the three reports (the
 * answers of `KIZUNA_SCREENSHOT_SURVEY`, default `line-friend-survey`) and the customer
 * `KIZUNA_SCREENSHOT_CUSTOMER` (default `demo-line`), in Japanese and English.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { projectRoot } from './servers.js';

const base = (process.env.KIZUNA_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const key = process.env.KIZUNA_API_KEY;
const journeys = (process.env.KIZUNA_SCREENSHOT_JOURNEYS ?? 'winback-90d-demo').split(',').filter(Boolean);
const survey = process.env.KIZUNA_SCREENSHOT_SURVEY ?? 'line-friend-survey';
const customer = process.env.KIZUNA_SCREENSHOT_CUSTOMER ?? 'demo-line';
/** The pages after the journeys', each with the name of its file. */
const MORE_PAGES: [path: string, name: string][] = [
  ['/console/reports/routes', 'reports-routes'],
  ['/console/reports/stores', 'reports-stores'],
  [`/console/reports/answers?journey=${encodeURIComponent(survey)}`, 'reports-answers'],
  [`/console/customers/${encodeURIComponent(customer)}`, 'customer'],
];

async function shoot(page: Page, path: string, file: string): Promise<void> {
  const res = await page.goto(`${base}${path}`);
  if (!res?.ok()) throw new Error(`${path} answered ${res?.status() ?? 'nothing'}`);
  const out = join(projectRoot, 'docs', file);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote docs/${file}`);
}

async function main(): Promise<void> {
  if (!key) throw new Error('KIZUNA_API_KEY is not set: use the key `npm start` printed.');
  // The packaged Chromium reads only its own fonts unless told otherwise: the system's fonts (a CJK font
  // among them, e.g. fonts-ipafont-gothic or fonts-noto-cjk) draw the Japanese text.
  if (!process.env.FONTCONFIG_PATH && existsSync('/etc/fonts/fonts.conf')) process.env.FONTCONFIG_PATH = '/etc/fonts';
  const browser = await launchBrowser();
  try {
    // Contexts stay open until the end: the packaged Chromium runs as one process, which closing its
    // last context ends.
    for (const lang of ['ja', 'en'] as const) {
      const context = await browser.newContext({
        locale: lang === 'ja' ? 'ja-JP' : 'en-US',
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      await shoot(page, '/console/sign-in', `console-sign-in-${lang}.png`);
      await page.locator('#api-key').fill(key);
      await page.locator('form.sign-in button[type=submit]').click();
      await page.waitForURL('**/console/journeys');
      await shoot(page, '/console/journeys', `console-journeys-${lang}.png`);
      for (const id of journeys) {
        await shoot(
          page,
          `/console/journeys/${encodeURIComponent(id)}?by=homeStore`,
          `console-journey-${id}-${lang}.png`,
        );
      }
      for (const [path, name] of MORE_PAGES) await shoot(page, path, `console-${name}-${lang}.png`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
