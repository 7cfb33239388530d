// The ledger's fault windows with a real FerretDB whose link is cut at the exact moment: right after
// the provider accepted a message (the `sent` write fails), and right after a retry's takeover claim
// (the row's update fails). The store sits behind a TCP proxy the test severs; command monitoring of
// the real driver says when. The SMTP capture and the LINE stand-in are real.
import type { Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AcceptedSend, Delivery, DeliveryOutcome, DeliveryRequest } from '../../channels/deliver.js';
import type { Store } from '../../store/connection.js';
import { startSmtpCapture } from '../support/smtp.js';
import { connectThroughProxy, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { publishTestJourney } from '../support/test-journeys.js';
import { createCustomers, emailThenLine, lineUserIdOf } from '../support/worker-processes.js';
import { startStandin, testDelivery } from './delivery-helpers.js';

const LEASE_MS = 300;
/**
 * How long one try of the `sent` write may wait. A write sent on a connection the cut did not reset gets
 * no answer at all (seen on a loaded machine); the send must still fail within its tries.
 */
const RECORD_TRY_MS = 2_000;

/** Severs the proxy as soon as the store has acknowledged the first insert `matches` accepts. */
function severAfterInsert(connection: Connection, proxy: TcpProxy, matches: (doc: { _id?: unknown }) => boolean) {
  const client = connection.getClient();
  let armed: number | null = null;
  const started = (ev: { commandName: string; requestId: number; command: Record<string, unknown> }) => {
    const docs = (ev.command.documents ?? []) as { _id?: unknown }[];
    if (armed === null && ev.commandName === 'insert' && docs.some(matches)) armed = ev.requestId;
  };
  const succeeded = (ev: { requestId: number }) => {
    if (ev.requestId !== armed) return;
    proxy.sever();
    client.off('commandStarted', started);
    client.off('commandSucceeded', succeeded);
  };
  client.on('commandStarted', started);
  client.on('commandSucceeded', succeeded);
}

/**
 * Retries a delivery as the `send` activity does until it answers: with `carry`, the acceptance the
 * last attempt was told of rides along (the activity's heartbeat details); errors wait what they ask.
 */
async function retryDelivery(
  delivery: Delivery,
  req: DeliveryRequest,
  opts: { carry: boolean; accepted?: AcceptedSend | null },
): Promise<{ outcome: DeliveryOutcome | null; tries: string[] }> {
  let accepted = opts.accepted ?? null;
  const tries: string[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const outcome = await delivery.deliver({
        ...req,
        accepted: opts.carry ? accepted : null,
        onAccepted: (sent) => (accepted = sent),
      });
      tries.push(outcome.status);
      return { outcome, tries };
    } catch (err) {
      const e = err as { code?: string; retryAfterMs?: number | null; message: string };
      tries.push(e.code ?? e.message);
      await new Promise((ok) => setTimeout(ok, Math.min(e.retryAfterMs ?? 200, 1000)));
    }
  }
  return { outcome: null, tries };
}

describe('ledger writes that fail at the worst moment (FerretDB severed)', () => {
  let proxy: TcpProxy;
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let standin: Awaited<ReturnType<typeof startStandin>>;
  let version: number;
  let severOnAccept = false;

  beforeAll(async () => {
    const target = new URL(inject('mongoUri'));
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    store = await connectThroughProxy(proxy, inject('mongoUri'), 'ledger_faults');
    smtp = await startSmtpCapture({
      onAccept: () => {
        if (severOnAccept) proxy.sever();
        severOnAccept = false;
      },
    });
    standin = await startStandin();
    ({ version } = await publishTestJourney(store.models, emailThenLine('ledger-faults', null)));
  });

  // A test that fails while the link is cut must not leave it cut (or a cut armed) for the next ones.
  afterEach(() => {
    severOnAccept = false;
    proxy.restore();
  });

  afterAll(async () => {
    await standin?.close();
    await smtp?.close();
    await store?.close();
    await proxy?.close();
  });

  let customers = 0;
  const customer = async () => (await createCustomers(store, `fault-${++customers}`, 1))[0]!;

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

  const delivery = (over: Parameters<typeof testDelivery>[2] = {}) =>
    testDelivery(
      store.models,
      smtp.url,
      { leaseMs: LEASE_MS, recordSentDelaysMs: [50, 100], recordSentTryMs: RECORD_TRY_MS, ...over },
      standin.baseURL,
    );

  /**
   * The first attempt: the link is cut when SMTP accepts, so `sent` cannot be written; the send answers
   * with a retryable failure within its tries (three of at most RECORD_TRY_MS), whatever the cut did to
   * the connection the write went out on.
   */
  async function acceptedButNotRecorded(d: Delivery, req: DeliveryRequest): Promise<AcceptedSend | null> {
    let accepted: AcceptedSend | null = null;
    severOnAccept = true;
    try {
      const first = d.deliver({ ...req, onAccepted: (sent) => (accepted = sent) });
      await expect(first).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(severOnAccept, 'the SMTP server never accepted the first attempt, so the link was not cut').toBe(false);
    } finally {
      severOnAccept = false;
      proxy.restore();
    }
    return accepted;
  }

  it('email: the `sent` write fails after SMTP accepted; the retry records it and does not mail again', async () => {
    const customerId = await customer();
    const d = delivery();
    const req = request(customerId, 'email');
    const accepted = await acceptedButNotRecorded(d, req);
    // The row keeps its lease: nothing released it after the server took the message.
    const held = await store.models.Delivery.findById(req.deliveryKey).lean();
    // The retry comes after the lease, as it would after a long outage.
    await new Promise((ok) => setTimeout(ok, LEASE_MS + 100));
    const { outcome } = await retryDelivery(d, req, { carry: true, accepted });
    d.close();
    expect(smtp.mails.filter((m) => m.to.includes(`${customerId}@example.jp`))).toHaveLength(1);
    expect(held).toMatchObject({ status: 'pending', uncertain: false });
    expect(held!.leaseUntilMs).toBeGreaterThan(0);
    expect(accepted).not.toBeNull();
    expect(outcome).toEqual({ status: 'sent', channel: 'email', providerId: accepted!.providerMessageId });
    const row = await store.models.Delivery.findById(req.deliveryKey).lean();
    expect(row).toMatchObject({ status: 'sent', providerMessageId: accepted!.providerMessageId, uncertain: false });
  }, 60_000);

  it('email: when the acceptance is lost too (the worker died), the retry resends under the same Message-ID and says so', async () => {
    const customerId = await customer();
    const d = delivery();
    const req = request(customerId, 'email');
    await acceptedButNotRecorded(d, req);
    const { outcome } = await retryDelivery(d, req, { carry: false });
    d.close();
    const mails = smtp.mails.filter((m) => m.to.includes(`${customerId}@example.jp`));
    expect(mails).toHaveLength(2);
    expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
    expect(outcome).toMatchObject({ status: 'sent', channel: 'email', uncertain: true });
    const row = await store.models.Delivery.findById(req.deliveryKey).lean();
    expect(row).toMatchObject({ status: 'sent', uncertain: true, attempt: 2 });
  }, 60_000);

  it("email with emailUncertain 'fail': the lost acceptance ends as failed / outcome-unknown, never a second mail", async () => {
    const customerId = await customer();
    const d = delivery({ emailUncertain: 'fail' });
    const req = request(customerId, 'email');
    await acceptedButNotRecorded(d, req);
    const { outcome } = await retryDelivery(d, req, { carry: false });
    d.close();
    expect(smtp.mails.filter((m) => m.to.includes(`${customerId}@example.jp`))).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'failed', channel: 'email', reason: 'outcome-unknown' });
    const row = await store.models.Delivery.findById(req.deliveryKey).lean();
    expect(row).toMatchObject({ status: 'failed', reason: 'outcome-unknown', uncertain: true });
  }, 60_000);

  it('LINE: a takeover whose row update fails does not block later retries; LINE gets one message', async () => {
    const customerId = await customer();
    const d = delivery();
    const req = request(customerId, 'line');
    // Attempt 1: LINE answers 500, the row is released for the retry.
    standin.fault({ kind: 'status', status: 500 });
    await expect(d.deliver(req)).rejects.toMatchObject({ code: 'LINE_UNAVAILABLE' });
    // Attempt 2 takes over, and the link is cut right after its claim: the row's update fails.
    severAfterInsert(store.connection, proxy, (doc) => String(doc._id).startsWith(`attempt|${req.deliveryKey}|`));
    try {
      await expect(d.deliver(req)).rejects.toThrow();
    } finally {
      proxy.restore();
    }
    // Later attempts, on another worker (no acceptance carried over), finish the delivery.
    const { outcome, tries } = await retryDelivery(d, req, { carry: false });
    d.close();
    expect(outcome, tries.join(', ')).toMatchObject({ status: 'sent', channel: 'line' });
    expect(standin.pushes.filter((p) => p.to === lineUserIdOf(customerId))).toHaveLength(1);
    expect(await store.models.Delivery.findById(req.deliveryKey).lean()).toMatchObject({ status: 'sent' });
  }, 60_000);
});
