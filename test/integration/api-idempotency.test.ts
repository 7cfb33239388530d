// Idempotency keys promise "a retry of the same event": another body, or another API key, under a used
// key is refused with 409; sources Kizuna writes itself cannot be claimed (real FerretDB, the API in-process).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = (token = h.token) => ({ authorization: `Bearer ${token}` });
const event = (over: Record<string, unknown> = {}) => ({
  type: 'page.viewed',
  customerId: unique('c'),
  occurredAt: '2026-11-02T10:00:00+09:00',
  idempotencyKey: unique('k'),
  properties: { page: '/beans', tags: ['a', 'b'] },
  ...over,
});
const count = (idempotencyKey: string) => h.store.models.Event.countDocuments({ idempotencyKey });

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('an idempotency key used again', () => {
  it('answers a retry of the same event (keys reordered, the same instant spelled in UTC) as a duplicate', async () => {
    const first = event();
    expect((await request(h.app).post('/v1/events').set(auth()).send(first)).status).toBe(201);
    const retry = {
      properties: { tags: ['a', 'b'], page: '/beans' },
      occurredAt: '2026-11-02T01:00:00Z',
      idempotencyKey: first.idempotencyKey,
      customerId: first.customerId,
      type: first.type,
    };
    const res = await request(h.app).post('/v1/events').set(auth()).send(retry);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('duplicate');
  });

  it('refuses another event under the same key with 409 IDEMPOTENCY_KEY_REUSED, keeping the first', async () => {
    const first = event();
    await request(h.app).post('/v1/events').set(auth()).send(first).expect(201);
    for (const changed of [
      { ...first, properties: { page: '/checkout', tags: ['a', 'b'] } },
      { ...first, type: 'order.completed' },
      { ...first, occurredAt: '2026-11-03T10:00:00+09:00' },
    ]) {
      const res = await request(h.app).post('/v1/events').set(auth()).send(changed);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        details: { source: 'api', idempotencyKey: first.idempotencyKey },
      });
    }
    const stored = await h.store.models.Event.find({ idempotencyKey: first.idempotencyKey }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'page.viewed', properties: { page: '/beans' } });
  });

  it("refuses a key another API key used (no silent drop, no view of the other key's result)", async () => {
    const first = event();
    await request(h.app).post('/v1/events').set(auth()).send(first).expect(201);
    const other = await h.key(['events:write']);
    const res = await request(h.app).post('/v1/events').set(auth(other)).send(first);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(res.body).not.toHaveProperty('first');
    expect(await count(first.idempotencyKey)).toBe(1);
  });

  it('answers a batch per item: the item reusing a key with another body gets 409, the others are stored', async () => {
    const first = event();
    await request(h.app).post('/v1/events').set(auth()).send(first).expect(201);
    const fresh = event();
    const res = await request(h.app)
      .post('/v1/events/batch')
      .set(auth())
      .send({ events: [fresh, { ...first, properties: { page: '/other' } }, first] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ index: 0, status: 'ignored' });
    expect(res.body.results[1]).toMatchObject({ index: 1, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(res.body.results[2]).toMatchObject({ index: 2, status: 'duplicate' });
    expect(await count(fresh.idempotencyKey)).toBe(1);
  });
});

describe('sources Kizuna writes itself', () => {
  it.each(['line', 'unsubscribe', 'LINE', 'kizuna'])(
    'refuses source %j with 422 RESERVED_SOURCE and stores nothing',
    async (source) => {
      const e = event({ source });
      const res = await request(h.app).post('/v1/events').set(auth()).send(e);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'RESERVED_SOURCE', details: { source } });
      expect(await count(e.idempotencyKey)).toBe(0);
    },
  );

  it('accepts a source of the shop’s own', async () => {
    const res = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ source: 'shop' }));
    expect(res.status).toBe(201);
  });
});
