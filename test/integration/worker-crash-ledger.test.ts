// The send's own crash window, taken apart: the provider has accepted the message and the ledger write
// that records it fails (FerretDB answers SQLITE_BUSY under load; MongoDB fails writes during an
// election). The activity is then retried with the same delivery key. The store's refusals are
// injected on the real FerretDB connection; the SMTP capture and the LINE stand-in are real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRequest } from '../../channels/deliver.js';
import type { Store } from '../../store/connection.js';
import type { Models } from '../../store/models/index.js';
import { startSmtpCapture } from '../support/smtp.js';
import { connectTestStore } from '../support/store.js';
import { publishTestJourney } from '../support/test-journeys.js';
import { createCustomers, emailThenLine, lineUserIdOf } from '../support/worker-processes.js';
import { startStandin, testDelivery } from './delivery-helpers.js';

type Update = { $set?: Record<string, unknown> };

/** `models` whose `Delivery.updateOne` rejects, as a busy store does, while `refuse(update)` says so. */
function refusingLedger(models: Models, refuse: (update: Update) => boolean): Models {
  const Delivery = new Proxy(models.Delivery, {
    get(target, prop, receiver) {
      if (prop === 'updateOne') {
        return (filter: unknown, update: Update) =>
          refuse(update)
            ? Promise.reject(Object.assign(new Error('database is locked (5) (SQLITE_BUSY)'), { code: 1 }))
            : target.updateOne(filter as never, update);
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...models, Delivery };
}

describe('a ledger write that fails after the provider accepted', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let standin: Awaited<ReturnType<typeof startStandin>>;
  let version: number;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    standin = await startStandin();
    ({ version } = await publishTestJourney(store.models, emailThenLine('ledger-faults', null)));
  });

  afterAll(async () => {
    await standin?.close();
    await smtp?.close();
    await store?.close();
  });

  const request = (customerId: string, channel: 'email' | 'line'): DeliveryRequest => ({
    deliveryKey: `kizuna/ledger-faults/${customerId}/start:1/${channel}/1/0`,
    journeyId: 'ledger-faults',
    version,
    stepId: channel === 'email' ? 'mail' : 'line',
    template: channel === 'email' ? 'winback-1' : 'line-welcome',
    channel,
    customerId,
    entryEventId: null,
    cap: null,
    nowMs: Date.now(),
  });

  it('email: the retry of the send does not hand the message to SMTP again', async () => {
    const [customerId] = await createCustomers(store, 'busy-sent', 1);
    let refusals = 1;
    const refuse = (u: Update) => u.$set?.status === 'sent' && refusals-- > 0;
    const delivery = testDelivery(refusingLedger(store.models, refuse), smtp.url, { leaseMs: 100 });
    const req = request(customerId!, 'email');
    await expect(delivery.deliver(req)).rejects.toThrow(/SQLITE_BUSY/);
    await new Promise((ok) => setTimeout(ok, 200));
    expect(await delivery.deliver(req)).toMatchObject({ status: 'sent', channel: 'email' });
    delivery.close();
    expect(smtp.mails.filter((m) => m.to.includes(`${customerId}@example.jp`))).toHaveLength(1);
  });

  it('LINE: a takeover whose ledger update fails does not stop later retries from finishing the send', async () => {
    const [customerId] = await createCustomers(store, 'busy-takeover', 1);
    // The `sent` write and the lease's release fail (the row stays pending), then the takeover's update.
    let refusals = 3;
    const refuse = () => refusals-- > 0;
    const delivery = testDelivery(refusingLedger(store.models, refuse), smtp.url, { leaseMs: 100 }, standin.baseURL);
    const req = request(customerId!, 'line');
    await expect(delivery.deliver(req)).rejects.toThrow(/SQLITE_BUSY/);
    await new Promise((ok) => setTimeout(ok, 200));
    await expect(delivery.deliver(req)).rejects.toThrow(/SQLITE_BUSY/);
    // The store answers again; the activity's retries go on (each after the delay the error asks for).
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 5 && !outcomes.includes('sent'); attempt++) {
      try {
        outcomes.push((await delivery.deliver(req)).status);
      } catch (err) {
        outcomes.push((err as { code?: string }).code ?? (err as Error).message);
        await new Promise((ok) =>
          setTimeout(ok, Math.min((err as { retryAfterMs?: number }).retryAfterMs ?? 200, 1000)),
        );
      }
    }
    delivery.close();
    expect(outcomes).toContain('sent');
    expect(standin.pushes.filter((p) => p.to === lineUserIdOf(customerId!))).toHaveLength(1);
  });
});
