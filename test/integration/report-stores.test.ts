/**
 * `GET /v1/reports/stores` and `kizuna report stores` over real HTTP on real FerretDB: customers arrive
 * through two stores' routes and a web route by LINE Login on the stand-in, order inside and outside
 * the window, run a journey with a holdout; the report gathers it per store. The routes and stores
 * reports read their period through the `day` index, never a route's whole history.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storesReport } from '../../api/http/report-schemas.js';
import type { StoreReportRow, StoresReport } from '../../api/reports/stores.js';
import type { RoutesReport } from '../../api/routes/report.js';
import { projectRoot } from '../../scripts/servers.js';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import { journeyYaml, unique } from './api/harness.js';
import {
  arrive,
  consent,
  lineUser,
  startRouteWorld,
  visitRoute,
  openCallback,
  type RouteWorld,
} from './routes-world.js';

const DAY = 86_400_000;
let w: RouteWorld;
/** When the period's arrivals happen: the API's clock runs 20 days behind while they do. */
const T = Date.now() - 20 * DAY;
const journeyId = unique('stores-campaign');
const known = { a: lineUser(), c: lineUser() };
const fresh = { b: lineUser(), d: lineUser(), early: lineUser(), late: lineUser() };

interface ErrorAnswer {
  error: { code: string; details: { problems: unknown[] } };
}

async function call<T = ErrorAnswer>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${w.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${w.h.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function order(customerId: string, at: number, total: number) {
  const res = await call('POST', '/v1/events', {
    type: 'order.completed',
    customerId,
    occurredAt: new Date(at).toISOString(),
    idempotencyKey: unique('order'),
    properties: { total },
  });
  expect(res.status).toBe(201);
}

/** A run of the campaign: entered (in the holdout or not), converted at `convertedAt` when given. */
function run(customerId: string, opts: { holdout: boolean; convertedAt?: number }): JournalRow[] {
  const workflowId = `kizuna/${journeyId}/${customerId}`;
  const row = (seq: number, part: Partial<JournalRow>): JournalRow => ({
    rowId: `${workflowId}/r1/${seq}`,
    journeyId,
    version: 1,
    customerId,
    workflowId,
    stepId: null,
    stepKind: null,
    action: 'entered',
    reason: null,
    detail: { holdout: opts.holdout },
    atMs: T + seq,
    ...part,
  });
  const rows = [row(0, {})];
  if (opts.convertedAt) rows.push(row(1, { action: 'converted', reason: 'order.completed', atMs: opts.convertedAt }));
  return rows;
}

/** Arrives at `at` (the API's clock moved there for the duration). */
async function arriveAt(at: number, routeId: string, user: string, addFriend = true) {
  w.skew.ms = at - Date.now();
  try {
    expect((await arrive(w, routeId, user, addFriend)).kind).toBe('thanks');
  } finally {
    w.skew.ms = 0;
  }
}

beforeAll(async () => {
  w = await startRouteWorld(import.meta.filename);
  for (const route of [
    { route: 'flyer-shibuya', name: '春のチラシ（渋谷店）', store: 'shibuya', channel: 'flyer' },
    { route: 'pop-umeda', name: 'レジ横POP（梅田店）', store: 'umeda', channel: 'store-pop' },
    { route: 'web-banner', name: 'Web バナー', channel: 'web' },
  ]) {
    expect((await call('POST', '/v1/routes', { ...route, actions: { tags: [] } })).status).toBe(201);
  }
  const published = await fetch(`${w.api}/v1/journeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.h.token}`, 'content-type': 'application/yaml' },
    body: journeyYaml({ id: journeyId, event: 'seminar.registered' }),
  });
  expect(published.status).toBe(201);
  // a: the shop knows her, home store umeda, but she scans the Shibuya flyer: the route's store counts.
  await call('PUT', '/v1/customers/cust-a', { lineUserId: known.a, homeStore: 'umeda' });
  // c: home store shibuya, arrives through the web banner (no store): counted under shibuya.
  await call('PUT', '/v1/customers/cust-c', { lineUserId: known.c, homeStore: 'shibuya' });
  await arriveAt(T, 'flyer-shibuya', known.a);
  await arriveAt(T + 60_000, 'pop-umeda', fresh.b);
  await arriveAt(T + 120_000, 'pop-umeda', fresh.b, false);
  await arriveAt(T + 180_000, 'web-banner', known.c);
  await arriveAt(T + 240_000, 'web-banner', fresh.d);
  // Outside the period: 20 days before it, and a day after its end.
  await arriveAt(T - 20 * DAY, 'flyer-shibuya', fresh.early);
  await arriveAt(T + 2 * DAY, 'flyer-shibuya', fresh.late);
  // A cancelled login at the Umeda POP.
  w.skew.ms = T + 300_000 - Date.now();
  try {
    const visit = await visitRoute(w, 'pop-umeda');
    expect((await openCallback(await consent(w, visit.params, { userId: lineUser(), cancel: true }))).status).toBe(403);
  } finally {
    w.skew.ms = 0;
  }
  await order('cust-a', T - DAY, 999); // before arriving
  await order('cust-a', T + DAY, 4800);
  await order('cust-a', T + 10 * DAY, 2000); // after a 7-day window, within a 30-day one
  await order(`line:${fresh.b}`, T + 2 * DAY, 1500);
  await order('cust-c', T + 3 * DAY, 3000);
  await call('PUT', '/v1/customers/cust-x', { homeStore: 'shibuya' });
  await appendJournal(w.h.store.models, [
    ...run('cust-c', { holdout: false, convertedAt: T + 2 * DAY }),
    ...run('cust-x', { holdout: true }),
    ...run('cust-a', { holdout: false, convertedAt: T + 9 * DAY }),
  ]);
  await w.h.pipeline.idle();
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const period = { from: new Date(T - DAY).toISOString(), to: new Date(T + DAY).toISOString() };
const query = (q: Record<string, string>) => new URLSearchParams({ ...period, ...q }).toString();
const byStore = (report: StoresReport) => Object.fromEntries(report.stores.map((s) => [String(s.store), s]));

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
      conversions: { [journeyId]: 1 },
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
    expect(stores['shibuya']).toMatchObject({ orders: 3, revenue: 9800, conversions: { [journeyId]: 2 } });
  });

  it('compares treated and holdout runs of each journey per home store', async () => {
    const stores = byStore((await call<StoresReport>('GET', `/v1/reports/stores?${query({})}`)).body);
    expect(stores['shibuya']!.journeys).toEqual([
      {
        journeyId,
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
        journeyId,
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
    w.h.store.connection.set('debug', (collection: string, method: string, filter: unknown) => {
      if (['route_logins', 'route_touches'].includes(collection) && method.startsWith('find')) {
        seen.push({ collection, filter: filter as Record<string, unknown> });
      }
    });
    try {
      expect((await call('GET', `/v1/reports/routes?${query({})}`)).status).toBe(200);
      expect((await call('GET', `/v1/reports/stores?${query({})}`)).status).toBe(200);
    } finally {
      w.h.store.connection.set('debug', false);
    }
    expect(seen.length).toBeGreaterThan(0);
    // The period spans two or three UTC days: each report reads those days, not the routes' history.
    expect(seen.length).toBeLessThanOrEqual(2 * 2 * 3);
    for (const { collection, filter } of seen) {
      expect(Object.keys(filter), collection).toEqual(['day']);
      expect(filter['day']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const explained = (await w.h.store.connection.db!.command({ explain: { find: collection, filter } })) as {
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

describe('kizuna report stores', () => {
  const kizuna = (...args: string[]) =>
    promisify(execFile)(process.execPath, [join(projectRoot, 'cli', 'bin.js'), 'report', ...args], {
      env: { ...process.env, KIZUNA_API_URL: w.api, KIZUNA_API_KEY: w.h.token },
      cwd: projectRoot,
    });

  it('prints CSV, one line per store, and per store and journey with --journeys', async () => {
    const csv = (await kizuna('stores', '--from', period.from, '--to', period.to, '--days', '7', '--csv')).stdout;
    expect(csv.trim().split('\n')).toEqual([
      'store,routes,visits,denied,logins,friendsAdded,customersLinked,newCustomers,blockedSince,orders,revenue,conversions',
      `shibuya,flyer-shibuya,1,0,2,2,2,2,0,2,7800,${journeyId}=1`,
      'umeda,pop-umeda,3,1,2,1,1,1,0,1,1500,',
      ',web-banner,2,0,1,1,1,1,0,0,0,',
    ]);
    const journeys = (await kizuna('stores', '--from', period.from, '--to', period.to, '--csv', '--journeys')).stdout;
    expect(journeys.trim().split('\n')).toEqual([
      'store,journeyId,version,runs,holdout,converted,holdoutConverted,treatedRate,holdoutRate,uplift',
      `shibuya,${journeyId},1,2,1,1,0,1,0,1`,
      `umeda,${journeyId},1,1,0,1,0,1,,`,
    ]);
  });

  it('prints the tables', async () => {
    const text = (await kizuna('stores', '--from', period.from, '--to', period.to, '--days', '7')).stdout;
    expect(text).toMatch(/^shibuya +1 +0 +2 +2 +2 +2 +0 +2 +7800 +\S+=1$/m);
    expect(text).toMatch(/^\(none\) +2 +0 +1 +1 +1 +1 +0 +0 +0 +-$/m);
    expect(text).toMatch(new RegExp(`^shibuya +${journeyId} v1 +2 +1 +1 +100\\.0% +0\\.0% +100\\.0 pt$`, 'm'));
  });

  it('prints a journey per home store as CSV with report journey --by', async () => {
    const csv = (await kizuna('journey', journeyId, '--by', 'homeStore', '--csv')).stdout;
    expect(csv.trim().split('\n')).toEqual([
      'homeStore,runs,holdout,converted,holdoutConverted,treatedRate,holdoutRate,uplift',
      '(all),3,1,2,0,1,0,1',
      'shibuya,2,1,1,0,1,0,1',
      'umeda,1,0,1,0,1,,',
    ]);
  });
});
