/**
 * The ways a route's LINE Login can fail, over real HTTP against the stand-in: each ends on a clear
 * page, and nothing is linked (no arrival, no customer, no event).
 */
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { unique } from './api/harness.js';
import {
  consent,
  lineUser,
  listen,
  openCallback,
  startRouteWorld,
  visitRoute,
  type RouteWorld,
} from './routes-world.js';

let w: RouteWorld;
const routeId = unique('fail-route');

const nothingLinked = async (world: RouteWorld, userId: string) => {
  expect(await world.h.store.models.RouteTouch.countDocuments({ lineUserId: userId })).toBe(0);
  expect(
    await world.h.store.models.Event.countDocuments({ customerId: `line:${userId}`, type: 'line.route.arrived' }),
  ).toBe(0);
  const customer = await world.h.store.models.Customer.findOne({ customerId: `line:${userId}` }).lean();
  expect((customer as { acquisitionRoute?: string } | null)?.acquisitionRoute).toBeUndefined();
};

beforeAll(async () => {
  w = await startRouteWorld(import.meta.filename);
  const res = await request(w.h.app)
    .post('/v1/routes')
    .set('authorization', `Bearer ${w.h.token}`)
    .send({ route: routeId, name: 'failures', actions: { tags: ['x'] } });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await w?.close();
});

describe('route login failures', () => {
  it('denied login: a cancelled page (in English when preferred), nothing linked', async () => {
    const user = lineUser();
    const visit = await visitRoute(w, routeId);
    const back = await consent(w, visit.params, { userId: user, cancel: true });
    const page = await openCallback(back, 'en-US,en;q=0.9,ja;q=0.5');
    expect(page).toMatchObject({ status: 403, kind: 'denied' });
    expect(page.text).toContain('Login cancelled');
    await nothingLinked(w, user);
    const login = await w.h.store.models.RouteLogin.findOne({ _id: visit.params['state']!.split('.')[0] }).lean();
    expect(login).toMatchObject({ consumed: true, outcome: 'denied' });
  });

  it('expired state: an expired page, nothing linked', async () => {
    const user = lineUser();
    const visit = await visitRoute(w, routeId);
    const back = await consent(w, visit.params, { userId: user, addFriend: true });
    w.skew.ms = 11 * 60 * 1000;
    try {
      expect(await openCallback(back)).toMatchObject({ status: 400, kind: 'expired' });
    } finally {
      w.skew.ms = 0;
    }
    await nothingLinked(w, user);
  });

  it('a state naming another route (signature broken): an invalid-link page, nothing linked', async () => {
    const user = lineUser();
    const visit = await visitRoute(w, routeId);
    const back = new URL(await consent(w, visit.params, { userId: user }));
    back.searchParams.set('state', back.searchParams.get('state')!.replace(`.${routeId}.`, '.other-route.'));
    expect(await openCallback(back.toString())).toMatchObject({ status: 400, kind: 'invalid' });
    await nothingLinked(w, user);
  });

  it('replayed callback (same code and state): the second gets a used-link page, one arrival', async () => {
    const user = lineUser();
    const visit = await visitRoute(w, routeId);
    const back = await consent(w, visit.params, { userId: user });
    expect(await openCallback(back)).toMatchObject({ status: 200, kind: 'thanks' });
    expect(await openCallback(back)).toMatchObject({ status: 400, kind: 'used' });
    expect(await w.h.store.models.RouteTouch.countDocuments({ lineUserId: user })).toBe(1);
  });
});

describe('a tampered ID token', () => {
  let tampered: RouteWorld;
  let proxy: Awaited<ReturnType<typeof listen>>;
  const victim = lineUser();
  const exchanges: number[] = [];

  beforeAll(async () => {
    // Between Kizuna and LINE: passes the token request on, then swaps the ID token's user (signature kept).
    const front = express();
    let standinUrl = '';
    front.post('/oauth2/v2.1/token', express.text({ type: () => true }), async (req, res) => {
      const answer = await fetch(`${standinUrl}/oauth2/v2.1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: req.body as string,
      });
      exchanges.push(answer.status);
      const body = (await answer.json()) as { id_token: string };
      const [head, payload, signature] = body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: victim })).toString('base64url');
      res.status(answer.status).json({ ...body, id_token: `${head}.${forged}.${signature}` });
    });
    proxy = await listen(front);
    tampered = await startRouteWorld(import.meta.filename, {
      apiUrl: (url) => {
        standinUrl = url;
        return proxy.url;
      },
      shared: { store: w.h.store, client: w.h.client },
    });
  });
  afterAll(async () => {
    await tampered?.close();
    await new Promise((ok) => proxy?.server.close(ok));
  });

  it('is refused with a page, and neither user is linked', async () => {
    const user = lineUser();
    const visit = await visitRoute(tampered, routeId);
    const back = await consent(tampered, visit.params, { userId: user });
    expect(await openCallback(back)).toMatchObject({ status: 400, kind: 'refused' });
    // LINE accepted the code: the refusal is the ID token's.
    expect(exchanges).toEqual([200]);
    await nothingLinked(tampered, user);
    await nothingLinked(tampered, victim);
  });
});
