// RFC 8058 one-click unsubscribe as mail providers send it: multipart/form-data (real FerretDB, the link
// taken from a mail delivered through a real SMTP capture).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { findProfile } from '../../store/customers.js';
import type { Store } from '../../store/connection.js';
import { connectTestStore } from '../support/store.js';
import { startSmtpCapture } from '../support/smtp.js';
import { addCustomer, publishTemplates, request as sendRequest, SECRET, testDelivery } from './delivery-helpers.js';

const HELLO = `subject: "新豆が入荷しました"
html: |
  <p><a href="{{ links.unsubscribe }}">配信停止</a></p>
`;

describe('one-click unsubscribe with a multipart/form-data body', () => {
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

  /** A subscribed customer, mailed once; the path of the mail's List-Unsubscribe link. */
  async function mailedLink(customerId: string): Promise<string> {
    await addCustomer(store.models, customerId, {
      email: `${customerId}@example.jp`,
      consent: { email: 'subscribed' },
    });
    const delivery = testDelivery(store.models, smtp.url);
    await delivery.deliver(sendRequest({ customerId }));
    delivery.close();
    const mail = smtp.mails.find((m) => m.to[0] === `${customerId}@example.jp`)!;
    return /<https:\/\/kizuna\.example\.jp(\/u\/[^>]+)>/.exec(mail.headers['list-unsubscribe']!)![1]!;
  }

  // The pages' clock a day after the send: links expire, and the send's time is the request's.
  const app = () =>
    createApp({
      readiness: {},
      unsubscribe: { models: store.models, secret: SECRET, shopName: 'Shop', clock: () => Date.UTC(2026, 0, 16) },
    });

  it('unsubscribes on List-Unsubscribe=One-Click sent as multipart/form-data', async () => {
    const path = await mailedLink('c-multipart');
    const res = await request(app()).post(path).field('List-Unsubscribe', 'One-Click');
    expect(res.status).toBe(200);
    expect((await findProfile(store.models, 'c-multipart'))!.consent).toMatchObject({ email: 'unsubscribed' });
    expect(await store.models.Event.countDocuments({ customerId: 'c-multipart', type: 'customer.unsubscribed' })).toBe(
      1,
    );
  });

  it('refuses a multipart body without the field, or a malformed one, and changes nothing', async () => {
    const path = await mailedLink('c-multipart-bad');
    const other = await request(app()).post(path).field('List-Unsubscribe', 'Nope');
    expect(other.status).toBe(400);
    expect(other.text).toContain('ONE_CLICK_BODY_MISSING');
    const unclosed = await request(app())
      .post(path)
      .set('content-type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n');
    expect(unclosed.status).toBe(400);
    const huge = await request(app()).post(path).field('pad', 'x'.repeat(4_000)).field('List-Unsubscribe', 'One-Click');
    expect(huge.status).toBe(413);
    expect((await findProfile(store.models, 'c-multipart-bad'))!.consent).toMatchObject({ email: 'subscribed' });
  });
});
