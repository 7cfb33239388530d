import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineProfiles } from '../../api/line/display-names.js';
import { createLineStandin } from '../../line-standin/app.js';
import { LINE_SECRET, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const sign = (body: string, secret = LINE_SECRET) => createHmac('sha256', secret).update(body).digest('base64');
const userId = () => `U${unique('').replace(/\W/g, '').padEnd(32, '0').slice(0, 32)}`;
const lineEvent = (type: string, user: string, extra: Record<string, unknown> = {}) => ({
  type,
  mode: 'active',
  timestamp: Date.now(),
  webhookEventId: unique('01HWEBHOOK'),
  deliveryContext: { isRedelivery: false },
  source: { type: 'user', userId: user },
  ...extra,
});
const post = (body: string, signature = sign(body)) =>
  request(h.app)
    .post('/webhooks/line')
    .set('content-type', 'application/json')
    .set('x-line-signature', signature)
    .send(body);

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('POST /webhooks/line: signature', () => {
  it('answers an empty events array (URL verification) with 200', async () => {
    const res = await post(JSON.stringify({ destination: 'Ubot', events: [] }));
    expect(res.status).toBe(200);
  });

  it('refuses a forged signature with 401 INVALID_SIGNATURE and stores nothing', async () => {
    const body = JSON.stringify({ destination: 'Ubot', events: [lineEvent('follow', userId())] });
    const before = await h.store.models.Event.countDocuments();
    const res = await post(body, sign(body, 'another-secret'));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    expect(await h.store.models.Event.countDocuments()).toBe(before);
  });

  it('refuses a body re-serialised after signing (same JSON, other bytes) and a missing signature', async () => {
    const body = JSON.stringify({ destination: 'Ubot', events: [lineEvent('follow', userId())] });
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect((await post(reserialised, sign(body))).status).toBe(401);
    const none = await request(h.app).post('/webhooks/line').set('content-type', 'application/json').send(body);
    expect(none.status).toBe(401);
  });
});

describe('POST /webhooks/line: events', () => {
  it('creates line:<userId> on follow with LINE consent, and blocks it on unfollow', async () => {
    const user = userId();
    const follow = lineEvent('follow', user, { follow: { isUnblocked: true } });
    const res = await post(JSON.stringify({ destination: 'Ubot', events: [follow] }));
    expect(res.status).toBe(200);
    await h.pipeline.idle();
    const customer = await h.store.models.Customer.findOne({ customerId: `line:${user}` }).lean();
    expect(customer).toMatchObject({ lineUserId: user, consent: { line: 'following' }, lineFollowing: true });
    const stored = await h.store.models.Event.findOne({ idempotencyKey: follow.webhookEventId }).lean();
    expect(stored).toMatchObject({ type: 'line.followed', source: 'line', properties: { isUnblocked: true } });
    await post(JSON.stringify({ destination: 'Ubot', events: [lineEvent('unfollow', user)] }));
    await h.pipeline.idle();
    const after = await h.store.models.Customer.findOne({ customerId: `line:${user}` }).lean();
    expect(after).toMatchObject({ consent: { line: 'blocked' }, lineFollowing: false });
  });

  it('links to the customer who carries the LINE user id, and keeps message text and postback data', async () => {
    const user = userId();
    const customerId = unique('shop');
    await request(h.app)
      .put(`/v1/customers/${customerId}`)
      .set('authorization', `Bearer ${h.token}`)
      .send({ lineUserId: user });
    const message = lineEvent('message', user, { message: { type: 'text', id: '1', text: 'こんにちは' } });
    const postback = lineEvent('postback', user, { postback: { data: 'survey=dark', params: { date: '2026-11-02' } } });
    await post(JSON.stringify({ destination: 'Ubot', events: [message, postback] }));
    await h.pipeline.idle();
    const events = await h.store.models.Event.find({ customerId }).sort({ type: 1 }).lean();
    expect(events.map((e) => [e.type, e.properties as unknown])).toEqual([
      ['line.message', { messageType: 'text', messageId: '1', text: 'こんにちは' }],
      ['line.postback', { data: 'survey=dark', params: { date: '2026-11-02' } }],
    ]);
  });

  it('stores a redelivered event once (deduplicated by webhookEventId)', async () => {
    const user = userId();
    const follow = lineEvent('follow', user, { follow: { isUnblocked: false } });
    const body = JSON.stringify({ destination: 'Ubot', events: [follow] });
    expect((await post(body)).body).toEqual({ received: 1 });
    const redelivered = JSON.stringify({
      destination: 'Ubot',
      events: [{ ...follow, deliveryContext: { isRedelivery: true } }],
    });
    expect((await post(redelivered)).body).toEqual({ received: 0 });
    await h.pipeline.idle();
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: follow.webhookEventId })).toBe(1);
  });
});

describe("POST /webhooks/line: the follower's display name", () => {
  const hanako = userId();
  const stranger = userId();
  let named: ApiHarness;
  let server: Server;
  // Profile requests reach the stand-in only once the test lets them through.
  let held: { requests: number; release: () => void; open: Promise<void> };
  const hold = () => {
    let release = () => {};
    const open = new Promise<void>((ok) => (release = ok));
    held = { requests: 0, release, open };
  };
  const postTo = (app: express.Express, body: string) =>
    request(app)
      .post('/webhooks/line')
      .set('content-type', 'application/json')
      .set('x-line-signature', sign(body))
      .send(body);
  const displayName = async (customerId: string) =>
    ((await named.store.models.Customer.findOne({ customerId }).lean()) as { displayName?: string } | null)
      ?.displayName;

  beforeAll(async () => {
    hold();
    const standin = createLineStandin({ channelAccessToken: 'profile-token', followers: { [hanako]: '花子' } });
    const front = express();
    front.use((req, _res, next) => {
      if (!req.path.startsWith('/v2/bot/profile/')) return next();
      held.requests += 1;
      void held.open.then(() => next());
    });
    front.use(standin.app);
    server = await new Promise((ok) => {
      const s = front.listen(0, '127.0.0.1', () => ok(s));
    });
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    named = await startApiHarness(import.meta.filename, {
      lineProfiles: createLineProfiles({ channelAccessToken: 'profile-token', baseURL }),
    });
  });
  afterAll(async () => {
    held?.release();
    await named?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('answers before LINE gives the profile, then stores the name; a redelivery reads it no more', async () => {
    const follow = lineEvent('follow', hanako, { follow: { isUnblocked: false } });
    const body = JSON.stringify({ destination: 'Ubot', events: [follow] });
    const res = await postTo(named.app, body);
    expect(res.status).toBe(200);
    await expect.poll(() => held.requests, { timeout: 5_000 }).toBe(1);
    await named.pipeline.idle();
    // Answered and stored while LINE has not answered yet: the name is not there.
    expect(await displayName(`line:${hanako}`)).toBeUndefined();
    held.release();
    await expect.poll(() => displayName(`line:${hanako}`), { timeout: 5_000 }).toBe('花子');
    const redelivered = JSON.stringify({
      destination: 'Ubot',
      events: [{ ...follow, deliveryContext: { isRedelivery: true } }],
    });
    expect((await postTo(named.app, redelivered)).body).toEqual({ received: 0 });
    await named.pipeline.idle();
    expect(held.requests).toBe(1);
  });

  it('leaves the name out when LINE does not give the profile (404), and the follow stands', async () => {
    hold();
    held.release();
    const res = await postTo(
      named.app,
      JSON.stringify({ destination: 'Ubot', events: [lineEvent('follow', stranger)] }),
    );
    expect(res.status).toBe(200);
    await expect.poll(() => held.requests, { timeout: 5_000 }).toBe(1);
    await named.pipeline.idle();
    await new Promise((ok) => setTimeout(ok, 300));
    const customer = await named.store.models.Customer.findOne({ customerId: `line:${stranger}` }).lean();
    expect(customer).toMatchObject({ lineUserId: stranger, consent: { line: 'following' } });
    expect(await displayName(`line:${stranger}`)).toBeUndefined();
  });
});
