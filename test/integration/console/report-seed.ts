/**
 * Report data for the console's browser tests, written as the routes and the webhook write it: routes
 * (two store routes and a web route), visits, arrivals with their customers, orders, conversions, and
 * a survey journey's postback answers.
 */
import request from 'supertest';
import { eventIdFor, insertEvent } from '../../../store/events.js';
import { appendJournal } from '../../../store/journal.js';
import { insertRouteLogin, insertRouteTouch, saveRoute, setAcquisitionRoute } from '../../../store/routes.js';
import { journeyYaml, unique, type ApiHarness } from '../api/harness.js';

const DAY = 86_400_000;

/** The seeded ids. */
export interface SeededReports {
  routes: { shibuya: string; umeda: string; web: string };
  surveyId: string;
}

async function route(h: ApiHarness, routeId: string, name: string, store?: string): Promise<void> {
  const labels = store ? { store, channel: 'flyer' } : { channel: 'web' };
  await saveRoute(h.store.models, {
    routeId,
    name,
    ...labels,
    actions: { tags: [] },
    origin: 'api',
    contentHash: routeId,
  });
}

/** A customer who visited `routeId` and arrived `daysAgo` days before `now`, and their orders (days after arriving). */
async function arrival(
  h: ApiHarness,
  routeId: string,
  daysAgo: number,
  now: number,
  orders: number[],
): Promise<string> {
  const customerId = unique('arr');
  const at = new Date(now - daysAgo * DAY);
  await request(h.app)
    .put(`/v1/customers/${customerId}`)
    .set('authorization', `Bearer ${h.token}`)
    .send({})
    .expect(201);
  await insertRouteLogin(h.store.models, {
    loginId: unique('login'),
    routeId,
    nonce: 'n',
    codeVerifier: 'v',
    createdAt: at,
  });
  const touch = { touchId: unique('touch'), routeId, customerId, lineUserId: `U${customerId}`, at };
  await insertRouteTouch(h.store.models, { ...touch, friend: true, friendshipStatusChanged: true, firstTouch: true });
  await setAcquisitionRoute(h.store.models, customerId, routeId);
  for (const [i, total] of orders.entries()) {
    const key = unique('order');
    const event = { source: 'api', idempotencyKey: key, type: 'order.completed', customerId, properties: { total } };
    await insertEvent(h.store.models, {
      ...event,
      eventId: eventIdFor('api', key),
      occurredAt: new Date(at.getTime() + (i + 1) * 3_600_000),
    });
  }
  return customerId;
}

async function converted(h: ApiHarness, customerId: string, journeyId: string, atMs: number): Promise<void> {
  const workflowId = `kizuna/${journeyId}/${customerId}`;
  const row = { journeyId, version: 1, customerId, workflowId, stepId: null, stepKind: null, reason: null, detail: {} };
  await appendJournal(h.store.models, [{ ...row, rowId: `${workflowId}/r1/9`, action: 'converted', atMs }]);
}

async function answer(h: ApiHarness, surveyId: string, customerId: string, data: string, atMs: number): Promise<void> {
  const key = unique('pb');
  const eventId = eventIdFor('line', key);
  const event = { source: 'line', idempotencyKey: key, type: 'line.postback', customerId, properties: { data } };
  await insertEvent(h.store.models, { ...event, eventId, occurredAt: new Date(atMs) });
  const workflowId = `kizuna/${surveyId}/${customerId}`;
  const row = { journeyId: surveyId, version: 1, customerId, workflowId, stepId: 'wait-next', stepKind: 'wait_for' };
  await appendJournal(h.store.models, [
    {
      ...row,
      rowId: `${workflowId}/r1/1`,
      action: 'matched',
      reason: null,
      detail: { event: 'line.postback', eventId },
      atMs,
    },
  ]);
}

/** Seeds every report; `now` is the harness clock. */
export async function seedReports(h: ApiHarness, now: number): Promise<SeededReports> {
  const routes = { shibuya: unique('shibuya-flyer'), umeda: unique('umeda-flyer'), web: unique('web-banner') };
  await route(h, routes.shibuya, '渋谷店チラシ', 'shibuya');
  await route(h, routes.umeda, 'Umeda flyer', 'umeda');
  await route(h, routes.web, 'Web banner');
  const surveyId = unique('survey');
  await request(h.app)
    .post('/v1/journeys')
    .set('authorization', `Bearer ${h.token}`)
    .set('content-type', 'application/yaml')
    .send(journeyYaml({ id: surveyId, event: 'line.followed', waitFor: 'line.postback' }))
    .expect(201);
  const a = await arrival(h, routes.shibuya, 2, now, [4800, 1200]);
  const b = await arrival(h, routes.shibuya, 5, now, []);
  const c = await arrival(h, routes.umeda, 2, now, [3000]);
  const d = await arrival(h, routes.web, 9, now, [2500]);
  // A visit that did not arrive (LINE Login denied or abandoned).
  await insertRouteLogin(h.store.models, {
    loginId: unique('login'),
    routeId: routes.web,
    nonce: 'n',
    codeVerifier: 'v',
    createdAt: new Date(now - 3 * DAY),
  });
  await converted(h, a, surveyId, now - 2 * DAY + 7_200_000);
  await converted(h, d, surveyId, now - 9 * DAY + 7_200_000);
  await answer(h, surveyId, a, 'taste=bitter', now - 2 * DAY + 60_000);
  await answer(h, surveyId, b, 'taste=sweet&size=large', now - 5 * DAY + 60_000);
  await answer(h, surveyId, c, 'taste=bitter', now - 2 * DAY + 60_000);
  return { routes, surveyId };
}
