/**
 * A seeded world for the stores report tests over real HTTP (routes-world.ts: the API and the LINE
 * stand-in listening): routes of two stores and a web route; customers arriving by LINE Login in the
 * period, before it and after it, and a cancelled login; orders inside and outside the window; runs of
 * a campaign with a holdout, journaled as a worker journals them.
 */
import { expect } from 'vitest';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import { journeyYaml, unique } from './api/harness.js';
import {
  arrive,
  consent,
  lineUser,
  openCallback,
  startRouteWorld,
  visitRoute,
  type RouteWorld,
} from './routes-world.js';

export const DAY = 86_400_000;

interface ErrorAnswer {
  error: { code: string; details: { problems: unknown[] } };
}

/** A call to the API over HTTP with a key of every scope. */
export type Call = <T = ErrorAnswer>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: T }>;

export interface StoresWorld {
  w: RouteWorld;
  /** When the period's arrivals happen: 20 days ago. */
  T: number;
  journeyId: string;
  call: Call;
  /** The period of the reports: a day either side of T. */
  period: { from: string; to: string };
  close(): Promise<void>;
}

/** Builds and seeds the world (see the module's summary). */
export async function startStoresWorld(testFile: string): Promise<StoresWorld> {
  const w = await startRouteWorld(testFile);
  const T = Date.now() - 20 * DAY;
  const journeyId = unique('stores-campaign');
  const call: Call = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${w.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${w.h.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  await seed({ w, T, journeyId, call });
  return {
    w,
    T,
    journeyId,
    call,
    period: { from: new Date(T - DAY).toISOString(), to: new Date(T + DAY).toISOString() },
    close: () => w.close(),
  };
}

type Seeding = Pick<StoresWorld, 'w' | 'T' | 'journeyId' | 'call'>;

async function seed(s: Seeding): Promise<void> {
  const { w, T, call } = s;
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
    body: journeyYaml({ id: s.journeyId, event: 'seminar.registered' }),
  });
  expect(published.status).toBe(201);
  const known = { a: lineUser(), c: lineUser() };
  const fresh = { b: lineUser(), d: lineUser(), early: lineUser(), late: lineUser() };
  // a: the shop knows her, home store umeda, but she scans the Shibuya flyer: the route's store counts.
  await call('PUT', '/v1/customers/cust-a', { lineUserId: known.a, homeStore: 'umeda' });
  // c: home store shibuya, arrives through the web banner (no store): counted under shibuya.
  await call('PUT', '/v1/customers/cust-c', { lineUserId: known.c, homeStore: 'shibuya' });
  await arriveAt(w, T, 'flyer-shibuya', known.a);
  await arriveAt(w, T + 60_000, 'pop-umeda', fresh.b);
  await arriveAt(w, T + 120_000, 'pop-umeda', fresh.b, false);
  await arriveAt(w, T + 180_000, 'web-banner', known.c);
  await arriveAt(w, T + 240_000, 'web-banner', fresh.d);
  // Outside the period: 20 days before it, and a day after its end.
  await arriveAt(w, T - 20 * DAY, 'flyer-shibuya', fresh.early);
  await arriveAt(w, T + 2 * DAY, 'flyer-shibuya', fresh.late);
  await cancelAt(w, T + 300_000, 'pop-umeda');
  const order = async (customerId: string, at: number, total: number) => {
    const res = await call('POST', '/v1/events', {
      type: 'order.completed',
      customerId,
      occurredAt: new Date(at).toISOString(),
      idempotencyKey: unique('order'),
      properties: { total },
    });
    expect(res.status).toBe(201);
  };
  await order('cust-a', T - DAY, 999); // before arriving
  await order('cust-a', T + DAY, 4800);
  await order('cust-a', T + 10 * DAY, 2000); // after a 7-day window, within a 30-day one
  await order(`line:${fresh.b}`, T + 2 * DAY, 1500);
  await order('cust-c', T + 3 * DAY, 3000);
  await call('PUT', '/v1/customers/cust-x', { homeStore: 'shibuya' });
  await appendJournal(w.h.store.models, [
    ...run(s, 'cust-c', { holdout: false, convertedAt: T + 2 * DAY }),
    ...run(s, 'cust-x', { holdout: true }),
    ...run(s, 'cust-a', { holdout: false, convertedAt: T + 9 * DAY }),
  ]);
  await w.h.pipeline.idle();
}

/** A run of the campaign: entered (in the holdout or not), converted at `convertedAt` when given. */
function run(s: Seeding, customerId: string, opts: { holdout: boolean; convertedAt?: number }): JournalRow[] {
  const workflowId = `kizuna/${s.journeyId}/${customerId}`;
  const row = (seq: number, part: Partial<JournalRow>): JournalRow => ({
    rowId: `${workflowId}/r1/${seq}`,
    journeyId: s.journeyId,
    version: 1,
    customerId,
    workflowId,
    stepId: null,
    stepKind: null,
    action: 'entered',
    reason: null,
    detail: { holdout: opts.holdout },
    atMs: s.T + seq,
    ...part,
  });
  const rows = [row(0, {})];
  if (opts.convertedAt) rows.push(row(1, { action: 'converted', reason: 'order.completed', atMs: opts.convertedAt }));
  return rows;
}

/** Runs `act` with the API's clock moved to `at`. */
async function withClockAt(w: RouteWorld, at: number, act: () => Promise<void>): Promise<void> {
  w.skew.ms = at - Date.now();
  try {
    await act();
  } finally {
    w.skew.ms = 0;
  }
}

/** Arrives through a route at `at`. */
async function arriveAt(w: RouteWorld, at: number, routeId: string, user: string, addFriend = true) {
  await withClockAt(w, at, async () => {
    expect((await arrive(w, routeId, user, addFriend)).kind).toBe('thanks');
  });
}

/** A visit whose LINE Login is cancelled, at `at`. */
async function cancelAt(w: RouteWorld, at: number, routeId: string) {
  await withClockAt(w, at, async () => {
    const visit = await visitRoute(w, routeId);
    const back = await consent(w, visit.params, { userId: lineUser(), cancel: true });
    expect((await openCallback(back)).status).toBe(403);
  });
}
