// The worker's delivery as `deliveryFromEnv` builds it from the environment: DKIM, Reply-To, the shop's
// name in the From, and unsubscribe links signed with the configured secret, on a real SMTP server.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFromEnv } from '../../channels/delivery-config.js';
import { verifyUnsubscribeToken } from '../../channels/unsubscribe-token.js';
import type { Store } from '../../store/connection.js';
import { startSmtpCapture } from '../support/smtp.js';
import { connectTestStore } from '../support/store.js';
import { addCustomer, publishTemplates, request } from './delivery-helpers.js';

const HELLO = `subject: お知らせ
html: '<p>{{ profile.lastName }}様</p><p><a href="{{ links.shop }}">ショップ</a> <a href="{{ links.unsubscribe }}">配信停止</a></p>'
`;
const SECRET = 'an-env-unsubscribe-secret-of-32-bytes-or-more';

describe('the delivery built from the environment', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    await publishTemplates(store.models, 'winback', { hello: { email: HELLO } });
  });
  afterAll(async () => {
    await smtp?.close();
    await store?.close();
  });

  it('signs with DKIM, sets Reply-To and the From of SHOP_NAME, and links to PUBLIC_BASE_URL', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const delivery = deliveryFromEnv(
      {
        SMTP_URL: smtp.url,
        MAIL_REPLY_TO: 'support@shop.example.jp',
        DKIM_DOMAIN: 'shop.example.jp',
        DKIM_SELECTOR: 'kizuna',
        DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        PUBLIC_BASE_URL: 'https://kizuna.shop.example.jp',
        UNSUBSCRIBE_SECRET: SECRET,
        SHOP_NAME: 'Kizuna Roasters',
        SHOP_URL: 'https://shop.example.jp/',
      },
      store.models,
    );
    await addCustomer(store.models, 'c-env', {
      email: 'c-env@example.jp',
      lastName: '佐藤',
      consent: { email: 'subscribed' },
    });
    const outcome = await delivery.deliver(request({ customerId: 'c-env', template: 'hello' }));
    delivery.close();
    expect(outcome).toMatchObject({ status: 'sent', channel: 'email' });
    const mail = smtp.mails.find((m) => m.to[0] === 'c-env@example.jp')!;
    expect(mail.headers['dkim-signature']).toMatch(/d=shop\.example\.jp;.*s=kizuna;/s);
    expect(mail.headers['reply-to']).toBe('support@shop.example.jp');
    expect(mail.headers['from']).toBe('Kizuna Roasters <no-reply@kizuna.local>');
    expect(mail.html).toContain('href="https://shop.example.jp/"');
    const link = /<https:\/\/kizuna\.shop\.example\.jp\/u\/([^>]+)>/.exec(mail.headers['list-unsubscribe'] ?? '');
    expect(link).not.toBeNull();
    // Checked the day after the send: the request's clock, not today's (links expire after 180 days).
    const nowMs = Date.UTC(2026, 0, 16);
    expect(verifyUnsubscribeToken(link![1]!, SECRET, { nowMs })).toMatchObject({
      customerId: 'c-env',
      channel: 'email',
    });
  });
});
