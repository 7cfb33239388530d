// One-click unsubscribe from a delivered email (real SMTP capture, real FerretDB): the GET page, the
// RFC 8058 POST, consent, the journal row and the event; bad tokens change nothing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { journeyStats } from '../../api/journeys/stats.js';
import { findProfile } from '../../store/customers.js';
import { appendJournal } from '../../store/journal.js';
import type { Store } from '../../store/connection.js';
import { connectTestStore } from '../support/store.js';
import { startSmtpCapture } from '../support/smtp.js';
import { addCustomer, publishTemplates, request as sendRequest, SECRET, testDelivery } from './delivery-helpers.js';

const HELLO = `subject: "{{ profile.lastName }}様、新豆が入荷しました"
html: |
  <p>{{ profile.lastName }}様</p>
  <p><a href="{{ links.shop }}">新豆を見る</a> / <a href="{{ links.unsubscribe }}">配信停止</a></p>
`;

describe('unsubscribing from a delivered email', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    await publishTemplates(store.models, 'winback', { hello: { email: HELLO } });
    await publishTemplates(store.models, 'upsell', { hello: { email: HELLO } });
  });
  afterAll(async () => {
    await smtp?.close();
    await store?.close();
  });

  const subscriber = async (id: string) =>
    addCustomer(store.models, id, { email: `${id}@example.jp`, lastName: '山田', consent: { email: 'subscribed' } });

  it('unsubscribes in one click from the link: GET page, then POST; the next send of any journey is skipped', async () => {
    await subscriber('c-unsub');
    // The customer's run of the journey whose mail carries the link (its journal so far).
    const run = 'kizuna/winback/c-unsub/run-1';
    await appendJournal(store.models, [
      {
        rowId: `${run}/0`,
        journeyId: 'winback',
        version: 1,
        customerId: 'c-unsub',
        workflowId: 'kizuna/winback/c-unsub',
        stepId: null,
        stepKind: null,
        action: 'entered',
        reason: null,
        detail: {},
        atMs: Date.UTC(2026, 0, 15),
      },
    ]);
    const delivery = testDelivery(store.models, smtp.url);
    await delivery.deliver(sendRequest({ customerId: 'c-unsub' }));
    const mail = smtp.mails.find((m) => m.to[0] === 'c-unsub@example.jp')!;
    const path = /<https:\/\/kizuna\.example\.jp(\/u\/[^>]+)>/.exec(mail.headers['list-unsubscribe']!)![1]!;
    const app = createApp({
      readiness: {},
      // The page's clock a day after the send (links expire; the send's time is the request's).
      unsubscribe: {
        models: store.models,
        secret: SECRET,
        shopName: '珈琲焙煎所きずな',
        clock: () => Date.UTC(2026, 0, 16),
      },
    });
    const page = await request(app).get(path).expect(200);
    expect(page.text).toContain('珈琲焙煎所きずな');
    expect(page.text).toContain('配信を停止しますか');
    expect(page.text).toContain('Stop receiving emails');
    expect((await findProfile(store.models, 'c-unsub'))!.consent).toMatchObject({ email: 'subscribed' });
    await request(app).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect((await findProfile(store.models, 'c-unsub'))!.consent).toMatchObject({ email: 'unsubscribed' });
    const events = await store.models.Event.find({ customerId: 'c-unsub', type: 'customer.unsubscribed' }).lean();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'unsubscribe', properties: { channel: 'email', journeyId: 'winback' } });
    await request(app).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await store.models.Event.countDocuments({ customerId: 'c-unsub', type: 'customer.unsubscribed' })).toBe(1);
    // The consent change is journaled once, in the run whose mail carried the link: no extra run in the stats.
    const journaled = await store.models.JournalRow.find({ customerId: 'c-unsub', action: 'unsubscribed' }).lean();
    expect(journaled).toHaveLength(1);
    expect(journaled[0]).toMatchObject({
      journeyId: 'winback',
      version: 1,
      reason: 'one-click',
      detail: { channel: 'email', consent: 'unsubscribed' },
    });
    expect(journaled[0]!.rowId.startsWith(`${run}/`)).toBe(true);
    expect((await journeyStats(store.models, 'winback', 1)).runs).toBe(1);
    const next = sendRequest({ customerId: 'c-unsub', journeyId: 'upsell' });
    expect(await delivery.deliver(next)).toEqual({ status: 'skipped', channel: 'email', reason: 'unsubscribed' });
    expect(smtp.mails.filter((m) => m.to[0] === 'c-unsub@example.jp')).toHaveLength(1);
    expect(await store.models.Delivery.findOne({ idempotencyKey: next.deliveryKey }).lean()).toMatchObject({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    delivery.close();
  });

  it('refuses a tampered, foreign, expired or malformed token with a 400 page and changes nothing', async () => {
    await subscriber('c-tamper');
    // The customer a forged payload names instead.
    await subscriber('c-hdr');
    const app = createApp({ readiness: {}, unsubscribe: { models: store.models, secret: SECRET, shopName: 'Shop' } });
    const { createUnsubscribeToken } = await import('../../channels/unsubscribe-token.js');
    const token = createUnsubscribeToken(
      { customerId: 'c-tamper', channel: 'email', journeyId: 'winback', issuedAtMs: Date.now() },
      SECRET,
    );
    const expired = createUnsubscribeToken(
      { customerId: 'c-tamper', channel: 'email', journeyId: 'winback', issuedAtMs: Date.now() - 2 * 86_400_000 },
      SECRET,
      86_400_000,
    );
    const [payload, signature] = token.split('.') as [string, string];
    const other = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('c-tamper', 'c-hdr')).toString(
      'base64url',
    );
    const foreign = createUnsubscribeToken(
      { customerId: 'c-tamper', channel: 'email', journeyId: 'winback', issuedAtMs: Date.now() },
      'another-shop-secret-0123456789abcdef',
    );
    const cases = [
      [`${other}.${signature}`, 'TOKEN_BAD_SIGNATURE'],
      [`${payload}.${signature.slice(0, -2)}AA`, 'TOKEN_BAD_SIGNATURE'],
      [foreign, 'TOKEN_BAD_SIGNATURE'],
      [expired, 'TOKEN_EXPIRED'],
      ['not-a-token', 'TOKEN_MALFORMED'],
      [`${payload}.`, 'TOKEN_MALFORMED'],
    ] as const;
    for (const [bad, code] of cases) {
      const res = await request(app).post(`/u/${bad}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
      expect(res.text).toContain(code);
      expect(res.text).toContain('このリンクは無効です');
      await request(app).get(`/u/${bad}`).expect(400);
    }
    await request(app).post(`/u/${token}`).type('form').send('nothing=here').expect(400);
    expect((await findProfile(store.models, 'c-tamper'))!.consent).toMatchObject({ email: 'subscribed' });
    expect((await findProfile(store.models, 'c-hdr'))!.consent).toMatchObject({ email: 'subscribed' });
    expect(
      await store.models.Event.countDocuments({
        type: 'customer.unsubscribed',
        customerId: { $in: ['c-tamper', 'c-hdr'] },
      }),
    ).toBe(0);
  });
});
