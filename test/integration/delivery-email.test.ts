import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRetryableError } from '../../channels/deliver.js';
import { lineRetryKey } from '../../channels/line-retry-key.js';
import { findProfile } from '../../store/customers.js';
import type { Store } from '../../store/connection.js';
import { connectTestStore } from '../support/store.js';
import { startSmtpCapture } from '../support/smtp.js';
import { addCustomer, publishTemplates, request as sendRequest, testDelivery } from './delivery-helpers.js';

const HELLO = `subject: "{{ profile.lastName }}様、新豆が入荷しました"
html: |
  <style>.lead { color: #a0522d; }</style>
  <p class="lead">{{ profile.lastName }}様</p>
  <p>{{ event.productName | default: '前回の豆' }}はいかがでしたか？</p>
  <p><a href="{{ links.shop }}">新豆を見る</a> / <a href="{{ links.unsubscribe }}">配信停止</a></p>
`;
const WITH_TEXT = `subject: お知らせ
html: "<p>HTML {{ profile.lastName }}</p>"
text: "TEXT {{ profile.lastName }} {{ links.unsubscribe }}"
`;
const MJML = `subject: MJML
mjml: |
  <mjml><mj-body><mj-section><mj-column>
  <mj-text>こんにちは {{ profile.lastName }} さん</mj-text>
  </mj-column></mj-section></mj-body></mjml>
`;

describe('delivering email through deliver() to a real SMTP server', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture({
      refuseRecipient: (a) => (a.startsWith('nobody@') ? { code: 550, message: '5.1.1 <nobody@> User unknown' } : null),
    });
    await publishTemplates(store.models, 'winback', {
      hello: { email: HELLO },
      text: { email: WITH_TEXT },
      mj: { email: MJML },
    });
    await publishTemplates(store.models, 'upsell', { hello: { email: HELLO } });
  });
  afterAll(async () => {
    await smtp.close();
    await store.close();
  });

  const subscriber = async (id: string, extra: Record<string, unknown> = {}) =>
    addCustomer(store.models, id, {
      email: `${id}@example.jp`,
      lastName: '山田 <&>',
      consent: { email: 'subscribed' },
      ...extra,
    });

  it('sends one email with the rendered parts, a deterministic Message-ID and one-click unsubscribe headers', async () => {
    await subscriber('c-hdr');
    await store.models.Event.collection.insertOne({
      source: 'api',
      idempotencyKey: 'e-1',
      eventId: 'e-1',
      customerId: 'c-hdr',
      type: 'order.completed',
      occurredAt: new Date(),
      properties: { productName: 'エチオピア' },
    });
    const delivery = testDelivery(store.models, smtp.url);
    const req = sendRequest({ customerId: 'c-hdr', entryEventId: 'e-1' });
    const outcome = await delivery.deliver(req);
    const digest = createHash('sha256').update(req.deliveryKey).digest('hex').slice(0, 40);
    expect(outcome).toEqual({ status: 'sent', channel: 'email', providerId: `<kizuna.${digest}@shop.example.jp>` });
    const mail = smtp.mails.find((m) => m.to[0] === 'c-hdr@example.jp')!;
    expect(mail.subject).toBe('山田 <&>様、新豆が入荷しました');
    expect(mail.messageId).toBe(`<kizuna.${digest}@shop.example.jp>`);
    expect(mail.headers['from']).toContain('news@shop.example.jp');
    expect(mail.headers['reply-to']).toBe('support@shop.example.jp');
    expect(mail.html).toContain('<p class="lead" style="color: #a0522d;">山田 &lt;&amp;&gt;様</p>');
    expect(mail.html).toContain('エチオピアはいかがでしたか？');
    expect(mail.text).toContain('山田 <&>様');
    expect(mail.text).toContain('エチオピアはいかがでしたか？');
    const unsubscribe =
      /<(https:\/\/kizuna\.example\.jp\/u\/[\w-]+\.[\w-]+)>, <mailto:unsubscribe@shop\.example\.jp\?subject=[^>]+>/.exec(
        mail.headers['list-unsubscribe']!,
      );
    expect(unsubscribe).not.toBeNull();
    expect(mail.html).toContain(`href="${unsubscribe![1]}"`);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const row = await store.models.Delivery.findOne({ idempotencyKey: req.deliveryKey }).lean();
    expect(row).toMatchObject({
      status: 'sent',
      channel: 'email',
      journeyId: 'winback',
      version: 1,
      stepId: 'send-1',
      template: 'hello',
    });
    expect(row!.providerResponse).toMatch(/^250/);
    expect(await delivery.deliver(req)).toEqual(outcome);
    expect(smtp.mails.filter((m) => m.to[0] === 'c-hdr@example.jp')).toHaveLength(1);
    delivery.close();
  });

  it('uses the template text part when it has one and renders MJML', async () => {
    await subscriber('c-parts');
    const delivery = testDelivery(store.models, smtp.url);
    await delivery.deliver(sendRequest({ customerId: 'c-parts', template: 'text' }));
    await delivery.deliver(sendRequest({ customerId: 'c-parts', template: 'mj' }));
    const [text, mj] = smtp.mails.filter((m) => m.to[0] === 'c-parts@example.jp');
    expect(text!.text).toMatch(/^TEXT 山田 <&> https:\/\/kizuna\.example\.jp\/u\//);
    expect(mj!.html).toContain('こんにちは 山田 &lt;&amp;&gt; さん');
    expect(mj!.text).toContain('こんにちは 山田 <&> さん');
    delivery.close();
  });

  it('skips unsubscribed, bounced, never-asked and address-less customers with the reason in the ledger', async () => {
    await subscriber('c-off', { consent: { email: 'unsubscribed' } });
    await subscriber('c-bounced', { consent: { email: 'bounced' } });
    await addCustomer(store.models, 'c-unknown', { email: 'c-unknown@example.jp' });
    await addCustomer(store.models, 'c-noaddr', { consent: { email: 'subscribed' } });
    const delivery = testDelivery(store.models, smtp.url);
    const before = smtp.mails.length;
    const cases = [
      ['c-off', 'unsubscribed'],
      ['c-bounced', 'bounced'],
      ['c-unknown', 'no-consent'],
      ['c-noaddr', 'no-address'],
      ['c-ghost', 'unknown-customer'],
    ] as const;
    for (const [customerId, reason] of cases) {
      const req = sendRequest({ customerId });
      const outcome = await delivery.deliver(req);
      expect(outcome).toMatchObject({ status: 'skipped', reason });
      expect(await store.models.Delivery.findOne({ idempotencyKey: req.deliveryKey }).lean()).toMatchObject({
        status: 'skipped',
        reason,
      });
    }
    expect(smtp.mails.length).toBe(before);
    delivery.close();
  });

  it('marks an address the server refuses (550) as bounced, and the next send is skipped', async () => {
    await addCustomer(store.models, 'c-550', { email: 'nobody@example.jp', consent: { email: 'subscribed' } });
    const delivery = testDelivery(store.models, smtp.url);
    const outcome = await delivery.deliver(sendRequest({ customerId: 'c-550' }));
    expect(outcome).toMatchObject({ status: 'failed', channel: 'email', reason: 'bounced' });
    expect((await findProfile(store.models, 'c-550'))!.consent).toMatchObject({ email: 'bounced' });
    expect(await delivery.deliver(sendRequest({ customerId: 'c-550' }))).toMatchObject({
      status: 'skipped',
      reason: 'bounced',
    });
    delivery.close();
  });

  it('SMTP down, then up: the first attempt is retryable, the retry sends exactly one email', async () => {
    await subscriber('c-down');
    const { freePort } = await import('../../scripts/servers.js');
    const port = await freePort();
    const delivery = testDelivery(store.models, `smtp://127.0.0.1:${port}`);
    const req = sendRequest({ customerId: 'c-down' });
    const first = await delivery.deliver(req).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(DeliveryRetryableError);
    expect(first).toMatchObject({ code: 'EMAIL_UNAVAILABLE' });
    expect(await store.models.Delivery.findOne({ idempotencyKey: req.deliveryKey }).lean()).toMatchObject({
      status: 'pending',
      uncertain: false,
      leaseUntilMs: 0,
    });
    const late = await startSmtpCapture({ port });
    try {
      expect(await delivery.deliver(req)).toMatchObject({ status: 'sent' });
      expect(await delivery.deliver(req)).toMatchObject({ status: 'sent' });
      expect(late.mails).toHaveLength(1);
    } finally {
      delivery.close();
      await late.close();
    }
  });

  it('two concurrent attempts of one delivery key make one SMTP call', async () => {
    await subscriber('c-race');
    const delivery = testDelivery(store.models, smtp.url);
    const req = sendRequest({ customerId: 'c-race' });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => delivery.deliver(req)));
    const sent = results.filter((r) => r.status === 'fulfilled');
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DELIVERY_IN_PROGRESS' });
    }
    expect(await delivery.deliver(req)).toMatchObject({ status: 'sent' });
    expect(smtp.mails.filter((m) => m.to[0] === 'c-race@example.jp')).toHaveLength(1);
    expect(lineRetryKey(req.deliveryKey)).toMatch(/^[0-9a-f-]{36}$/);
    delivery.close();
  });

  it("signs with DKIM and uses the journey's own From / Reply-To when configured", async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { createSmtpTransport } = await import('../../channels/email-transport.js');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await subscriber('c-dkim');
    const delivery = testDelivery(store.models, smtp.url, {
      email: createSmtpTransport({
        url: smtp.url,
        dkim: {
          domainName: 'shop.example.jp',
          keySelector: 'kizuna',
          privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      }),
      senders: { upsell: { from: 'Upsell <upsell@brand.example.jp>', replyTo: 'care@brand.example.jp' } },
    });
    const outcome = await delivery.deliver(sendRequest({ customerId: 'c-dkim', journeyId: 'upsell' }));
    expect(outcome).toMatchObject({
      status: 'sent',
      providerId: expect.stringMatching(/@brand\.example\.jp>$/) as unknown,
    });
    const mail = smtp.mails.find((m) => m.to[0] === 'c-dkim@example.jp')!;
    expect(mail.headers['dkim-signature']).toMatch(/d=shop\.example\.jp;.*s=kizuna;/s);
    expect(mail.headers['from']).toContain('upsell@brand.example.jp');
    expect(mail.headers['reply-to']).toBe('care@brand.example.jp');
    delivery.close();
  });

  it('a 4xx answer is retryable and nothing is recorded as sent', async () => {
    await addCustomer(store.models, 'c-451', { email: 'later@example.jp', consent: { email: 'subscribed' } });
    const delivery = testDelivery(store.models, smtp.url);
    const busy = await startSmtpCapture({ refuseRecipient: () => ({ code: 451, message: '4.3.0 try again later' }) });
    const busyDelivery = testDelivery(store.models, busy.url);
    const req = sendRequest({ customerId: 'c-451' });
    await expect(busyDelivery.deliver(req)).rejects.toMatchObject({ code: 'EMAIL_UNAVAILABLE' });
    expect(await store.models.Delivery.findById(req.deliveryKey).lean()).toMatchObject({
      status: 'pending',
      uncertain: false,
    });
    expect(await delivery.deliver(req)).toMatchObject({ status: 'sent' });
    expect(busy.mails).toHaveLength(0);
    busyDelivery.close();
    delivery.close();
    await busy.close();
  });

  it('a timeout after the message was handed over: the default resends with the same Message-ID, `fail` does not', async () => {
    const { SMTPServer } = await import('smtp-server');
    const { freePort } = await import('../../scripts/servers.js');
    const port = await freePort();
    // Takes the whole message, then never answers: the client cannot know whether it was accepted.
    const silent = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream) => stream.resume(),
    });
    await new Promise<void>((ok) => silent.listen(port, '127.0.0.1', ok));
    const { createSmtpTransport } = await import('../../channels/email-transport.js');
    const slow = (url: string) => createSmtpTransport({ url, socketTimeoutMs: 500 });
    await subscriber('c-unsure');
    let now = 5_000_000;
    const clock = () => now;
    const resend = sendRequest({ customerId: 'c-unsure' });
    const atMostOnce = sendRequest({ customerId: 'c-unsure' });
    for (const req of [resend, atMostOnce]) {
      const d = testDelivery(store.models, smtp.url, { email: slow(`smtp://127.0.0.1:${port}`), clock });
      await expect(d.deliver(req)).rejects.toMatchObject({ code: 'EMAIL_UNAVAILABLE' });
      expect(await store.models.Delivery.findById(req.deliveryKey).lean()).toMatchObject({
        status: 'pending',
        uncertain: true,
      });
      d.close();
    }
    await new Promise<void>((ok) => silent.close(() => ok()));
    now += 1000;
    const again = testDelivery(store.models, smtp.url, { clock });
    expect(await again.deliver(resend)).toMatchObject({ status: 'sent' });
    const failing = testDelivery(store.models, smtp.url, { clock, emailUncertain: 'fail' });
    expect(await failing.deliver(atMostOnce)).toMatchObject({ status: 'failed', reason: 'outcome-unknown' });
    expect(smtp.mails.filter((m) => m.to[0] === 'c-unsure@example.jp')).toHaveLength(1);
    again.close();
    failing.close();
  });
});
