// The console's journey page in a real Chromium, with runs that really ran on the Temporal dev server
// (real worker, FerretDB, SMTP capture): every figure on the page is the API's for the same journey
// (funnel, treated vs holdout, per-value breakdown, YAML), the runs waiting at each step are Temporal's
// count with their wake-up time, the version picker switches versions, and pause / resume go through
// the API's controls (refused without journeys:publish or without the CSRF token).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONSOLE_CSP } from '../../api/console/index.js';
import { seriousAxeViolations, watchErrors } from '../support/browser.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createEmailCustomer } from '../support/test-journeys.js';
import { unique } from './api/harness.js';
import { signIn, startConsoleHarness, type ConsoleHarness } from './console/harness.js';

const TASK_QUEUE = 'console-journey';
let connection: Connection;
let native: NativeConnection;
let world: JourneyWorld;
let h: ConsoleHarness;
let journeyId: string;
const auth = () => ({ authorization: `Bearer ${h.api.token}` });

const yaml = (id: string, name: string) => `journey: ${id}
name: ${name}
entry: { api: true, reentry: never }
holdout: 30%
policy: { timezone: Asia/Tokyo }
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
  - id: wait-order
    wait_for: { event: order.completed, timeout: 7d }
`;

interface StepStats {
  stepId: string;
  entered: number;
  sent: Record<string, number>;
}

/** Polls `check` until it holds (hooks cannot use expect.poll). */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the runs did not reach the wait in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  native = await NativeConnection.connect({ address });
  const client = new Client({ connection });
  world = await startJourneyWorld({
    testFile: import.meta.filename,
    connection: native,
    client,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
  });
  h = await startConsoleHarness(import.meta.filename, {}, { store: world.store, client, taskQueue: TASK_QUEUE });
  journeyId = unique('console-journey');
  await request(h.api.app)
    .post('/v1/journeys')
    .set(auth())
    .set('content-type', 'application/yaml')
    .send(yaml(journeyId, 'コンソールの確認'))
    .expect(201);
  const customers = Array.from({ length: 8 }, (_, i) => `${journeyId}-c${i}`);
  for (const [i, id] of customers.entries()) {
    await createEmailCustomer(world.store.models, id, i === 7 ? {} : { homeStore: i % 2 ? 'umeda' : 'shibuya' });
  }
  await (
    await world.worker()
  ).runUntil(async () => {
    await request(h.api.app).post(`/v1/journeys/${journeyId}/entries`).set(auth()).send({ customerIds: customers });
    // Every run reaches the wait (holdout runs too, sending nothing): then the worker may stop.
    await until(async () => {
      const stats = await request(h.api.app).get(`/v1/journeys/${journeyId}/stats`).set(auth());
      return (stats.body as { steps: StepStats[] }).steps.find((s) => s.stepId === 'wait-order')?.entered === 8;
    });
  });
}, 240_000);

afterAll(async () => {
  await h?.close();
  await world?.close();
  await native?.close();
  await connection?.close();
});

const cellTexts = async (page: Page, selector: string) =>
  (await page.locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

describe('the journey page', () => {
  it('shows the API’s figures: results, each step, waiting runs until when, and the breakdown', async () => {
    const stats = (await request(h.api.app).get(`/v1/journeys/${journeyId}/stats`).set(auth())).body as {
      runs: number;
      holdout: number;
      converted: number;
      steps: StepStats[];
    };
    const page = await (await h.context('en-US')).newPage();
    const errors = watchErrors(page);
    await signIn(page, await h.api.key(['journeys:read']));
    const res = await page.goto(`/console/journeys/${journeyId}`);
    expect(res!.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(await page.locator('h1').textContent()).toBe('コンソールの確認');
    expect(await page.locator('#fig-runs .figure').textContent()).toBe(String(stats.runs));
    expect(await page.locator('#fig-holdout .figure').textContent()).toBe(String(stats.holdout));
    expect(await page.locator('#fig-converted .figure').textContent()).toBe(String(stats.converted));
    for (const step of stats.steps) {
      const cells = await cellTexts(page, `tr[data-step="${step.stepId}"] td`);
      expect(cells[0], step.stepId).toBe(String(step.entered));
      const sent = Object.values(step.sent).reduce((a, b) => a + b, 0);
      expect(cells[1], step.stepId).toBe(sent > 0 ? `email ${sent}` : '0');
    }
    const treated = stats.runs - stats.holdout;
    expect(treated).toBeGreaterThan(0);
    // Waiting now: Temporal's visibility count (it may lag a moment behind the journal).
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await cellTexts(page, 'tr[data-step="wait-order"] td'))[7];
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(String(stats.runs));
    const until = (await cellTexts(page, 'tr[data-step="wait-order"] td'))[8]!;
    // The timeout is 7 days from entry, shown in the shop's zone.
    const inAWeek = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', dateStyle: 'medium' }).format(
      Date.now() + 7 * 86_400_000,
    );
    expect(until).toContain(inAWeek);
    expect(until).toMatch(/GMT\+9/);
    // The drawing carries the same figures.
    expect(await page.locator('.graph svg').getAttribute('role')).toBe('img');
    expect(
      await page.locator('.graph svg text', { hasText: `Entered ${stats.steps[0]!.entered}` }).count(),
    ).toBeGreaterThan(0);
    expect(await page.locator('.graph svg text', { hasText: `Waiting now ${stats.runs}` }).count()).toBe(1);
    // The breakdown by home store, as the API's ?by=homeStore.
    await page.locator('#by').selectOption('homeStore');
    await page.waitForURL(/by=homeStore/);
    const by = (await request(h.api.app).get(`/v1/journeys/${journeyId}/stats?by=homeStore`).set(auth())).body as {
      by: { values: { value: string | null; runs: number; holdout: number }[] };
    };
    for (const v of by.by.values) {
      const cells = await cellTexts(page, `tr[data-value="${v.value ?? ''}"] td`);
      expect(cells.slice(0, 2), String(v.value)).toEqual([String(v.runs), String(v.holdout)]);
    }
    expect(await page.locator('pre.source').textContent()).toBe(yaml(journeyId, 'コンソールの確認'));
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('switches versions with the picker', async () => {
    await request(h.api.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(yaml(journeyId, 'コンソールの確認 v2'))
      .expect(201);
    const page = await (await h.context()).newPage();
    await signIn(page, await h.api.key(['journeys:read']));
    await page.goto(`/console/journeys/${journeyId}`);
    expect(await page.locator('h1').textContent()).toBe('コンソールの確認 v2');
    expect(await page.locator('#fig-runs .figure').textContent()).toBe('0');
    await page.locator('#version').selectOption('1');
    await page.waitForURL(/version=1/);
    const v1 = (await request(h.api.app).get(`/v1/journeys/${journeyId}/stats?version=1`).set(auth())).body as {
      runs: number;
    };
    expect(await page.locator('#fig-runs .figure').textContent()).toBe(String(v1.runs));
    expect(await page.locator('pre.source').textContent()).toContain('name: コンソールの確認\n');
    const missing = await page.goto(`/console/journeys/${journeyId}?version=9`);
    expect(missing!.status()).toBe(404);
  });

  it('pauses and resumes through the API’s controls, only for keys with journeys:publish', async () => {
    const page = await (await h.context()).newPage();
    const errors = watchErrors(page);
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, await h.api.key(['journeys:read', 'journeys:publish']));
    await page.goto(`/console/journeys/${journeyId}`);
    await page.getByRole('button', { name: '一時停止する' }).click();
    await page.waitForURL(`**/console/journeys/${journeyId}`);
    expect(await page.locator('#journey-status').textContent()).toBe('一時停止中');
    const paused = await request(h.api.app).get(`/v1/journeys/${journeyId}`).set(auth());
    expect(paused.body.status).toBe('paused');
    await page.getByRole('button', { name: '再開する' }).click();
    await page.waitForURL(`**/console/journeys/${journeyId}`);
    expect(await page.locator('#journey-status').textContent()).toBe('稼働中');
    expect((await request(h.api.app).get(`/v1/journeys/${journeyId}`).set(auth())).body.status).toBe('active');
    expect(errors).toEqual([]);

    const reader = await (await h.context()).newPage();
    await signIn(reader, await h.api.key(['journeys:read']));
    await reader.goto(`/console/journeys/${journeyId}`);
    expect(await reader.getByRole('button', { name: '一時停止する' }).count()).toBe(0);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const readerCsrf = await reader.locator('form.sign-out input[name=_csrf]').inputValue();
    const readerCookie = (await reader.context().cookies()).find((c) => c.name === 'kizuna_console')!;
    const refused = await request(h.api.app)
      .post(`/console/journeys/${journeyId}/pause`)
      .set('cookie', `kizuna_console=${readerCookie.value}`)
      .type('form')
      .send({ _csrf: readerCsrf });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('INSUFFICIENT_SCOPE');
    const publisherCookie = (await page.context().cookies()).find((c) => c.name === 'kizuna_console')!;
    const forged = await request(h.api.app)
      .post(`/console/journeys/${journeyId}/pause`)
      .set('cookie', `kizuna_console=${publisherCookie.value}`)
      .type('form')
      .send({ _csrf: `${csrf}x` });
    expect(forged.status).toBe(403);
    expect((await request(h.api.app).get(`/v1/journeys/${journeyId}`).set(auth())).body.status).toBe('active');
  });
});
