import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey, listApiKeys } from '../../store/apikeys.js';
import { findEvent } from '../../store/events.js';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

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

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('API keys', () => {
  it('answers 401 UNAUTHENTICATED without a key or with an unknown one', async () => {
    const none = await request(h.app).post('/v1/events').send(event());
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const unknown = await request(h.app).post('/v1/events').set('authorization', 'Bearer kz_nope').send(event());
    expect(unknown.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 403 INSUFFICIENT_SCOPE for a key without the scope', async () => {
    const token = await h.key(['customers:read']);
    const res = await request(h.app).post('/v1/events').set('authorization', `Bearer ${token}`).send(event());
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: { required: 'events:write' } });
  });

  it('refuses a revoked key with 401 API_KEY_REVOKED, and stores only the hash', async () => {
    const token = await h.key(['events:write']);
    const key = (await listApiKeys(h.store.models)).find((k) => token.startsWith(k.prefix))!;
    const stored = await h.store.models.ApiKey.findOne({ keyId: key.keyId }).lean();
    expect(JSON.stringify(stored)).not.toContain(token);
    await revokeApiKey(h.store.models, key.keyId);
    const res = await request(h.app).post('/v1/events').set('authorization', `Bearer ${token}`).send(event());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('API_KEY_REVOKED');
  });

  it('answers 429 RATE_LIMITED with Retry-After past the key limit', async () => {
    const token = await h.key(['customers:read'], 60);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await request(h.app).get('/v1/customers/nobody').set('authorization', `Bearer ${token}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});

describe('POST /v1/events: refusals', () => {
  const cases: [string, Record<string, unknown> | string, number, string][] = [
    ['a missing type', { ...event(), type: undefined }, 400, 'VALIDATION_FAILED'],
    ['an occurredAt without offset', event({ occurredAt: '2026-11-02 10:00' }), 400, 'VALIDATION_FAILED'],
    ['an unknown top-level field', event({ extra: 1 }), 400, 'VALIDATION_FAILED'],
    ['a $ key', event({ properties: { $where: 'x' } }), 400, 'FORBIDDEN_PROPERTY_KEY'],
    ['a dotted key deep down', event({ properties: { a: [{ 'b.c': 1 }] } }), 400, 'FORBIDDEN_PROPERTY_KEY'],
    ['properties over 32 KB', event({ properties: { blob: 'x'.repeat(33 * 1024) } }), 400, 'PROPERTIES_TOO_LARGE'],
    ['an undeclared profile field', event({ profile: { favouriteColour: 'red' } }), 400, 'UNKNOWN_PROFILE_FIELD'],
    ['a system profile field', event({ profile: { createdAt: '2026-01-01' } }), 400, 'SYSTEM_FIELD'],
    ['a profile value of the wrong type', event({ profile: { points: 'many' } }), 400, 'PROFILE_FIELD_TYPE'],
    ['malformed JSON', '{"type": ', 400, 'INVALID_JSON'],
    ['a body over 100 KB', event({ properties: { a: 'x'.repeat(120 * 1024) } }), 413, 'PAYLOAD_TOO_LARGE'],
  ];
  for (const [what, body, status, code] of cases) {
    it(`refuses ${what} with ${status} ${code} and stores nothing`, async () => {
      const before = await h.store.models.Event.countDocuments();
      const res = await request(h.app)
        .post('/v1/events')
        .set(auth())
        .set('content-type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(await h.store.models.Event.countDocuments()).toBe(before);
    });
  }
});

describe('POST /v1/events: storing and idempotency', () => {
  it('stores an event with a string eventId, creates the customer with its first touch, and says ignored', async () => {
    const body = event({ source: 'shop', properties: { path: '/beans' } });
    const res = await request(h.app).post('/v1/events').set(auth()).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'ignored', journeys: [] });
    const stored = await findEvent(h.store.models, String(res.body.eventId));
    expect(stored).toMatchObject({ customerId: body.customerId, type: 'page.viewed', route: { state: 'done' } });
    const customer = await h.store.models.Customer.findOne({ customerId: body.customerId }).lean();
    expect(customer).toMatchObject({ acquisitionSource: 'shop' });
  });

  it('answers a repeated (source, idempotencyKey) with the first result, storing one event', async () => {
    const body = event();
    const first = await request(h.app).post('/v1/events').set(auth()).send(body);
    // The same event again (another event under the key is a 409: api-idempotency.test.ts).
    const again = await request(h.app).post('/v1/events').set(auth()).send(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      eventId: first.body.eventId,
      status: 'duplicate',
      first: { status: 'ignored' },
    });
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: body.idempotencyKey })).toBe(1);
  });

  it('stores concurrent single POSTs in shared writes (group commit), each answered with its own id', async () => {
    const bodies = Array.from({ length: 40 }, () => event());
    const results = await Promise.all(bodies.map((b) => request(h.app).post('/v1/events').set(auth()).send(b)));
    expect(results.map((r) => r.status)).toEqual(bodies.map(() => 201));
    expect(new Set(results.map((r) => String(r.body.eventId))).size).toBe(40);
    const ids = bodies.map((b) => b.idempotencyKey);
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: { $in: ids } })).toBe(40);
  });
});

describe('POST /v1/events/batch', () => {
  it('answers per item, in order: stored, refused with a code, duplicate of an earlier item of the batch', async () => {
    const a = event();
    const res = await request(h.app)
      .post('/v1/events/batch')
      .set(auth())
      .send({ events: [a, event({ properties: { $gt: 1 } }), { ...a }, event()] });
    expect(res.status).toBe(200);
    const [r0, r1, r2, r3] = res.body.results;
    expect(r0).toMatchObject({ index: 0, status: 'ignored' });
    expect(r1).toMatchObject({ index: 1, error: { code: 'FORBIDDEN_PROPERTY_KEY' } });
    expect(r2).toMatchObject({ index: 2, status: 'duplicate', eventId: r0.eventId, first: { status: 'ignored' } });
    expect(r3).toMatchObject({ index: 3, status: 'ignored' });
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: a.idempotencyKey })).toBe(1);
  });

  it('answers a whole repeated batch with duplicates', async () => {
    const events = [event(), event()];
    await request(h.app).post('/v1/events/batch').set(auth()).send({ events });
    const again = await request(h.app).post('/v1/events/batch').set(auth()).send({ events });
    const statuses = (again.body.results as { status: string }[]).map((r) => r.status);
    expect(statuses).toEqual(['duplicate', 'duplicate']);
  });

  it('refuses more than 1,000 events with 400 BATCH_TOO_LARGE', async () => {
    const events = Array.from({ length: 1001 }, () => ({ type: 'x' }));
    const res = await request(h.app).post('/v1/events/batch').set(auth()).send({ events });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BATCH_TOO_LARGE', details: { limit: 1000, count: 1001 } });
  });

  it('applies two orders of one new customer in one batch (concurrent profile creation retried)', async () => {
    const customerId = unique('buyer');
    const order = (total: number, sku: string, at: string) =>
      event({
        type: 'order.completed',
        customerId,
        occurredAt: at,
        properties: { total, items: [{ sku, category: 'coffee-beans' }] },
      });
    const res = await request(h.app)
      .post('/v1/events/batch')
      .set(auth())
      .send({
        events: [
          order(3200, 'BEANS-ETH', '2026-11-02T10:00:00+09:00'),
          order(1800, 'FILTER', '2026-11-05T10:00:00+09:00'),
        ],
      });
    expect(res.status).toBe(200);
    const customer = await h.store.models.Customer.findOne({ customerId }).lean<Record<string, unknown>>();
    expect(customer).toMatchObject({
      orderCount: 2,
      totalSpent: 5000,
      favoriteCategory: 'coffee-beans',
      firstOrderAt: new Date('2026-11-02T01:00:00Z'),
      lastOrderAt: new Date('2026-11-05T01:00:00Z'),
    });
    expect((customer!.ownedProducts as string[]).sort()).toEqual(['BEANS-ETH', 'FILTER']);
  });
});

describe('profile effects', () => {
  it('marks a cancelled subscription with its status and churn time, and applies the inline profile patch', async () => {
    const customerId = unique('sub');
    const res = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(
        event({
          type: 'subscription.cancelled',
          customerId,
          occurredAt: '2026-11-10T09:00:00+09:00',
          profile: { birthday: '1990-04-01', timezone: 'Asia/Tokyo', consent: { email: 'subscribed' } },
        }),
      );
    expect(res.status).toBe(201);
    const customer = await h.store.models.Customer.findOne({ customerId }).lean<Record<string, unknown>>();
    expect(customer).toMatchObject({
      subscriptionStatus: 'cancelled',
      churnedAt: new Date('2026-11-10T00:00:00Z'),
      // A calendar date: midnight in the customer's zone.
      birthday: new Date('1990-03-31T15:00:00Z'),
      consent: { email: 'subscribed' },
    });
  });
});

describe('routing through the real runtime', () => {
  it('enters a matching entry, ignores a non-matching one, and signals the running run', async () => {
    const journeyId = unique('j-route');
    const yaml = journeyYaml({
      id: journeyId,
      event: 'cart.abandoned',
      where: '{ event.total: { $gte: 1000 } }',
      exitOn: 'order.completed',
    });
    const pub = await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(yaml);
    expect(pub.status).toBe(201);
    const customerId = unique('router');
    const small = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'cart.abandoned', customerId, properties: { total: 500 } }));
    expect(small.body).toMatchObject({ status: 'ignored', journeys: [{ journeyId, action: 'not-matched' }] });
    const big = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'cart.abandoned', customerId, properties: { total: 5000, note: 'not read' } }));
    expect(big.body).toMatchObject({ status: 'entered', journeys: [{ journeyId, action: 'entered' }] });
    const order = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'order.completed', customerId }));
    expect(order.body).toMatchObject({ status: 'signalled', journeys: [{ journeyId, action: 'signalled' }] });
    const other = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'order.completed', customerId: unique('nobody') }));
    expect(other.body.journeys).toContainEqual({ journeyId, action: 'no-run' });
    const history = await h.client.workflow.getHandle(`kizuna/${journeyId}/${customerId}`).fetchHistory();
    const started = history.events?.find((e) => e.workflowExecutionStartedEventAttributes);
    const payload = started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(Buffer.from(payload!).toString()).toContain('5000');
    expect(Buffer.from(payload!).toString()).not.toContain('not read');
  });

  it('enters a paused journey held (the runtime resumes it later) and stops routing once archived', async () => {
    const journeyId = unique('j-pause');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(journeyYaml({ id: journeyId, event: 'quiz.done' }));
    const paused = await request(h.app).post(`/v1/journeys/${journeyId}/pause`).set(auth());
    expect(paused.body).toMatchObject({ journeyId, status: 'paused' });
    const held = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'quiz.done' }));
    expect(held.body.journeys).toEqual([{ journeyId, action: 'entered' }]);
    const archived = await request(h.app).post(`/v1/journeys/${journeyId}/archive`).set(auth());
    expect(archived.body).toMatchObject({ status: 'archived' });
    const after = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'quiz.done' }));
    expect(after.body).toMatchObject({ status: 'ignored', journeys: [] });
    const resume = await request(h.app).post(`/v1/journeys/${journeyId}/resume`).set(auth());
    expect(resume.status).toBe(409);
    expect(resume.body.error.code).toBe('JOURNEY_ARCHIVED');
  });

  it('routes an event another module stored itself (the unsubscribe page) through the outbox', async () => {
    const journeyId = unique('j-unsub');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(journeyYaml({ id: journeyId, event: 'visit.started', exitOn: 'customer.unsubscribed' }));
    const customerId = unique('unsub');
    const entered = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ type: 'visit.started', customerId }));
    expect(entered.body.status).toBe('entered');
    await new h.store.models.Event({
      source: 'unsubscribe',
      idempotencyKey: `${customerId}:u-1`,
      type: 'customer.unsubscribed',
      customerId,
      occurredAt: new Date(),
      properties: { channel: 'email' },
    }).save();
    const routed = await h.pipeline.routeStored('unsubscribe', `${customerId}:u-1`);
    expect(routed).toMatchObject({ status: 'signalled', journeys: [{ journeyId, action: 'signalled' }] });
    expect(await h.pipeline.routeStored('unsubscribe', `${customerId}:u-1`)).toBeNull();
  });
});
