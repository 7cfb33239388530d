import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capRetryAt } from '../../definitions/consent.js';
import type { Store } from '../../store/connection.js';
import { releaseSlot, reserveSlot } from '../../store/delivery-slots.js';
import { connectTestStore } from '../support/store.js';
import { startSmtpCapture } from '../support/smtp.js';
import { addCustomer, publishTemplates, request, testDelivery } from './delivery-helpers.js';

const EMAIL = `subject: hi
html: "<p>hi</p>"
`;
const DAY = 24 * 60 * 60 * 1000;
const JOURNEYS = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'];

describe('the frequency cap across journeys, on FerretDB (no transactions)', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    for (const j of JOURNEYS) await publishTemplates(store.models, j, { hello: { email: EMAIL } });
  });
  afterAll(async () => {
    await smtp.close();
    await store.close();
  });

  const customer = async (id: string) =>
    addCustomer(store.models, id, { email: `${id}@example.jp`, consent: { email: 'subscribed' } });
  const mailsTo = (id: string) => smtp.mails.filter((m) => m.to[0] === `${id}@example.jp`);

  it('journeys racing for the last slot: exactly one sends, the others are capped until the slot frees', async () => {
    await customer('c-cap');
    const cap = { max: 2, perMs: 7 * DAY };
    const t0 = Date.UTC(2026, 0, 1);
    const delivery = testDelivery(store.models, smtp.url);
    expect(await delivery.deliver(request({ customerId: 'c-cap', journeyId: 'j1', cap, nowMs: t0 }))).toMatchObject({
      status: 'sent',
    });
    for (let round = 0; round < 3; round++) {
      const id = `c-race-${round}`;
      await customer(id);
      await delivery.deliver(request({ customerId: id, journeyId: 'j1', cap, nowMs: t0 }));
      const racers = JOURNEYS.slice(1).map((journeyId) =>
        delivery.deliver(request({ customerId: id, journeyId, cap, nowMs: t0 + DAY })),
      );
      const outcomes = await Promise.all(racers);
      expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
      const capped = outcomes.filter((o) => o.status === 'capped');
      expect(capped).toHaveLength(4);
      for (const o of capped) expect(o).toEqual({ status: 'capped', channel: 'email', retryAtMs: t0 + 7 * DAY });
      expect(mailsTo(id)).toHaveLength(2);
    }
    delivery.close();
  });

  it('a capped send goes out once the window has moved; sends of uncapped journeys count too', async () => {
    await customer('c-window');
    const cap = { max: 1, perMs: DAY };
    const t0 = Date.UTC(2026, 1, 1);
    const delivery = testDelivery(store.models, smtp.url);
    await delivery.deliver(request({ customerId: 'c-window', journeyId: 'j1', cap: null, nowMs: t0 }));
    const deferred = request({ customerId: 'c-window', journeyId: 'j2', cap, nowMs: t0 + 1000 });
    expect(await delivery.deliver(deferred)).toEqual({ status: 'capped', channel: 'email', retryAtMs: t0 + DAY });
    expect(await delivery.deliver({ ...deferred, nowMs: t0 + DAY })).toMatchObject({ status: 'sent' });
    expect(mailsTo('c-window')).toHaveLength(2);
    delivery.close();
  });

  it('answers the retry time of the shared cap rule, also when a released slot lies in the window', async () => {
    const cap = { max: 2, perMs: DAY };
    const t0 = Date.UTC(2026, 2, 1);
    const slot = (key: string, nowMs: number) =>
      reserveSlot(store.models, { customerId: 'c-released', channel: 'email', key, cap, nowMs });
    expect(await slot('k1', t0)).toMatchObject({ kind: 'reserved' });
    const lost = await slot('k2', t0 + 1000);
    // The send of k2 lost its delivery key to another attempt: its slot is given back.
    if (lost.kind !== 'reserved') throw new Error('k2 was not reserved');
    await releaseSlot(store.models, lost.slotId);
    expect(await slot('k3', t0 + 2000)).toMatchObject({ kind: 'reserved' });
    // Two live sends in the window (t0 and t0 + 2 s): a slot frees when the one at t0 leaves it.
    const answer = await slot('k4', t0 + 3000);
    expect(answer).toEqual({ kind: 'capped', retryAtMs: capRetryAt([t0, t0 + 2000], cap, t0 + 3000) });
    expect(answer).toEqual({ kind: 'capped', retryAtMs: t0 + DAY });
  });
});
