/**
 * The console on real servers, listening on a free port, with a real Chromium: the API harness
 * (FerretDB, the Temporal dev server) behind an HTTP server the browser reaches, and helpers to sign in.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AppDeps } from '../../../api/app.js';
import { launchBrowser } from '../../support/browser.js';
import { startApiHarness, type ApiHarness } from '../api/harness.js';

export interface ConsoleHarness {
  api: ApiHarness;
  browser: Browser;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** A fresh browser context (own cookies) in `locale` (its `Accept-Language`). */
  context(locale?: string): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Starts the API (with `overrides`, on `servers` as {@link startApiHarness}), an HTTP server for it, and Chromium. */
export async function startConsoleHarness(
  testFile: string,
  overrides: Partial<AppDeps> = {},
  servers: Parameters<typeof startApiHarness>[2] = {},
): Promise<ConsoleHarness> {
  const api = await startApiHarness(testFile, overrides, servers);
  const server: Server = createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchBrowser().catch(async (err: unknown) => {
    server.close();
    await api.close();
    throw err;
  });
  const contexts: BrowserContext[] = [];
  return {
    api,
    browser,
    baseUrl,
    async context(locale = 'ja-JP') {
      const context = await browser.newContext({ locale, baseURL: baseUrl });
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await api.close();
    },
  };
}

/** Signs in through the form with `token` and waits for the journeys page. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/console/sign-in');
  await page.locator('#api-key').fill(token);
  await page.locator('form.sign-in button[type=submit]').click();
  await page.waitForURL('**/console/journeys');
  expect(await page.locator('nav').count()).toBe(1);
}
