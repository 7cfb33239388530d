import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectStore } from '../../store/connection.js';
import { applyEventEffects } from '../../api/events/effects.js';
import { upsertProfile } from '../../store/customers.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });
const event = (over: Record<string, unknown> = {}) => ({
  type: 'page.viewed',
  customerId: unique('c'),
  occurredAt: '2026-11-02T10:00:00+09:00',
  idempotencyKey: unique('k'),
  properties: {},
  ...over,
});
const stored = (customerId: string) =>
  h.store.models.Customer.findOne({ _id: customerId }).lean<Record<string, unknown> | null>();
const consentOf = async (customerId: string) => ((await stored(customerId))?.consent as { email?: string }).email;

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('email is one address', () => {
  it.each(['victim@example.com, attacker@evil.test', 'victim@example.com\r\nBcc: x@evil.test', 'V <v@example.com>'])(
    'PUT and an inline profile refuse %j with 400 INVALID_EMAIL, storing nothing',
    async (email) => {
      const id = unique('mail');
      const put = await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({ email });
      expect(put.status).toBe(400);
      expect(put.body.error).toMatchObject({ code: 'INVALID_EMAIL', details: { problems: [{ path: 'email' }] } });
      const sent = event({ customerId: id, profile: { email } });
      const ev = await request(h.app).post('/v1/events').set(auth()).send(sent);
      expect(ev.status).toBe(400);
      expect(ev.body.error.code).toBe('INVALID_EMAIL');
      expect(await stored(id)).toBeNull();
      expect(await h.store.models.Event.countDocuments({ customerId: id })).toBe(0);
    },
  );
});

describe('inline profile patches need customers:write', () => {
  it('answers 403 INSUFFICIENT_SCOPE to an events:write key and stores neither event nor profile', async () => {
    const token = await h.key(['events:write']);
    const id = unique('scope');
    const sent = event({ customerId: id, profile: { email: 'attacker@evil.test' } });
    const res = await request(h.app).post('/v1/events').set('authorization', `Bearer ${token}`).send(sent);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: { required: 'customers:write' } });
    const batch = await request(h.app)
      .post('/v1/events/batch')
      .set('authorization', `Bearer ${token}`)
      .send({ events: [sent, event({ customerId: id })] });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].error.code).toBe('INSUFFICIENT_SCOPE');
    expect(batch.body.results[1].status).not.toBeUndefined();
    await h.pipeline.idle();
    expect((await stored(id))?.email).toBeUndefined();
    expect(await h.store.models.Event.countDocuments({ customerId: id })).toBe(1);
  });

  it('accepts the same patch from a key with both scopes', async () => {
    const token = await h.key(['events:write', 'customers:write']);
    const id = unique('scope');
    const sent = event({ customerId: id, profile: { email: 'hanako@example.jp' } });
    const res = await request(h.app).post('/v1/events').set('authorization', `Bearer ${token}`).send(sent);
    expect(res.status).toBe(201);
    expect((await stored(id))?.email).toBe('hanako@example.jp');
  });
});

describe('an unsubscribe stays until the customer opts in again', () => {
  const unsubscribed = async () => {
    const id = unique('unsub');
    await upsertProfile(h.store.models, id, { set: { email: 'u@example.jp', 'consent.email': 'unsubscribed' } });
    return id;
  };

  it('PUT and an inline profile answer 409 RESUBSCRIBE_NEEDS_OPT_IN and change nothing', async () => {
    const id = await unsubscribed();
    const put = await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ consent: { email: 'subscribed' } });
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe('RESUBSCRIBE_NEEDS_OPT_IN');
    const ev = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ customerId: id, profile: { consent: { email: 'subscribed' } } }));
    expect(ev.status).toBe(409);
    expect(ev.body.error.code).toBe('RESUBSCRIBE_NEEDS_OPT_IN');
    const unknown = await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ consent: { email: 'unknown' } });
    expect(unknown.status).toBe(409);
    const cleared = await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({ consent: null });
    expect(cleared.status).toBe(400);
    expect(await consentOf(id)).toBe('unsubscribed');
  });

  it('no store write re-subscribes without an opt-in either', async () => {
    const id = await unsubscribed();
    await upsertProfile(h.store.models, id, { set: { 'consent.email': 'subscribed', lastName: 'Yamada' } });
    await upsertProfile(h.store.models, id, { set: { 'consent.email': 'unknown' } });
    expect(await stored(id)).toMatchObject({ lastName: 'Yamada', consent: { email: 'unsubscribed' } });
    const fresh = unique('fresh');
    await upsertProfile(h.store.models, fresh, { set: { 'consent.email': 'subscribed' } });
    expect(await consentOf(fresh)).toBe('subscribed');
  });

  it('an explicit opt-in subscribes again and is recorded with its source and time', async () => {
    const id = await unsubscribed();
    const before = Date.now();
    const put = await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ consent: { email: 'subscribed', optIn: { source: 'newsletter-form' } } });
    expect(put.status).toBe(200);
    const profile = await stored(id);
    expect(profile).toMatchObject({ consent: { email: 'subscribed' } });
    const optIn = (profile?.consentOptIn as { email: { source: string; at: Date } }).email;
    expect(optIn.source).toBe('newsletter-form');
    expect(optIn.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const bad = await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ consent: { email: 'unsubscribed', optIn: { source: 'x' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].path).toBe('consent.optIn');
  });
});

describe('a LINE user id belongs to one customer', () => {
  it('answers 409 LINE_USER_ID_TAKEN when another customer holds it, and the index refuses a second holder', async () => {
    const [a, b, lineUserId] = [unique('la'), unique('lb'), `U${unique('x').replace(/\W/g, '')}`];
    expect((await request(h.app).put(`/v1/customers/${a}`).set(auth()).send({ lineUserId })).status).toBe(201);
    const taken = await request(h.app).put(`/v1/customers/${b}`).set(auth()).send({ lineUserId });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'LINE_USER_ID_TAKEN', details: { path: 'lineUserId' } });
    const inline = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ customerId: b, profile: { lineUserId } }));
    expect(inline.status).toBe(409);
    expect(await stored(b)).toBeNull();
    await expect(h.store.models.Customer.create({ customerId: b, lineUserId })).rejects.toMatchObject({ code: 11000 });
    expect(await h.store.models.Customer.countDocuments({ lineUserId })).toBe(1);
  });

  it("takes the id from the follower's own line:<userId> profile when a customer is linked", async () => {
    const lineUserId = `U${unique('y').replace(/\W/g, '')}`;
    await upsertProfile(h.store.models, `line:${lineUserId}`, { set: { lineUserId, 'consent.line': 'following' } });
    const id = unique('link');
    const res = await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({ lineUserId });
    expect(res.status).toBe(201);
    expect((await stored(`line:${lineUserId}`))?.lineUserId).toBeUndefined();
    expect((await stored(id))?.lineUserId).toBe(lineUserId);
  });

  it('an accepted event whose LINE user id was taken meanwhile applies the rest of its patch, once', async () => {
    const [holder, late, lineUserId] = [unique('h'), unique('late'), `U${unique('z').replace(/\W/g, '')}`];
    await upsertProfile(h.store.models, holder, { set: { lineUserId } });
    const row = {
      eventId: unique('ev'),
      source: 'line',
      idempotencyKey: unique('wh'),
      type: 'line.followed',
      customerId: late,
      occurredAt: new Date(),
      receivedAt: new Date(),
      properties: {},
      profile: [
        { path: 'lineUserId', value: lineUserId },
        { path: 'consent.line', value: 'following' },
      ],
      route: { state: 'pending' as const, leaseUntil: new Date() },
    };
    await applyEventEffects(h.store.models, row as unknown as Parameters<typeof applyEventEffects>[1]);
    expect(await stored(late)).toMatchObject({ consent: { line: 'following' } });
    expect((await stored(late))?.lineUserId).toBeUndefined();
    expect(await h.store.models.Customer.countDocuments({ lineUserId })).toBe(1);
  });

  it('makes an existing non-unique lineUserId index unique when the store opens', async () => {
    const collection = h.store.models.Customer.collection;
    await collection.dropIndex('lineUserId_1');
    await collection.createIndex({ lineUserId: 1 }, { name: 'lineUserId_1', sparse: true });
    const again = await connectStore(inject('mongoUri'), { dbName: h.store.connection.name, timeoutMs: 5_000 });
    try {
      const index = (await collection.indexes()).find((i) => i.name === 'lineUserId_1');
      expect(index).toMatchObject({ unique: true });
    } finally {
      await again.close();
    }
  });
});
