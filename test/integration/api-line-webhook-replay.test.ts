// The LINE webhook against replays and odd bodies that carry a valid signature: events outside the age
// window, doubled or padded signature headers, and postback params with keys MongoDB cannot hold.
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_SECRET, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const logLines: string[] = [];
const sign = (body: string) => createHmac('sha256', LINE_SECRET).update(body).digest('base64');
const userId = () => `U${unique('').replace(/\W/g, '').padEnd(32, '0').slice(0, 32)}`;
const lineEvent = (type: string, user: string, timestamp: number, extra: Record<string, unknown> = {}) => ({
  type,
  mode: 'active',
  timestamp,
  webhookEventId: unique('01HREPLAY'),
  deliveryContext: { isRedelivery: false },
  source: { type: 'user', userId: user },
  ...extra,
});
const body = (...events: unknown[]) => JSON.stringify({ destination: 'Ubot', events });
const post = (text: string, signature: string | string[] = sign(text)) =>
  request(h.app)
    .post('/webhooks/line')
    .set('content-type', 'application/json')
    .set('x-line-signature', signature as string)
    .send(text);

beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) });
  h = await startApiHarness(import.meta.filename, { logger });
});
afterAll(async () => {
  await h?.close();
});

describe('POST /webhooks/line: the event-age window', () => {
  it('skips a signed follow a year old: 200 to LINE, a log line, nothing stored or created', async () => {
    const user = userId();
    const old = lineEvent('follow', user, Date.now() - 365 * 86_400_000);
    const res = await post(body(old));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 0 });
    await h.pipeline.idle();
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: old.webhookEventId })).toBe(0);
    expect(await h.store.models.Customer.countDocuments({ customerId: `line:${user}` })).toBe(0);
    expect(logLines.join('')).toContain(old.webhookEventId);
    expect(logLines.join('')).toContain('outside the age window');
  });

  it('does not re-create an erased customer from a replayed follow, and keeps fresh events in the same body', async () => {
    const user = userId();
    const follow = lineEvent('follow', user, Date.now() - 60_000);
    expect((await post(body(follow))).body).toEqual({ received: 1 });
    await h.pipeline.idle();
    const erase = await request(h.app).delete(`/v1/customers/line:${user}`).set('authorization', `Bearer ${h.token}`);
    expect(erase.status).toBeLessThan(300);
    const replay = { ...follow, webhookEventId: unique('01HREPLAY'), timestamp: Date.now() - 11 * 60_000 };
    const fresh = lineEvent('message', userId(), Date.now(), { message: { type: 'text', id: '9', text: 'hi' } });
    expect((await post(body(replay, fresh))).body).toEqual({ received: 1 });
    await h.pipeline.idle();
    expect(await h.store.models.Customer.countDocuments({ customerId: `line:${user}` })).toBe(0);
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: fresh.webhookEventId })).toBe(1);
  });
});

describe('POST /webhooks/line: the signature header, strictly', () => {
  it.each([
    ['sent twice', (sig: string) => [sig, sig]],
    ['with extra padding', (sig: string) => `${sig}==`],
    ['with a trailing space inside', (sig: string) => `${sig.slice(0, -1)} =`],
    ['in the URL-safe alphabet', (sig: string) => sig.replace(/\+/g, '-').replace(/\//g, '_')],
    ['with a second value after a comma', (sig: string) => `${sig},${sig}`],
  ])('refuses a valid signature %s with 401, and stores nothing', async (_what, mangle) => {
    // A body whose signature holds + or / so the URL-safe variant differs from it.
    let text = body(lineEvent('follow', userId(), Date.now()));
    while (!/[+/]/.test(sign(text))) text = body(lineEvent('follow', userId(), Date.now()));
    const event = (JSON.parse(text) as { events: { webhookEventId: string }[] }).events[0]!;
    const res = await post(text, mangle(sign(text)));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    expect(await h.store.models.Event.countDocuments({ idempotencyKey: event.webhookEventId })).toBe(0);
    expect((await post(text)).status).toBe(200);
  });
});

describe('POST /webhooks/line: postback params', () => {
  it('keeps LINE params and drops keys MongoDB cannot hold ($, dots): 200, never 500', async () => {
    const user = userId();
    const postback = lineEvent('postback', user, Date.now(), {
      postback: {
        data: 'survey=dark',
        params: { datetime: '2026-12-24T10:00', $where: 'sleep(1)', 'a.b': 'x', $set: { admin: true } },
      },
    });
    const res = await post(body(postback));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 1 });
    await h.pipeline.idle();
    const stored = await h.store.models.Event.findOne({ idempotencyKey: postback.webhookEventId }).lean();
    expect(stored?.properties).toEqual({ data: 'survey=dark', params: { datetime: '2026-12-24T10:00' } });
  });
});
