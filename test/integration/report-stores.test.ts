/**
 * `GET /v1/reports/stores` over real HTTP on real FerretDB (stores-world.ts: customers arrive through
 * two stores' routes and a web route by LINE Login on the stand-in, order inside and outside the
 * window, run a campaign with a holdout); the routes and stores reports read their period through the
 * `day` index, never a route's whole history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storesReport } from '../../api/http/report-schemas.js';
import type { StoreReportRow, StoresReport } from '../../api/reports/stores.js';
import type { RoutesReport } from '../../api/routes/report.js';
import { startStoresWorld, type StoresWorld } from './stores-world.js';

let s: StoresWorld;
beforeAll(async () => {
  s = await startStoresWorld(import.meta.filename);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const call: StoresWorld['call'] = (method, path, body) => s.call(method, path, body);
const query = (q: Record<string, string>) => new URLSearchParams({ ...s.period, ...q }).toString();
const byStore = (report: StoresReport) => Object.fromEntries(report.stores.map((r) => [String(r.store), r]));

describe('GET /v1/reports/stores', () => {
  it('gathers arrivals, customers, orders within the window and conversions per store', async () => {
    const res = await call<StoresReport>('GET', `/v1/reports/stores?${query({ days: '7' })}`);
    expect(res.status).toBe(200);
    const stores = byStore(res.body);
    expect(Object.keys(stores)).toEqual(['shibuya', 'umeda', 'null']);
    const figures = (s: StoreReportRow) => {
      const { journeys: _j, ...rest } = s;
      return rest;
    };
    expect(figures(stores['shibuya']!)).toEqual({
      store: 'shibuya',
      routes: ['flyer-shibuya'],
      visits: 1,
      denied: 0,
      logins: 2,
      friendsAdded: 2,
      customersLinked: 2,
      newCustomers: 2,
      blockedSince: 0,
      orders: 2,
      revenue: 7800,
      conversions: { [s.journeyId]: 1 },
    });
    expect(figures(stores['umeda']!)).toEqual({
      store: 'umeda',
      routes: ['pop-umeda'],
      visits: 3,
      denied: 1,
      logins: 2,
      friendsAdded: 1,
      customersLinked: 1,
      newCustomers: 1,
      blockedSince: 0,
      orders: 1,
      revenue: 1500,
      conversions: {},
    });
    expect(figures(stores['null']!)).toEqual({
      store: null,
      routes: ['web-banner'],
      visits: 2,
      denied: 0,
      logins: 1,
      friendsAdded: 1,
      customersLinked: 1,
      newCustomers: 1,
      blockedSince: 0,
      orders: 0,
      revenue: 0,
      conversions: {},
    });
  });

  it('widens the window with ?days', async () => {
    const stores = byStore((await call<StoresReport>('GET', `/v1/reports/stores?${query({ days: '30' })}`)).body);
    expect(stores['shibuya']).toMatchObject({ orders: 3, revenue: 9800, conversions: { [s.journeyId]: 2 } });
  });

  it('compares treated and holdout runs of each journey per home store', async () => {
    const stores = byStore((await call<StoresReport>('GET', `/v1/reports/stores?${query({})}`)).body);
    expect(stores['shibuya']!.journeys).toEqual([
      {
        journeyId: s.journeyId,
        version: 1,
        runs: 2,
        holdout: 1,
        converted: 1,
        holdoutConverted: 0,
        treatedRate: 1,
        holdoutRate: 0,
        uplift: 1,
      },
    ]);
    expect(stores['umeda']!.journeys).toEqual([
      {
        journeyId: s.journeyId,
        version: 1,
        runs: 1,
        holdout: 0,
        converted: 1,
        holdoutConverted: 0,
        treatedRate: 1,
        holdoutRate: null,
        uplift: null,
      },
    ]);
    expect(stores['null']!.journeys).toEqual([]);
  });

  it('answers what the OpenAPI document describes', async () => {
    const res = await call<StoresReport>('GET', `/v1/reports/stores?${query({})}`);
    expect(storesReport.parse(res.body)).toEqual(res.body);
    type Doc = { paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }> };
    const doc = (await call<Doc>('GET', '/openapi.json')).body;
    expect(doc.paths['/v1/reports/stores']!.get.responses['200']!.content['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/StoresReport' },
    });
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['from after to', { from: '2026-12-08', to: '2026-12-01' }],
    ['a period over 366 days', { from: '2025-01-01', to: '2026-12-01' }],
    ['a malformed from', { from: 'last-week' }],
    ['a malformed to', { to: '2026-02-30' }],
    ['days 0', { days: '0' }],
    ['days 366', { days: '366' }],
    ['days not a number', { days: 'soon' }],
  ];
  for (const path of ['/v1/reports/stores', '/v1/reports/routes']) {
    it.each(bad)(`${path} answers 400 VALIDATION_FAILED for %s`, async (_name, q) => {
      const res = await call('GET', `${path}?${new URLSearchParams(q).toString()}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.problems.length).toBeGreaterThan(0);
    });
  }
});

describe('the routes and stores reports read their period through the day index', () => {
  it('sends only pushed-down `day` equalities to the visits and arrivals', async () => {
    const seen: Array<{ collection: string; filter: Record<string, unknown> }> = [];
    s.w.h.store.connection.set('debug', (collection: string, method: string, filter: unknown) => {
      if (['route_logins', 'route_touches'].includes(collection) && method.startsWith('find')) {
        seen.push({ collection, filter: filter as Record<string, unknown> });
      }
    });
    try {
      expect((await call('GET', `/v1/reports/routes?${query({})}`)).status).toBe(200);
      expect((await call('GET', `/v1/reports/stores?${query({})}`)).status).toBe(200);
    } finally {
      s.w.h.store.connection.set('debug', false);
    }
    expect(seen.length).toBeGreaterThan(0);
    // The period spans two or three UTC days: each report reads those days, not the routes' history.
    expect(seen.length).toBeLessThanOrEqual(2 * 2 * 3);
    for (const { collection, filter } of seen) {
      expect(Object.keys(filter), collection).toEqual(['day']);
      expect(filter['day']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const explained = (await s.w.h.store.connection.db!.command({ explain: { find: collection, filter } })) as {
        filterPushdown: boolean;
      };
      expect(explained.filterPushdown, `${collection} ${JSON.stringify(filter)}`).toBe(true);
    }
  });

  it('counts the routes report from the same rows', async () => {
    const res = await call<RoutesReport>('GET', `/v1/reports/routes?${query({ days: '7' })}`);
    const rows = Object.fromEntries(res.body.routes.map((r) => [r.routeId, r]));
    expect(rows['flyer-shibuya']).toMatchObject({ visits: 1, logins: 1, customersLinked: 1, orders: 1, revenue: 4800 });
    expect(rows['pop-umeda']).toMatchObject({ visits: 3, denied: 1, logins: 2, customersLinked: 1, revenue: 1500 });
    expect(rows['web-banner']).toMatchObject({ visits: 2, logins: 2, customersLinked: 2, orders: 1, revenue: 3000 });
  });
});
