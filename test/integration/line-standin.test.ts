import { createServer, type Server } from 'node:http';
import { messagingApi, validateSignature } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/servers.js';
import { LINE_TOKEN, startStandin } from './delivery-helpers.js';

const TO = `U${'a'.repeat(32)}`;
const text = (t: string) => ({ type: 'text', text: t });
const long = (n: number) => 'あ'.repeat(n);
const button = (action: unknown) => ({
  type: 'template',
  altText: 'alt',
  template: { type: 'buttons', text: 'choose', actions: [action] },
});
const bubble = (contents: unknown[]) => ({
  type: 'flex',
  altText: 'alt',
  contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents } },
});

/** Bodies LINE refuses, from its documented limits, and the property LINE names. */
const INVALID: [string, unknown, string][] = [
  ['no receiver', { messages: [text('x')] }, 'to'],
  ['receiver that is not a user id', { to: 'hanako', messages: [text('x')] }, 'to'],
  ['no messages', { to: TO, messages: [] }, 'messages'],
  ['six messages', { to: TO, messages: Array.from({ length: 6 }, () => text('x')) }, 'messages'],
  ['unknown message type', { to: TO, messages: [{ type: 'banner', text: 'x' }] }, 'messages[0].type'],
  ['empty text', { to: TO, messages: [text('')] }, 'messages[0].text'],
  ['text of 5001 UTF-16 units', { to: TO, messages: [text(long(5001))] }, 'messages[0].text'],
  ['text of 2501 emoji (5002 UTF-16 units)', { to: TO, messages: [text('😀'.repeat(2501))] }, 'messages[0].text'],
  ['sticker without stickerId', { to: TO, messages: [{ type: 'sticker', packageId: '1' }] }, 'messages[0].stickerId'],
  [
    'image over http',
    {
      to: TO,
      messages: [{ type: 'image', originalContentUrl: 'http://x.jp/a.jpg', previewImageUrl: 'https://x.jp/p.jpg' }],
    },
    'messages[0].originalContentUrl',
  ],
  [
    'flex without altText',
    { to: TO, messages: [{ type: 'flex', contents: { type: 'bubble' } }] },
    'messages[0].altText',
  ],
  ['flex altText of 1501', { to: TO, messages: [{ ...bubble([]), altText: long(1501) }] }, 'messages[0].altText'],
  [
    'flex carousel of 13 bubbles',
    {
      to: TO,
      messages: [
        {
          type: 'flex',
          altText: 'a',
          contents: { type: 'carousel', contents: Array.from({ length: 13 }, () => ({ type: 'bubble' })) },
        },
      ],
    },
    'messages[0].contents.contents',
  ],
  [
    'flex box without layout',
    {
      to: TO,
      messages: [{ type: 'flex', altText: 'a', contents: { type: 'bubble', body: { type: 'box', contents: [] } } }],
    },
    'messages[0].contents.body.layout',
  ],
  [
    'flex button without action',
    { to: TO, messages: [bubble([{ type: 'button' }])] },
    'messages[0].contents.body.contents[0].action',
  ],
  [
    'flex text without text',
    { to: TO, messages: [bubble([{ type: 'text' }])] },
    'messages[0].contents.body.contents[0].text',
  ],
  [
    'flex bubble over 30 KB',
    { to: TO, messages: [bubble([{ type: 'text', text: 'x'.repeat(31 * 1024) }])] },
    'messages[0].contents',
  ],
  [
    '14 quick replies',
    {
      to: TO,
      messages: [
        {
          ...text('x'),
          quickReply: {
            items: Array.from({ length: 14 }, () => ({
              type: 'action',
              action: { type: 'message', label: 'a', text: 'a' },
            })),
          },
        },
      ],
    },
    'messages[0].quickReply.items',
  ],
  [
    'quick reply label of 21',
    {
      to: TO,
      messages: [
        {
          ...text('x'),
          quickReply: { items: [{ type: 'action', action: { type: 'message', label: long(21), text: 'a' } }] },
        },
      ],
    },
    'messages[0].quickReply.items[0].action.label',
  ],
  [
    'quick reply without label',
    {
      to: TO,
      messages: [
        { ...text('x'), quickReply: { items: [{ type: 'action', action: { type: 'postback', data: 'a' } }] } },
      ],
    },
    'messages[0].quickReply.items[0].action.label',
  ],
  [
    'postback data of 301',
    { to: TO, messages: [button({ type: 'postback', label: 'a', data: 'x'.repeat(301) })] },
    'messages[0].template.actions[0].data',
  ],
  [
    'postback without data',
    { to: TO, messages: [button({ type: 'postback', label: 'a' })] },
    'messages[0].template.actions[0].data',
  ],
  [
    'uri action with javascript:',
    { to: TO, messages: [button({ type: 'uri', label: 'a', uri: 'javascript:alert(1)' })] },
    'messages[0].template.actions[0].uri',
  ],
  [
    'uri of 1001',
    { to: TO, messages: [button({ type: 'uri', label: 'a', uri: `https://x.jp/${'a'.repeat(990)}` })] },
    'messages[0].template.actions[0].uri',
  ],
  [
    'camera action outside quick reply',
    { to: TO, messages: [button({ type: 'camera', label: 'a' })] },
    'messages[0].template.actions[0].type',
  ],
  [
    'buttons with 5 actions',
    {
      to: TO,
      messages: [
        {
          ...button({ type: 'message', label: 'a', text: 'a' }),
          template: {
            type: 'buttons',
            text: 't',
            actions: Array.from({ length: 5 }, () => ({ type: 'message', label: 'a', text: 'a' })),
          },
        },
      ],
    },
    'messages[0].template.actions',
  ],
  [
    'buttons text of 161',
    {
      to: TO,
      messages: [
        {
          type: 'template',
          altText: 'a',
          template: { type: 'buttons', text: long(161), actions: [{ type: 'message', label: 'a', text: 'a' }] },
        },
      ],
    },
    'messages[0].template.text',
  ],
  [
    'confirm with 1 action',
    {
      to: TO,
      messages: [
        {
          type: 'template',
          altText: 'a',
          template: { type: 'confirm', text: 't', actions: [{ type: 'message', label: 'a', text: 'a' }] },
        },
      ],
    },
    'messages[0].template.actions',
  ],
  [
    'template altText of 1501',
    { to: TO, messages: [{ ...button({ type: 'message', label: 'a', text: 'a' }), altText: long(1501) }] },
    'messages[0].altText',
  ],
  [
    'imagemap base width 700',
    {
      to: TO,
      messages: [
        {
          type: 'imagemap',
          baseUrl: 'https://x.jp/m',
          altText: 'a',
          baseSize: { width: 700, height: 700 },
          actions: [],
        },
      ],
    },
    'messages[0].baseSize.width',
  ],
];

describe('LINE stand-in, driven by @line/bot-sdk and raw HTTP', () => {
  let now = Date.UTC(2026, 0, 1);
  let standin: Awaited<ReturnType<typeof startStandin>>;
  let hook: Server;
  const received: { body: string; signature: string }[] = [];
  let hookStatus = 200;
  const client = (token = LINE_TOKEN) =>
    new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: standin.baseURL });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${standin.baseURL}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LINE_TOKEN}`, 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    const hookPort = await freePort();
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-line-signature']),
        });
        res.writeHead(hookStatus).end();
      });
    });
    await new Promise<void>((ok) => hook.listen(hookPort, '127.0.0.1', ok));
    standin = await startStandin({
      channelSecret: 'test-channel-secret',
      webhookUrl: `http://127.0.0.1:${hookPort}/webhooks/line`,
      followers: { [TO]: '花子' },
      clock: () => now,
    });
  });
  afterAll(async () => {
    await standin.close();
    await new Promise<void>((ok) => hook.close(() => ok()));
  });

  it('records an accepted push and answers sentMessages with ids and quote tokens', async () => {
    const res = await client().pushMessage({ to: TO, messages: [{ type: 'text', text: 'こんにちは' }] });
    expect(res.sentMessages).toEqual([
      { id: expect.stringMatching(/^\d+$/) as unknown, quoteToken: expect.any(String) as unknown },
    ]);
    expect(standin.pushes.at(-1)).toMatchObject({ to: TO, messages: [{ type: 'text', text: 'こんにちは' }] });
  });

  it.each(INVALID)('refuses %s with 400 and LINE-shaped details', async (_name, body, property) => {
    const before = standin.pushes.length;
    const res = await post('/v2/bot/message/push', JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-line-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const answer = (await res.json()) as { message: string; details: { property: string; message: string }[] };
    expect(answer.message).toMatch(/^The request body has \d+ error\(s\)$/);
    expect(answer.details.map((d) => d.property)).toContain(property);
    expect(standin.pushes.length).toBe(before);
    expect((await post('/v2/bot/message/validate/push', JSON.stringify(body))).status).toBe(400);
  });

  it('answers JSON errors for malformed JSON, a wrong content type, an oversized body, a bad token, an unknown path', async () => {
    const cases: [Promise<Response>, number][] = [
      [post('/v2/bot/message/push', '{"to":'), 400],
      [post('/v2/bot/message/push', 'to=U1', { 'content-type': 'application/x-www-form-urlencoded' }), 415],
      [post('/v2/bot/message/push', JSON.stringify({ to: TO, messages: [text('x'.repeat(3 * 1024 * 1024))] })), 413],
      [post('/v2/bot/message/push', '{}', { authorization: 'Bearer wrong' }), 401],
      [post('/v2/bot/message/multicast-not-here', '{}'), 404],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-line-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof ((await res.json()) as { message: unknown }).message).toBe('string');
    }
  });

  it('a retry key accepted in the last 24 hours gets 409 with the accepted request id and sentMessages; later it is new', async () => {
    const key = '123e4567-e89b-42d3-a456-426614174000';
    const first = await post('/v2/bot/message/push', JSON.stringify({ to: TO, messages: [text('1')] }), {
      'x-line-retry-key': key,
    });
    const firstBody = (await first.json()) as { sentMessages: unknown[] };
    now += 23 * 60 * 60 * 1000;
    const again = await post('/v2/bot/message/push', JSON.stringify({ to: TO, messages: [text('1')] }), {
      'x-line-retry-key': key,
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('x-line-accepted-request-id')).toBe(first.headers.get('x-line-request-id'));
    expect(await again.json()).toEqual({
      message: 'The retry key is already accepted',
      sentMessages: firstBody.sentMessages,
    });
    now += 60 * 60 * 1000;
    const later = await post('/v2/bot/message/push', JSON.stringify({ to: TO, messages: [text('1')] }), {
      'x-line-retry-key': key,
    });
    expect(later.status).toBe(200);
    const bad = await post('/v2/bot/message/push', JSON.stringify({ to: TO, messages: [text('1')] }), {
      'x-line-retry-key': 'nope',
    });
    expect(bad.status).toBe(400);
  });

  it('answers programmed faults: 429 with Retry-After, the monthly limit, 500', async () => {
    standin.fault(
      { kind: 'status', status: 429, retryAfterSeconds: 3 },
      { kind: 'monthly-limit' },
      { kind: 'status', status: 500 },
    );
    const body = JSON.stringify({ to: TO, messages: [text('x')] });
    const rate = await post('/v2/bot/message/push', body);
    expect([rate.status, rate.headers.get('retry-after')]).toEqual([429, '3']);
    const monthly = await post('/v2/bot/message/push', body);
    expect([monthly.status, await monthly.json()]).toEqual([429, { message: 'You have reached your monthly limit.' }]);
    expect((await post('/v2/bot/message/push', body)).status).toBe(500);
  });

  it('serves quota, consumption, profile and bot info', async () => {
    standin.state.quotaLimit = 1000;
    expect(await client().getMessageQuota()).toEqual({ type: 'limited', value: 1000 });
    expect(await client().getMessageQuotaConsumption()).toEqual({ totalUsage: standin.state.usage() });
    expect(await client().getProfile(TO)).toMatchObject({ userId: TO, displayName: '花子' });
    await expect(client().getProfile(`U${'b'.repeat(32)}`)).rejects.toMatchObject({ status: 404 });
    expect(await client().getBotInfo()).toMatchObject({ chatMode: 'bot' });
    standin.state.quotaLimit = null;
  });

  it('sends signed follow, unfollow, message and postback webhooks, and a redelivery of the same event', async () => {
    const userId = `U${'c'.repeat(32)}`;
    const specs = [
      { type: 'follow', userId },
      { type: 'message', userId, text: 'こんにちは' },
      { type: 'postback', userId, data: 'survey=light' },
      { type: 'unfollow', userId },
    ] as const;
    const deliveries = [];
    for (const spec of specs) deliveries.push(await standin.sendWebhook(spec));
    hookStatus = 500;
    const redelivered = await standin.redeliver(deliveries[1]!.event);
    hookStatus = 200;
    expect(redelivered.status).toBe(500);
    expect(received).toHaveLength(5);
    const events = received.map((r) => {
      expect(validateSignature(r.body, 'test-channel-secret', r.signature)).toBe(true);
      expect(validateSignature(r.body, 'another-secret', r.signature)).toBe(false);
      return (JSON.parse(r.body) as { destination: string; events: Record<string, unknown>[] }).events[0]!;
    });
    expect(events.map((e) => e.type)).toEqual(['follow', 'message', 'postback', 'unfollow', 'message']);
    for (const e of events) {
      expect(e).toMatchObject({ mode: 'active', source: { type: 'user', userId }, timestamp: now });
      expect(e.webhookEventId).toMatch(/^[0-9A-Z]{26}$/);
    }
    expect(events[1]).toMatchObject({
      message: { type: 'text', text: 'こんにちは' },
      deliveryContext: { isRedelivery: false },
    });
    expect(events[2]).toMatchObject({ postback: { data: 'survey=light' } });
    expect(events[4]).toMatchObject({
      webhookEventId: events[1]!.webhookEventId,
      deliveryContext: { isRedelivery: true },
    });
  });

  it('lists received messages on an HTML page', async () => {
    await client().pushMessage({
      to: TO,
      messages: [
        {
          type: 'text',
          text: '<b>新豆</b>のお知らせ',
          quickReply: { items: [{ type: 'action', action: { type: 'message', label: '見る', text: '見る' } }] },
        },
      ],
    });
    const res = await fetch(`${standin.baseURL}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('&lt;b&gt;新豆&lt;/b&gt;のお知らせ');
    expect(html).toContain('<span class="chip">見る</span>');
    expect(html).toContain(TO);
  });
});
