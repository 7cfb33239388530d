import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRetryableError } from '../../channels/deliver.js';
import { lineRetryKey, uuidV5, LINE_RETRY_KEY_NAMESPACE } from '../../channels/line-retry-key.js';
import { createLineSender } from '../../channels/line-sender.js';
import type { Store } from '../../store/connection.js';
import { connectTestStore } from '../support/store.js';
import { startSmtpCapture } from '../support/smtp.js';
import { addCustomer, publishTemplates, request, startStandin, testDelivery } from './delivery-helpers.js';

const WELCOME = `messages:
  - type: text
    text: |
      {{ profile.displayName }}さん、ご登録ありがとうございます☕
      {{ links.shop }}
    quickReply:
      items:
        - type: action
          action: { type: postback, label: 浅煎り, data: "survey=light&c={{ profile.customerId }}", displayText: 浅煎り }
        - type: action
          action: { type: uri, label: ショップ, uri: "{{ links.shop }}" }
  - type: flex
    altText: "{{ profile.displayName }}さんへのおすすめ"
    contents:
      type: bubble
      body:
        type: box
        layout: vertical
        contents:
          - { type: text, text: "{{ event.productName | default: '新豆' }}", weight: bold }
          - type: button
            action: { type: uri, label: 見る, uri: "{{ links.shop }}beans" }
  - type: sticker
    packageId: "446"
    stickerId: "1988"
`;
const BROKEN = `messages:
  - type: template
    altText: お知らせ
    template:
      type: buttons
      text: "{{ profile.displayName }}"
      actions:
        - { type: uri, label: 開く, uri: "{{ profile.nickname }}" }
`;
const MEDIA = `messages:
  - type: image
    originalContentUrl: "https://cdn.example.jp/{{ profile.customerId }}/beans.jpg"
    previewImageUrl: https://cdn.example.jp/beans-preview.jpg
  - type: imagemap
    baseUrl: https://cdn.example.jp/map
    altText: "{{ profile.displayName }}さんへのクーポン"
    baseSize: { width: 1040, height: 1040 }
    actions:
      - { type: uri, linkUri: "{{ links.shop }}coupon", area: { x: 0, y: 0, width: 1040, height: 1040 } }
  - type: textV2
    text: "{{ profile.displayName }}さん {shop}"
    substitution:
      shop: { type: emoji, productId: 5ac1bfd5040ab15980c9b435, emojiId: "001" }
  - type: template
    altText: ご意見をお聞かせください
    template:
      type: confirm
      text: "{{ profile.displayName }}さん、新豆はいかがでしたか？"
      actions:
        - { type: postback, label: よかった, data: "fb=good" }
        - { type: message, label: いまいち, text: いまいち }
`;
const EMAIL = `subject: hi
html: "<p>hi {{ links.unsubscribe }}</p>"
`;

const user = (n: number) => `U${n.toString(16).padStart(32, '0')}`;

describe('delivering LINE messages through deliver() to the LINE stand-in', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let standin: Awaited<ReturnType<typeof startStandin>>;
  let seq = 0;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    standin = await startStandin();
    await publishTemplates(store.models, 'winback', {
      hello: { line: WELCOME, email: EMAIL },
      broken: { line: BROKEN },
      media: { line: MEDIA },
    });
  });
  afterAll(async () => {
    await standin.close();
    await smtp.close();
    await store.close();
  });

  const follower = async (consent = 'following') => {
    const id = `c-line-${++seq}`;
    await addCustomer(store.models, id, {
      lineUserId: user(seq),
      displayName: '花子',
      email: `${id}@example.jp`,
      consent: { line: consent, email: 'subscribed' },
    });
    return { id, userId: user(seq) };
  };
  const delivery = (over = {}) => testDelivery(store.models, smtp.url, over, standin.baseURL);
  const pushesTo = (userId: string) => standin.pushes.filter((p) => p.to === userId);

  it('pushes the exact rendered body under the UUID v5 retry key of the delivery key', async () => {
    const { id, userId } = await follower();
    const req = request({ customerId: id, channel: 'preferred' });
    const outcome = await delivery().deliver(req);
    const [push] = pushesTo(userId);
    expect(outcome).toEqual({ status: 'sent', channel: 'line', providerId: push!.requestId });
    expect(push!.retryKey).toBe(uuidV5(req.deliveryKey, LINE_RETRY_KEY_NAMESPACE));
    expect(push!.retryKey).toBe(lineRetryKey(req.deliveryKey));
    expect(push!.body).toEqual({
      to: userId,
      messages: [
        {
          type: 'text',
          text: '花子さん、ご登録ありがとうございます☕\nhttps://shop.example.jp/',
          quickReply: {
            items: [
              {
                type: 'action',
                action: { type: 'postback', label: '浅煎り', data: `survey=light&c=${id}`, displayText: '浅煎り' },
              },
              { type: 'action', action: { type: 'uri', label: 'ショップ', uri: 'https://shop.example.jp/' } },
            ],
          },
        },
        {
          type: 'flex',
          altText: '花子さんへのおすすめ',
          contents: {
            type: 'bubble',
            body: {
              type: 'box',
              layout: 'vertical',
              contents: [
                { type: 'text', text: '新豆', weight: 'bold' },
                { type: 'button', action: { type: 'uri', label: '見る', uri: 'https://shop.example.jp/beans' } },
              ],
            },
          },
        },
        { type: 'sticker', packageId: '446', stickerId: '1988' },
      ],
    });
    expect(await store.models.Delivery.findOne({ idempotencyKey: req.deliveryKey }).lean()).toMatchObject({
      status: 'sent',
      channel: 'line',
      providerMessageId: push!.requestId,
    });
  });

  it('LINE 500 twice, then OK: two retryable failures and one message', async () => {
    const { id, userId } = await follower();
    const req = request({ customerId: id, channel: 'line' });
    standin.fault({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const d = delivery();
    for (let i = 0; i < 2; i++) {
      await expect(d.deliver(req)).rejects.toMatchObject({ code: 'LINE_UNAVAILABLE' });
    }
    expect(await d.deliver(req)).toMatchObject({ status: 'sent', channel: 'line' });
    expect(pushesTo(userId)).toHaveLength(1);
    expect(standin.state.retryKeyHits.get(lineRetryKey(req.deliveryKey))).toBe(3);
  });

  it('429 answers a retryable error that carries Retry-After', async () => {
    const { id, userId } = await follower();
    const req = request({ customerId: id, channel: 'line' });
    standin.fault({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    const err = await delivery()
      .deliver(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryRetryableError);
    expect(err).toMatchObject({ code: 'LINE_RATE_LIMITED', retryAfterMs: 7000 });
    expect(pushesTo(userId)).toHaveLength(0);
    expect(await delivery().deliver(req)).toMatchObject({ status: 'sent' });
    expect(pushesTo(userId)).toHaveLength(1);
  });

  it('the monthly limit fails the send with its own reason, not a retry', async () => {
    const { id } = await follower();
    standin.fault({ kind: 'monthly-limit' });
    const outcome = await delivery().deliver(request({ customerId: id, channel: 'line' }));
    expect(outcome).toMatchObject({ status: 'failed', channel: 'line', reason: 'monthly-limit' });
  });

  it('a crash after LINE accepted: the retry gets 409, the customer one message, the ledger says sent', async () => {
    const { id, userId } = await follower();
    const req = request({ customerId: id, channel: 'line' });
    standin.fault({ kind: 'drop-after-accept' });
    await expect(delivery().deliver(req)).rejects.toMatchObject({ code: 'LINE_UNAVAILABLE' });
    expect(pushesTo(userId)).toHaveLength(1);
    const outcome = await delivery().deliver(req);
    expect(outcome).toEqual({ status: 'sent', channel: 'line', providerId: pushesTo(userId)[0]!.requestId });
    expect(standin.state.retryKeyHits.get(lineRetryKey(req.deliveryKey))).toBe(2);
    expect(pushesTo(userId)).toHaveLength(1);
    expect(await store.models.Delivery.findOne({ idempotencyKey: req.deliveryKey }).lean()).toMatchObject({
      status: 'sent',
      attempt: 2,
      providerResponse: expect.stringContaining('409') as unknown,
    });
  });

  it('a process that died mid-call holds its lease; after it expires the retry takes over once', async () => {
    const { id, userId } = await follower();
    const req = request({ customerId: id, channel: 'line' });
    let now = 1_000_000;
    const clock = () => now;
    standin.fault({ kind: 'drop-after-accept' });
    await expect(delivery({ clock }).deliver(req)).rejects.toBeInstanceOf(DeliveryRetryableError);
    // As if the worker had died during the push: its lease was never released.
    await store.models.Delivery.updateOne(
      { idempotencyKey: req.deliveryKey },
      { $set: { leaseUntilMs: now + 90_000 } },
    );
    await expect(delivery({ clock }).deliver(req)).rejects.toMatchObject({
      code: 'DELIVERY_IN_PROGRESS',
      retryAfterMs: 90_000,
    });
    now += 90_001;
    const both = await Promise.allSettled([delivery({ clock }).deliver(req), delivery({ clock }).deliver(req)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(pushesTo(userId)).toHaveLength(1);
    expect(standin.state.retryKeyHits.get(lineRetryKey(req.deliveryKey))).toBe(2);
  });

  it('two concurrent attempts of one delivery key make one LINE call', async () => {
    const { id, userId } = await follower();
    const req = request({ customerId: id, channel: 'line' });
    standin.fault({ kind: 'latency', ms: 200 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => delivery().deliver(req)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(standin.state.retryKeyHits.get(lineRetryKey(req.deliveryKey))).toBe(1);
    expect(pushesTo(userId)).toHaveLength(1);
  });

  it('blocked, not following and id-less customers get nothing; preferred falls to email', async () => {
    const blocked = await follower('blocked');
    const unknown = await follower('unknown');
    await addCustomer(store.models, 'c-noid', { consent: { line: 'following' } });
    const d = delivery();
    expect(await d.deliver(request({ customerId: blocked.id, channel: 'line' }))).toMatchObject({
      status: 'skipped',
      reason: 'blocked',
    });
    expect(await d.deliver(request({ customerId: unknown.id, channel: 'line' }))).toMatchObject({
      status: 'skipped',
      reason: 'not-following',
    });
    expect(await d.deliver(request({ customerId: 'c-noid', channel: 'line' }))).toMatchObject({
      status: 'skipped',
      reason: 'no-address',
    });
    expect(pushesTo(blocked.userId)).toHaveLength(0);
    expect(pushesTo(unknown.userId)).toHaveLength(0);
    expect(await d.deliver(request({ customerId: blocked.id, channel: 'preferred' }))).toMatchObject({
      status: 'sent',
      channel: 'email',
    });
    expect(smtp.mails.filter((m) => m.to[0] === `${blocked.id}@example.jp`)).toHaveLength(1);
  });

  it("a body LINE refuses fails with LINE's message and details; a refused token is a loud configuration error", async () => {
    const { id } = await follower();
    const outcome = await delivery().deliver(request({ customerId: id, channel: 'line', template: 'broken' }));
    expect(outcome).toMatchObject({ status: 'failed', channel: 'line', reason: 'line-400' });
    expect(outcome).toHaveProperty(
      'detail',
      expect.stringContaining(
        'LINE 400: The request body has 1 error(s) (messages[0].template.actions[0].uri: must be non-empty text)',
      ) as unknown,
    );
    const loud: string[] = [];
    const d = testDelivery(store.models, smtp.url, {
      line: createLineSender({ channelAccessToken: 'wrong', baseURL: standin.baseURL }),
      onConfigError: (m) => loud.push(m),
    });
    const { id: id2 } = await follower();
    expect(await d.deliver(request({ customerId: id2, channel: 'line' }))).toMatchObject({
      status: 'failed',
      reason: 'line-config',
    });
    expect(loud[0]).toContain('LINE 401');
    d.close();
  });

  it('renders image, imagemap, textV2 and template messages with Liquid in every string', async () => {
    const { id, userId } = await follower();
    expect(await delivery().deliver(request({ customerId: id, channel: 'line', template: 'media' }))).toMatchObject({
      status: 'sent',
    });
    const [push] = pushesTo(userId);
    expect(push!.messages).toEqual([
      {
        type: 'image',
        originalContentUrl: `https://cdn.example.jp/${id}/beans.jpg`,
        previewImageUrl: 'https://cdn.example.jp/beans-preview.jpg',
      },
      {
        type: 'imagemap',
        baseUrl: 'https://cdn.example.jp/map',
        altText: '花子さんへのクーポン',
        baseSize: { width: 1040, height: 1040 },
        actions: [
          { type: 'uri', linkUri: 'https://shop.example.jp/coupon', area: { x: 0, y: 0, width: 1040, height: 1040 } },
        ],
      },
      {
        type: 'textV2',
        text: '花子さん {shop}',
        substitution: { shop: { type: 'emoji', productId: '5ac1bfd5040ab15980c9b435', emojiId: '001' } },
      },
      {
        type: 'template',
        altText: 'ご意見をお聞かせください',
        template: {
          type: 'confirm',
          text: '花子さん、新豆はいかがでしたか？',
          actions: [
            { type: 'postback', label: 'よかった', data: 'fb=good' },
            { type: 'message', label: 'いまいち', text: 'いまいち' },
          ],
        },
      },
    ]);
  });
});
