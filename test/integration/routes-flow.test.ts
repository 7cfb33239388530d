/**
 * The friend-add route flow over real HTTP: a visit of `/r/<routeId>`, LINE Login on the stand-in with
 * "add friend" ticked, the callback, the stand-in's signed follow webhook, the route's actions (tags,
 * a journey entered), a journey entering on `line.route.arrived`, and the routes report's counts.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesReportSchema } from '../../api/routes/openapi.js';
import type { RoutesReport } from '../../api/routes/report.js';
import { journeyYaml, unique } from './api/harness.js';
import { arrive, LOGIN, lineUser, startRouteWorld, visitRoute, type RouteWorld } from './routes-world.js';

let w: RouteWorld;
const auth = () => `Bearer ${w.h.token}`;
const routeId = unique('flyer-shibuya');
const otherRoute = unique('web-banner');
const byEvent = unique('route-welcome');
const byAction = unique('route-action');

const publishJourney = async (yaml: string) => {
  const res = await request(w.h.app).post('/v1/journeys').set('authorization', auth()).type('text/yaml').send(yaml);
  expect(res.status).toBe(201);
};
const workflowRuns = async (journeyId: string, customerId: string) =>
  w.h.client.workflow
    .getHandle(`kizuna/${journeyId}/${customerId}`)
    .describe()
    .then((d) => d.status.name)
    .catch(() => 'none');

beforeAll(async () => {
  w = await startRouteWorld(import.meta.filename);
  await publishJourney(
    journeyYaml({ id: byEvent, event: 'line.route.arrived', where: `{ event.routeId: ${routeId} }` }),
  );
  await publishJourney(
    `journey: ${byAction}\nname: a\nentry:\n  api: true\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: pause\n    wait: 30d\n`,
  );
  for (const [id, actions] of [
    [routeId, { tags: ['spring-flyer', 'store-shibuya'], journey: byAction }],
    [otherRoute, { tags: ['web'] }],
  ] as const) {
    const res = await request(w.h.app)
      .post('/v1/routes')
      .set('authorization', auth())
      .send({ route: id, name: `route ${id}`, store: 'shibuya', channel: 'flyer', actions });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await w?.close();
});

describe('GET /r/:routeId', () => {
  it('records the visit and redirects to LINE Login with bot_prompt, a signed state, a nonce and PKCE', async () => {
    const visit = await visitRoute(w, routeId);
    expect(visit.status).toBe(302);
    expect(visit.location).toMatch(new RegExp(`^${w.standinUrl}/oauth2/v2.1/authorize\\?`));
    expect(visit.params).toMatchObject({
      response_type: 'code',
      client_id: LOGIN.channelId,
      redirect_uri: `${w.api}/line/login/callback`,
      scope: 'profile openid',
      bot_prompt: 'aggressive',
      code_challenge_method: 'S256',
    });
    expect(visit.params['state']).toContain(`.${routeId}.`);
    expect(visit.params['nonce']).toMatch(/^[\w-]{20,}$/);
    expect(visit.params['code_challenge']).toMatch(/^[\w-]{43}$/);
    expect(await w.h.store.models.RouteLogin.countDocuments({ routeId })).toBeGreaterThan(0);
  });

  it('answers an unknown route with a 404 page', async () => {
    const res = await fetch(`${w.api}/r/no-such-route`, { redirect: 'manual' });
    expect(res.status).toBe(404);
  });
});

describe('the whole route', () => {
  const user = lineUser();
  const customerId = `line:${user}`;

  it('links the new friend, runs the actions, enters journeys and thanks in Japanese', async () => {
    const page = await arrive(w, routeId, user);
    expect(page).toMatchObject({ status: 200, kind: 'thanks' });
    expect(page.text).toContain('友だち追加ありがとうございます');
    expect(page.text).toContain('href="https://line.me/R/ti/p/@kizuna"');
    await w.h.pipeline.idle();
    const customer = await w.h.store.models.Customer.findOne({ customerId }).lean();
    expect(customer).toMatchObject({
      lineUserId: user,
      acquisitionRoute: routeId,
      lineFollowing: true,
      consent: { line: 'following' },
    });
    expect(customer?.tags).toEqual(expect.arrayContaining(['spring-flyer', 'store-shibuya']));
    const arrived = await w.h.store.models.Event.findOne({ customerId, type: 'line.route.arrived' }).lean();
    expect(arrived?.properties).toEqual({
      routeId,
      friendshipStatusChanged: true,
      friend: true,
      store: 'shibuya',
      channel: 'flyer',
    });
    expect(await w.h.store.models.Event.countDocuments({ customerId, type: 'line.followed' })).toBe(1);
    expect(await workflowRuns(byEvent, customerId)).toBe('RUNNING');
    expect(await workflowRuns(byAction, customerId)).toBe('RUNNING');
  });

  it('keeps the first route as acquisitionRoute and records every touch', async () => {
    const page = await arrive(w, otherRoute, user, false);
    expect(page).toMatchObject({ status: 200, kind: 'thanks' });
    const customer = await w.h.store.models.Customer.findOne({ customerId }).lean();
    expect(customer).toMatchObject({ acquisitionRoute: routeId });
    const touches = await w.h.store.models.RouteTouch.find({ customerId }).sort({ at: 1 }).lean();
    expect(touches.map((t) => [t.routeId, t.firstTouch, t.friend, t.friendshipStatusChanged])).toEqual([
      [routeId, true, true, true],
      [otherRoute, false, true, false],
    ]);
  });

  it('links a known customer carrying the LINE user id instead of creating one', async () => {
    const known = lineUser();
    const shopId = unique('shop');
    await request(w.h.app).put(`/v1/customers/${shopId}`).set('authorization', auth()).send({ lineUserId: known });
    const page = await arrive(w, routeId, known);
    expect(page.kind).toBe('thanks');
    const en = await arrive(w, otherRoute, known, false);
    expect(en.kind).toBe('thanks');
    expect(await w.h.store.models.Customer.countDocuments({ customerId: `line:${known}` })).toBe(0);
    expect(await w.h.store.models.Customer.findOne({ customerId: shopId }).lean()).toMatchObject({
      acquisitionRoute: routeId,
    });
  });

  it('counts visits, logins, friends, customers, orders and revenue in the routes report', async () => {
    await request(w.h.app)
      .post('/v1/events')
      .set('authorization', auth())
      .send({
        type: 'order.completed',
        customerId,
        occurredAt: new Date().toISOString(),
        idempotencyKey: unique('order'),
        properties: { total: 4800 },
      })
      .expect(201);
    const res = await request(w.h.app).get('/v1/reports/routes').query({ days: 7 }).set('authorization', auth());
    expect(res.status).toBe(200);
    // The answer has the shape the OpenAPI document gives it.
    expect(routesReportSchema.safeParse(res.body).error).toBeUndefined();
    const doc = (await request(w.h.app).get('/openapi.json')).body as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>;
    };
    expect(doc.paths['/v1/reports/routes']!.get.responses['200']!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/RoutesReport',
    });
    const row = (res.body as RoutesReport).routes.find((r) => r.routeId === routeId)!;
    expect(row).toMatchObject({
      store: 'shibuya',
      logins: 2,
      friendsAdded: 2,
      customersLinked: 2,
      newCustomers: 2,
      blockedSince: 0,
      orders: 1,
      revenue: 4800,
    });
    expect(row.visits).toBeGreaterThanOrEqual(3);
  });

  it('erasure keeps the arrivals counted but no longer names the customer', async () => {
    const res = await request(w.h.app).delete(`/v1/customers/${customerId}`).set('authorization', auth());
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({ routeTouches: 2 });
    expect(await w.h.store.models.RouteTouch.countDocuments({ customerId })).toBe(0);
    expect(await w.h.store.models.RouteTouch.countDocuments({ lineUserId: user })).toBe(0);
    const report = await request(w.h.app).get('/v1/reports/routes').set('authorization', auth());
    const row = (report.body as RoutesReport).routes.find((r) => r.routeId === routeId)!;
    expect(row.logins).toBe(2);
  });
});
