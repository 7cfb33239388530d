/**
 * A real Chromium for the console's browser tests: the one named by `KIZUNA_CHROMIUM` (a system Chrome
 * or Chromium), else the one inside the `@sparticuz/chromium` package (unpacked to the temp folder on
 * first use). Playwright drives it through `playwright-core`; a browser that cannot start fails the test.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

/** Starts a headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  const own = process.env.KIZUNA_CHROMIUM;
  if (own) return playwright.launch({ executablePath: own, headless: true });
  return playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
}

/** What the page printed as errors: console errors (CSP violations among them) and uncaught exceptions. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation, as the tests report it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
interface RawViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page (WCAG 2.x A and AA rules) and answers the serious and critical violations.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page's
 * own policy stays as strict as in production.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // A string, evaluated in the page: the test project has no DOM types, the page has axe.
  const violations = await page.evaluate<RawViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
    .then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.map(String) })) })))`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
}
