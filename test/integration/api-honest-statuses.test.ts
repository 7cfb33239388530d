/**
 * Statuses that tell the truth about what happened to a request: a charset other than UTF-8 is 415,
 * bytes that are not UTF-8 are 400 (never stored as U+FFFD), a date in the first century is kept as
 * that date, and an event stored while Temporal is down is 202 `pending` (it is in the outbox), not a
 * 503 claiming nothing was written.
 */
import { createHmac } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/servers.js';
import { findEvent } from '../../store/events.js';
import { journeyYaml, LINE_SECRET, startApiHarness, unique, type ApiHarness } from './api/harness.js';

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

// The bytes as given: supertest would otherwise write a Buffer as JSON text.
const raw = (body: Buffer) => body as never;

describe('request bodies are UTF-8 JSON', () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const cases: [string, string, Buffer, number, string][] = [
    [
      'charset=latin1',
      'application/json; charset=latin1',
      latin1(JSON.stringify(event())),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'charset=utf-16',
      'application/json; charset=utf-16le',
      Buffer.from(JSON.stringify(event()), 'utf16le'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a text/plain body', 'text/plain', Buffer.from(JSON.stringify(event())), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a lone 0xFF byte inside a string',
      'application/json',
      Buffer.concat([
        Buffer.from(JSON.stringify(event()).slice(0, -2)),
        Buffer.from([0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      ]),
      400,
      'INVALID_UTF8',
    ],
  ];
  for (const [what, type, body, status, code] of cases) {
    it(`POST /v1/events with ${what}: ${status} ${code}, nothing stored`, async () => {
      const before = await h.store.models.Event.countDocuments();
      const res = await request(h.app)
        .post('/v1/events')
        .set(auth())
        .set('content-type', type)
        .serialize(raw)
        .send(body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(await h.store.models.Event.countDocuments()).toBe(before);
    });
  }

  it('refuses a profile with invalid UTF-8 in a value with 400 INVALID_UTF8 and stores no customer', async () => {
    const id = unique('c');
    const body = Buffer.concat([Buffer.from('{"lastName":"'), Buffer.from([0xe5, 0xb1]), Buffer.from('"}')]);
    const res = await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .set('content-type', 'application/json')
      .serialize(raw)
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_UTF8');
    expect((await request(h.app).get(`/v1/customers/${id}`).set(auth())).status).toBe(404);
  });

  it('still reads UTF-8 declared in any spelling, and no charset at all', async () => {
    for (const type of ['application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json']) {
      const res = await request(h.app)
        .post('/v1/events')
        .set(auth())
        .set('content-type', type)
        .send(JSON.stringify(event({ properties: { name: '山田' } })));
      expect(res.status).toBe(201);
    }
  });
});

describe('what the store cannot keep is refused with a code, not a 500', () => {
  const cases: [string, string, string][] = [
    [
      'an array directly inside an array',
      JSON.stringify(event({ properties: { a: [[1]] } })),
      'FORBIDDEN_PROPERTY_VALUE',
    ],
    ['NUL in a value', JSON.stringify(event({ properties: { note: 'a\u0000b' } })), 'FORBIDDEN_CHARACTER'],
    ['NUL in a key', JSON.stringify(event({ properties: { 'a\u0000': 1 } })), 'FORBIDDEN_CHARACTER'],
    [
      'a lone surrogate',
      JSON.stringify(event()).replace('"properties":{}', '"properties":{"a":"\\ud800"}'),
      'FORBIDDEN_CHARACTER',
    ],
  ];
  for (const [what, body, code] of cases) {
    it(`POST /v1/events with ${what}: 400 ${code}, nothing stored`, async () => {
      const before = await h.store.models.Event.countDocuments();
      const res = await request(h.app)
        .post('/v1/events')
        .set(auth())
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(await h.store.models.Event.countDocuments()).toBe(before);
    });
  }

  it('GET stats refuses a recount that is not true or false, and a version that does not exist', async () => {
    const journeyId = unique('j');
    const yaml = journeyYaml({ id: journeyId, event: unique('x') });
    await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'application/yaml').send(yaml);
    const stats = (query: string) => request(h.app).get(`/v1/journeys/${journeyId}/stats?${query}`).set(auth());
    expect((await stats('recount=yes')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await stats('version=1.0')).status).toBe(400);
    const missing = await stats('version=7');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('JOURNEY_VERSION_NOT_FOUND');
    expect((await stats('recount=false&version=1')).status).toBe(200);
  });

  it('refuses a signed LINE webhook whose events are not objects with 400, not 500', async () => {
    const body = JSON.stringify({ destination: 'U0', events: [null, 3] });
    const signature = createHmac('sha256', LINE_SECRET).update(body).digest('base64');
    const res = await request(h.app)
      .post('/webhooks/line')
      .set('x-line-signature', signature)
      .set('content-type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('dates in years 0000-0099', () => {
  it('keeps a birthday in year 0000 or 0099 on its calendar day (midnight in the customer zone)', async () => {
    const id = unique('c');
    const put = (birthday: string) =>
      request(h.app).put(`/v1/customers/${id}`).set(auth()).send({ timezone: 'UTC', birthday });
    expect((await put('0000-01-01')).status).toBe(201);
    const first = await request(h.app).get(`/v1/customers/${id}`).set(auth());
    expect(first.body.customer.birthday).toBe('0000-01-01T00:00:00.000Z');
    expect((await put('0099-12-31')).status).toBe(200);
    const second = await request(h.app).get(`/v1/customers/${id}`).set(auth());
    expect(second.body.customer.birthday).toBe('0099-12-31T00:00:00.000Z');
  });

  it('keeps an inline profile date of year 0042 in Tokyo as that day', async () => {
    const customerId = unique('c');
    const res = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(event({ customerId, profile: { timezone: 'Asia/Tokyo', birthday: '0042-07-01' } }));
    expect(res.status).toBe(201);
    const customer = (await request(h.app).get(`/v1/customers/${customerId}`).set(auth())).body.customer;
    // Tokyo kept its local mean time (+09:18:59) before 1888.
    expect(customer.birthday).toBe('0042-06-30T14:41:01.000Z');
  });
});

describe('POST /v1/events while Temporal is down', () => {
  it('answers 202 pending when the event is stored and left in the outbox', async () => {
    // A Temporal address nothing listens on: every call fails as when the server is down.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const down = await startApiHarness(
      import.meta.filename,
      {},
      { store: h.store, client: new Client({ connection }) },
    );
    try {
      const type = unique('order.placed');
      const journeyId = unique('j');
      const published = await request(down.app)
        .post('/v1/journeys')
        .set({ authorization: `Bearer ${down.token}` })
        .set('content-type', 'application/yaml')
        .send(journeyYaml({ id: journeyId, event: type }));
      expect(published.status).toBe(201);
      const sent = event({ type });
      const res = await request(down.app)
        .post('/v1/events')
        .set({ authorization: `Bearer ${down.token}` })
        .send(sent);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'pending', journeys: [], error: { code: 'DEPENDENCY_UNAVAILABLE' } });
      expect(res.body.error.message).not.toMatch(/half-written/);
      const stored = await findEvent(h.store.models, String(res.body.eventId));
      expect(stored?.route.state).toBe('pending');
      expect(stored?.idempotencyKey).toBe(sent.idempotencyKey);
    } finally {
      await down.close();
      await connection.close();
    }
  });
});
