// One bad item never fails the others: property keys the store cannot hold are refused per item before
// the store, and a write the store still refuses fails only its own item (real FerretDB).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../api/events/pipeline.js';
import { eventIdFor } from '../../store/events.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });
const event = (properties: Record<string, unknown> = {}) => ({
  type: 'page.viewed',
  customerId: unique('c'),
  occurredAt: '2026-11-02T10:00:00+09:00',
  idempotencyKey: unique('k'),
  properties,
});
const stored = (e: { idempotencyKey: string }) =>
  h.store.models.Event.countDocuments({ _id: eventIdFor('api', e.idempotencyKey) });

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('property keys the store cannot hold', () => {
  // NUL cannot be stored in any key or string, so it has a code of its own (FORBIDDEN_CHARACTER).
  it.each([
    ['a NUL byte', 'a\u0000b', 'FORBIDDEN_CHARACTER'],
    ['a control character', 'line\nbreak', 'FORBIDDEN_PROPERTY_KEY'],
    ['"$" first', '$where', 'FORBIDDEN_PROPERTY_KEY'],
    ['a dot', 'a.b', 'FORBIDDEN_PROPERTY_KEY'],
    ['nothing', '', 'FORBIDDEN_PROPERTY_KEY'],
    ['more than 200 characters', 'k'.repeat(201), 'FORBIDDEN_PROPERTY_KEY'],
  ])('refuses a key with %s with 400 %s, at any depth, and stores nothing', async (_what, key, code) => {
    for (const properties of [{ [key]: 1 }, { nested: [{ [key]: 1 }] }]) {
      const e = event(properties);
      const res = await request(h.app).post('/v1/events').set(auth()).send(e);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(await stored(e)).toBe(0);
    }
  });

  it('answers three concurrent events per item: the one with a NUL key gets 400, the others are stored', async () => {
    const good = [event({ plan: 'a' }), event({ plan: 'b' })];
    const bad = event({ 'x\u0000y': 1 });
    const [r1, r2, r3] = await Promise.all(
      [good[0]!, bad, good[1]!].map((e) => request(h.app).post('/v1/events').set(auth()).send(e)),
    );
    expect([r1!.status, r2!.status, r3!.status]).toEqual([201, 400, 201]);
    expect(r2!.body.error.code).toBe('FORBIDDEN_CHARACTER');
    expect([await stored(good[0]!), await stored(bad), await stored(good[1]!)]).toEqual([1, 0, 1]);
  });

  it('answers a batch per item: the item with a NUL key has its error, the others are stored', async () => {
    const items = [event({ plan: 'a' }), event({ deep: { 'x\u0000y': 1 } }), event({ plan: 'c' })];
    const res = await request(h.app).post('/v1/events/batch').set(auth()).send({ events: items });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ index: 0, status: 'ignored' });
    expect(res.body.results[1]).toMatchObject({ index: 1, error: { code: 'FORBIDDEN_CHARACTER' } });
    expect(res.body.results[2]).toMatchObject({ index: 2, status: 'ignored' });
    expect([await stored(items[0]!), await stored(items[1]!), await stored(items[2]!)]).toEqual([1, 0, 1]);
  });
});

describe('a write the store refuses', () => {
  // Past validation (as if a rule were missing): the store itself refuses the document.
  const accepted = (properties: Record<string, unknown>): AcceptedEvent => ({
    source: 'api',
    idempotencyKey: unique('k'),
    type: 'page.viewed',
    customerId: unique('c'),
    occurredAt: new Date('2026-11-02T01:00:00Z'),
    properties,
    profile: null,
  });

  it('fails only its own item when it shares a group commit with others', async () => {
    const items = [accepted({ plan: 'a' }), accepted({ 'x\u0000y': 'bad' }), accepted({ plan: 'c' })];
    const results = await Promise.allSettled(items.map((item) => h.pipeline.acceptOne(item)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<{ status: string }>).value.status).toBe('ignored');
    expect(await h.store.models.Event.countDocuments({ _id: eventIdFor('api', items[0]!.idempotencyKey) })).toBe(1);
    expect(await h.store.models.Event.countDocuments({ _id: eventIdFor('api', items[2]!.idempotencyKey) })).toBe(1);
  });

  it('fails only its own item in a batch', async () => {
    const items = [accepted({ plan: 'a' }), accepted({ 'x\u0000y': 'bad' }), accepted({ plan: 'c' })];
    const results = await h.pipeline.acceptMany(items);
    expect(results[0]).toMatchObject({ status: 'ignored' });
    expect(results[1]).toHaveProperty('error');
    expect(results[2]).toMatchObject({ status: 'ignored' });
  });
});
