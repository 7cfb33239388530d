// The console's journeys page in a real Chromium against the real API and FerretDB: each journey's
// status and version as the API answers them, runs going now, runs that entered, ended and converted in
// the last 7 and 30 days (from the day counters), and when it was last published, in the shop's zone.
import request from 'supertest';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatters } from '../../api/console/i18n.js';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import { seriousAxeViolations, watchErrors } from '../support/browser.js';
import { journeyYaml, unique } from './api/harness.js';
import { signIn, startConsoleHarness, type ConsoleHarness } from './console/harness.js';

let h: ConsoleHarness;
const DAY = 24 * 60 * 60 * 1000;
const auth = () => ({ authorization: `Bearer ${h.api.token}` });

beforeAll(async () => {
  h = await startConsoleHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

async function publish(): Promise<string> {
  const id = unique('console');
  const yaml = journeyYaml({ id, event: 'order.completed' });
  await request(h.api.app)
    .post('/v1/journeys')
    .set(auth())
    .set('content-type', 'application/yaml')
    .send(yaml)
    .expect(201);
  return id;
}

/** Rows of one run: `entered` (or denied) at `enteredDaysAgo`, optionally ended and converted later. */
function run(
  journeyId: string,
  customerId: string,
  days: { entered: number; ended?: number; converted?: boolean; denied?: boolean },
) {
  const workflowId = `kizuna/${journeyId}/${customerId}`;
  const now = Date.now();
  const row = (seq: number, daysAgo: number, part: Partial<JournalRow>): JournalRow => ({
    rowId: `${workflowId}/r1/${seq}`,
    journeyId,
    version: 1,
    customerId,
    workflowId,
    stepId: null,
    stepKind: null,
    action: 'entered',
    reason: null,
    detail: { holdout: false },
    atMs: now - daysAgo * DAY,
    ...part,
  });
  if (days.denied) return [row(0, days.entered, { action: 'entry-denied', reason: 'reentry', detail: {} })];
  const rows = [
    row(0, days.entered, {}),
    row(1, days.entered, { stepId: 'pause', stepKind: 'wait', action: 'waiting' }),
  ];
  if (days.ended !== undefined && days.converted) {
    rows.push(row(2, days.ended, { action: 'converted', reason: 'order.completed', detail: {} }));
    rows.push(row(3, days.ended, { action: 'exited', reason: 'converted', detail: {} }));
  } else if (days.ended !== undefined) {
    rows.push(row(2, days.ended, { stepId: null, action: 'completed', reason: 'completed', detail: {} }));
  }
  return rows;
}

/** The figures of a journey's row on the page, by column. */
async function rowFigures(page: Page, journeyId: string) {
  const cells = await page.locator(`tr[data-journey="${journeyId}"] td`).allTextContents();
  const [status, version, active, e7, x7, c7, e30, x30, c30, published] = cells.map((c) => c.trim());
  return { status, version, active, d7: [e7, x7, c7], d30: [e30, x30, c30], published };
}

describe('the journeys page', () => {
  it('shows status, version, runs now and in the last 7 / 30 days, and the last publish, as the API has them', async () => {
    const journeyId = await publish();
    await appendJournal(h.api.store.models, [
      ...run(journeyId, 'going', { entered: 2 }),
      ...run(journeyId, 'converted-9d', { entered: 10, ended: 9, converted: true }),
      ...run(journeyId, 'ended-1d', { entered: 40, ended: 1 }),
      ...run(journeyId, 'denied', { entered: 1, denied: true }),
    ]);
    await request(h.api.app).post(`/v1/journeys/${journeyId}/pause`).set(auth()).expect(200);
    const api = (await request(h.api.app).get(`/v1/journeys/${journeyId}`).set(auth()).expect(200)).body as {
      status: string;
      version: number;
      versions: { publishedAt: string }[];
    };

    const page = await (await h.context()).newPage();
    const errors = watchErrors(page);
    await signIn(page, await h.api.key(['journeys:read']));
    const figures = await rowFigures(page, journeyId);
    expect(api.status).toBe('paused');
    expect(figures.status).toBe('一時停止中');
    expect(figures.version).toBe(`v${api.version}`);
    // Going: entered 2 days ago; the run entered 40 days ago ended yesterday; the denied entry is no run.
    expect(figures.active).toBe('1');
    expect(figures.d7).toEqual(['1', '1', '0']);
    expect(figures.d30).toEqual(['2', '2', '1']);
    expect(figures.published).toBe(formatters('ja', 'Asia/Tokyo').dateTime(Date.parse(api.versions[0]!.publishedAt)));
    expect(figures.published).toMatch(/JST$/);
    await page.getByRole('link', { name: journeyId }).first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('recounts a version counted before the day counters existed, once', async () => {
    const journeyId = await publish();
    const models = h.api.store.models;
    // Rows written straight to the journal, and counters that say "complete" but carry no day counters.
    await models.JournalRow.insertMany(
      run(journeyId, 'old', { entered: 3, ended: 2, converted: true }).map(({ atMs, ...row }) => ({
        ...row,
        at: new Date(atMs),
      })),
    );
    await models.JournalCount.deleteMany({ journeyId });
    await models.JournalCount.collection.insertOne({
      _id: `delta|complete|${journeyId}|1`,
      journeyId,
      version: 1,
      kind: 'delta',
      counts: { complete: 1, breakdowns: 1 },
    } as never);
    const page = await (await h.context('en-US')).newPage();
    await signIn(page, await h.api.key(['journeys:read']));
    const figures = await rowFigures(page, journeyId);
    expect(figures.status).toBe('Active');
    expect([figures.active, ...figures.d7]).toEqual(['0', '1', '1', '1']);
    // The API's funnel reads the recounted counters too.
    const stats = await request(h.api.app).get(`/v1/journeys/${journeyId}/stats`).set(auth()).expect(200);
    expect(stats.body).toMatchObject({ runs: 1, converted: 1 });
  });

  it('shows a journey without its waiting runs when Temporal’s visibility cannot be read', async () => {
    const journeyId = await publish();
    const down = await startConsoleHarness(
      import.meta.filename,
      { runtime: { ...h.api.runtime, waitingRuns: () => Promise.reject(new Error('visibility is down')) } },
      { store: h.api.store, client: h.api.client },
    );
    try {
      const page = await (await down.context('en-US')).newPage();
      await signIn(page, await down.api.key(['journeys:read']));
      const res = await page.goto(`/console/journeys/${journeyId}`);
      expect(res!.status()).toBe(200);
      expect(await page.getByText('Waiting runs cannot be shown').count()).toBe(1);
      expect(await page.locator('tr[data-step="pause"] th').textContent()).toBe('pause');
    } finally {
      await down.close();
    }
  });
});
