// The console's report pages in a real Chromium against the real API on FerretDB: the routes page
// shows the figures of GET /v1/reports/routes for its period (per route, per day, the funnel) with
// each route's QR code as the API draws it and a print view; the stores page shows
// GET /v1/reports/stores; the answers page shows GET /v1/reports/answers/:journeyId; the charts are images with a
// title and a description; the language switch; axe-core; no console errors.
import type { Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedMidnight } from '../../api/console/reports/period.js';
import type { AnswersReport } from '../../api/reports/answers.js';
import type { StoreReportRow, StoresReport } from '../../api/reports/stores.js';
import type { RouteReportRow, RoutesReport } from '../../api/routes/report.js';
import { seriousAxeViolations, watchErrors } from '../support/browser.js';
import { signIn, startConsoleHarness, type ConsoleHarness } from './console/harness.js';
import { seedReports, type SeededReports } from './console/report-seed.js';

let h: ConsoleHarness;
let seeded: SeededReports;
let token: string;
const FIGURES = [
  'visits',
  'denied',
  'logins',
  'friendsAdded',
  'customersLinked',
  'newCustomers',
  'blockedSince',
  'orders',
  'revenue',
];
const api = (path: string) => request(h.api.app).get(path).set('authorization', `Bearer ${h.api.token}`).expect(200);
/** `GET /v1/reports/routes` for the period `[from, to)`. */
const routesApi = async (from: string, to: string): Promise<RoutesReport> =>
  (await api(`/v1/reports/routes?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&days=30`))
    .body as RoutesReport;
/** `GET /v1/reports/stores` for the period `[from, to)`. */
const storesApi = async (from: string, to: string): Promise<StoresReport> =>
  (await api(`/v1/reports/stores?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&days=30`))
    .body as StoresReport;
const figure = (row: RouteReportRow | StoreReportRow, field: string) =>
  (row as unknown as Record<string, number>)[field]!;

beforeAll(async () => {
  h = await startConsoleHarness(import.meta.filename, {
    lineLogin: {
      channelId: '1234567890',
      channelSecret: 'login-secret',
      callbackUrl: 'https://shop.example/line/login/callback',
      stateSecret: 'state-secret-of-the-console-tests',
    },
  });
  seeded = await seedReports(h.api, Date.now());
  token = await h.api.key(['journeys:read']);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function openSignedIn(path: string, locale = 'ja-JP'): Promise<{ page: Page; errors: string[] }> {
  const context = await h.context(locale);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await signIn(page, token);
  const response = await page.goto(path);
  expect(response?.status()).toBe(200);
  return { page, errors };
}

/** The figures of a table row, by field, as the page printed them (`data-value`) and its conversions. */
async function rowFigures(page: Page, selector: string) {
  const row = page.locator(selector);
  const figures: Record<string, number> = {};
  for (const field of FIGURES)
    figures[field] = Number(await row.locator(`td[data-field="${field}"]`).getAttribute('data-value'));
  const conversions: Record<string, number> = {};
  for (const li of await row.locator('td[data-field="conversions"] li').all()) {
    conversions[(await li.getAttribute('data-journey'))!] = Number(await li.getAttribute('data-value'));
  }
  return { ...figures, conversions };
}

async function periodOf(page: Page): Promise<{ from: string; to: string }> {
  const line = page.locator('p.period');
  return { from: (await line.getAttribute('data-from'))!, to: (await line.getAttribute('data-to'))! };
}

const only = (row: RouteReportRow | StoreReportRow) => ({
  ...Object.fromEntries(FIGURES.map((f) => [f, figure(row, f)])),
  conversions: row.conversions,
});

describe('reports index', () => {
  it('links the three reports from the navigation, with no serious accessibility violation', async () => {
    const { page, errors } = await openSignedIn('/console/journeys');
    await page.getByRole('navigation').getByRole('link', { name: 'レポート' }).click();
    await page.waitForURL('**/console/reports');
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('レポート');
    const anchors = await page.locator('ul.report-list a').all();
    const links = await Promise.all(anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['/console/reports/routes', '/console/reports/stores', '/console/reports/answers']);
    await page.getByRole('link', { name: 'アンケート回答' }).click();
    expect(await page.locator('main p').last().textContent()).toBe('ジャーニーを選んでください。');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('routes report page', () => {
  it("shows each route's figures as GET /v1/reports/routes answers them for the same period", async () => {
    const { page, errors } = await openSignedIn('/console/reports/routes');
    const { from, to } = await periodOf(page);
    const report = await routesApi(from, to);
    const ours = report.routes.filter((r) => Object.values(seeded.routes).includes(r.routeId));
    expect(ours).toHaveLength(3);
    for (const row of ours) expect(await rowFigures(page, `tr[data-route="${row.routeId}"]`)).toEqual(only(row));
    const shibuya = ours.find((r) => r.routeId === seeded.routes.shibuya);
    expect(shibuya).toMatchObject({ logins: 2, orders: 2, revenue: 6000, conversions: { [seeded.surveyId]: 1 } });
    // The funnel's bars are the report's totals, in stage order.
    const total = (f: string) => report.routes.reduce((n, r) => n + figure(r, f), 0);
    const bars = await page.locator('#chart-funnel .bar-row .value').allTextContents();
    expect(bars.map((b) => Number(b.replace(/,/g, '')))).toEqual(
      ['visits', 'logins', 'friendsAdded', 'customersLinked'].map(total),
    );
    expect(await page.locator('#chart-routes .bar-row').count()).toBe(report.routes.length);
    expect(errors).toEqual([]);
  });

  it('draws arrivals and conversions per day as the routes report of each day answers them', async () => {
    const { page } = await openSignedIn('/console/reports/routes');
    const days = await page.locator('table.daily tbody tr').all();
    expect(days).toHaveLength(30);
    let arrivals = 0;
    for (const row of days) {
      const day = (await row.getAttribute('data-day'))!;
      const shown = Number((await row.locator('[data-field="arrivals"]').textContent())!.replace(/,/g, ''));
      const conversions = Number((await row.locator('[data-field="conversions"]').textContent())!.replace(/,/g, ''));
      arrivals += shown;
      if (shown === 0 && conversions === 0) continue;
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const report = await routesApi(
        zonedMidnight(day, 'Asia/Tokyo').toISOString(),
        zonedMidnight(next, 'Asia/Tokyo').toISOString(),
      );
      const sum = (pick: (r: RouteReportRow) => number) => report.routes.reduce((n, r) => n + pick(r), 0);
      expect([shown, conversions]).toEqual([
        sum((r) => r.logins),
        sum((r) => Object.values(r.conversions).reduce((a, b) => a + b, 0)),
      ]);
    }
    expect(arrivals).toBe(4);
    const chart = page.locator('svg#chart-daily');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.locator('title').first().textContent()).toBe('日ごとの流入とコンバージョン');
    expect(await chart.locator('desc').textContent()).toContain('流入 4');
    expect(await chart.locator('polyline').count()).toBe(2);
  });

  it("shows each route's QR code as GET /v1/routes/:id/qr.svg draws it, and a print view with its name and link", async () => {
    const { page, errors } = await openSignedIn('/console/reports/routes');
    const id = seeded.routes.shibuya;
    const svgBody = (
      await request(h.api.app).get(`/v1/routes/${id}/qr.svg`).set('authorization', `Bearer ${h.api.token}`).expect(200)
    ).body as Buffer;
    const apiSvg = svgBody.toString();
    const pathOf = (svg: string) => [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
    const row = page.locator(`tr[data-route="${id}"]`);
    expect(pathOf(await row.locator('.qr').innerHTML())).toEqual(pathOf(apiSvg));
    expect(await row.locator('.qr').getAttribute('aria-label')).toBe('渋谷店チラシ の QR コード');
    await row.getByRole('link', { name: '印刷用ページ' }).click();
    await page.waitForURL(`**/console/reports/routes/${id}/qr`);
    expect(await page.locator('h1').textContent()).toBe('渋谷店チラシ');
    expect(await page.locator('.qr-link').textContent()).toBe(`https://shop.example/r/${id}`);
    expect(pathOf(await page.locator('.qr-large').innerHTML())).toEqual(pathOf(apiSvg));
    expect(await page.getByRole('button', { name: '印刷' }).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('has no serious accessibility violation, and switches to English', async () => {
    const { page, errors } = await openSignedIn('/console/reports/routes');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.locator('a.lang-switch').click();
    await page.waitForURL('**/console/reports/routes');
    expect(await page.locator('h1').textContent()).toBe('Routes report');
    expect(await page.locator('svg#chart-daily title').first().textContent()).toBe('Arrivals and conversions per day');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(errors).toEqual([]);
  });

  it('refuses a malformed period with a clear page', async () => {
    const { page } = await openSignedIn('/console/reports/routes');
    const response = await page.goto('/console/reports/routes?from=2026-13-40');
    expect(response?.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('"2026-13-40" is not a date');
  });
});

describe('stores report page', () => {
  it('shows GET /v1/reports/stores: each store, the web route counted under no store or the home store', async () => {
    const { page, errors } = await openSignedIn('/console/reports/stores', 'en-US');
    const { from, to } = await periodOf(page);
    const report = await storesApi(from, to);
    expect(report.stores.map((s) => s.store)).toEqual(expect.arrayContaining(['shibuya', 'umeda']));
    for (const line of report.stores) {
      expect(await rowFigures(page, `tr[data-store="${line.store ?? ''}"]`), String(line.store)).toEqual(only(line));
    }
    expect(await page.locator('tr[data-store=""] th').textContent()).toBe('(no store)');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('survey answers page', () => {
  it('shows GET /v1/reports/answers/:journeyId per question, by route, with purchases', async () => {
    const { page, errors } = await openSignedIn('/console/reports/answers');
    await page.locator('#answers-journey').selectOption(seeded.surveyId);
    await page.waitForURL(`**/console/reports/answers?journey=${seeded.surveyId}&days=30`);
    const report = (await api(`/v1/reports/answers/${seeded.surveyId}?days=30`)).body as AnswersReport;
    expect(report.questions.map((q) => q.question)).toEqual(['taste', 'size']);
    for (const q of report.questions) {
      const section = page.locator(`section[data-question="${q.question}"]`);
      for (const a of q.tally) {
        const row = section.locator(`table.tally tr[data-answer="${a.answer}"]`);
        expect(await row.locator('[data-field="answers"]').textContent()).toBe(String(a.answers));
        expect(await row.locator('[data-field="purchased"]').textContent()).toBe(String(a.purchased));
        expect(await row.locator('[data-field="revenue"]').textContent()).toBe(a.revenue.toLocaleString('ja-JP'));
        for (const r of a.routes) {
          const cross = section.locator(`table.cross tr[data-answer="${a.answer}"][data-route="${r.route ?? ''}"]`);
          expect(await cross.locator('[data-field="answers"]').textContent()).toBe(String(r.answers));
        }
      }
      expect(await section.locator('svg.chart .bar-row').count()).toBe(q.tally.length);
    }
    const bitter = page.locator('section[data-question="taste"] table.tally tr[data-answer="bitter"]');
    expect(await bitter.locator('[data-field="revenue"]').textContent()).toBe('9,000');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('answers an unknown journey with a 404 page', async () => {
    const { page } = await openSignedIn('/console/reports');
    const response = await page.goto('/console/reports/answers?journey=no-such-journey');
    expect(response?.status()).toBe(404);
  });
});
