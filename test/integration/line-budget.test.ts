// The LINE message budget on real FerretDB and the LINE stand-in over HTTP: the monthly counter is atomic
// without transactions and counts a delivery key once; deliver() skips a LINE send past the budget with
// reason `line-budget` (marketing at monthly - reserve, transactional journeys up to monthly), stops when
// LINE's own quota is reached, and counts a retried send once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineBudget, lineQuotaMonth, type LineBudget } from '../../channels/line-budget.js';
import { createLineSender } from '../../channels/line-sender.js';
import type { Store } from '../../store/connection.js';
import { chargeLineBudget, readLineBudgetUsage } from '../../store/line-budget.js';
import { connectTestStore } from '../support/store.js';
import { startSmtpCapture } from '../support/smtp.js';
import { LINE_TOKEN, addCustomer, publishTemplates, request, startStandin, testDelivery } from './delivery-helpers.js';

const HELLO = 'messages:\n  - type: text\n    text: "こんにちは {{ profile.displayName }}"\n';
const user = (n: number) => `U${n.toString(16).padStart(32, 'b')}`;
let months = 0;
/** A clock in a month of its own (from 2030 on), so each test counts from zero. */
const freshMonth = () => {
  const at = Date.UTC(2030, months++, 15, 3);
  return { clock: () => at, month: lineQuotaMonth(at) };
};

describe('the LINE budget counter (store/line-budget.ts)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lets exactly `limit` of many concurrent sends through, each number once', async () => {
    const { month } = freshMonth();
    const charge = (i: number) =>
      chargeLineBudget(store.models, { month, deliveryKey: `k-${i}`, limit: 10, transactional: false, atMs: 0 });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => charge(i)));
    const charged = results.filter((r) => r.kind === 'charged').map((r) => (r as { n: number }).n);
    expect(charged.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results.filter((r) => r.kind === 'over')).toHaveLength(15);
    expect(await readLineBudgetUsage(store.models, month)).toBe(10);
  });

  it('counts a delivery key once, even when its attempts race, and lets it through past the limit', async () => {
    const { month } = freshMonth();
    const input = { month, deliveryKey: 'kizuna/j/c-1/e/send/1/0', limit: 1, transactional: false, atMs: 0 };
    const results = await Promise.all(Array.from({ length: 6 }, () => chargeLineBudget(store.models, input)));
    expect(results.filter((r) => r.kind === 'charged')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'already')).toHaveLength(5);
    expect(await chargeLineBudget(store.models, input)).toEqual({ kind: 'already', n: 1 });
    expect(await chargeLineBudget(store.models, { ...input, deliveryKey: 'other' })).toEqual({ kind: 'over', used: 1 });
    expect(await readLineBudgetUsage(store.models, month)).toBe(1);
    // The key is stored hashed: the customer's id is not in the counter.
    expect(JSON.stringify(await store.models.LineBudgetSlot.find({ month }).lean())).not.toContain('c-1');
  });
});

describe('deliver() under a LINE budget', () => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let standin: Awaited<ReturnType<typeof startStandin>>;
  let seq = 0;

  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    standin = await startStandin();
    await publishTemplates(store.models, 'winback', { hello: { line: HELLO } });
    // A transactional journey: its plan says so.
    await publishTemplates(store.models, 'booking', { hello: { line: HELLO } });
    await store.models.Journey.updateOne({ journeyId: 'booking' }, { $set: { planJson: '{"transactional":true}' } });
  });
  afterAll(async () => {
    await standin?.close();
    await smtp?.close();
    await store?.close();
  });

  const follower = async () => {
    const id = `c-budget-${++seq}`;
    await addCustomer(store.models, id, {
      lineUserId: user(seq),
      displayName: '花子',
      consent: { line: 'following', email: 'subscribed' },
    });
    return { id, userId: user(seq) };
  };
  const setLineQuota = (body: unknown) =>
    fetch(`${standin.baseURL}/__standin/quota`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((res) => expect(res.status).toBe(200));
  const withBudget = (monthly: number, reserve: number, over: { quotaCacheMs?: number } = {}) => {
    const { clock, month } = freshMonth();
    const sender = createLineSender({ channelAccessToken: LINE_TOKEN, baseURL: standin.baseURL });
    const lineBudget: LineBudget = createLineBudget({
      models: store.models,
      policy: { monthly, reserve },
      quota: () => sender.quota(),
      clock,
      quotaCacheMs: over.quotaCacheMs ?? 0,
    });
    return { delivery: testDelivery(store.models, smtp.url, { lineBudget }, standin.baseURL), lineBudget, month };
  };
  const pushesTo = (userId: string) => standin.pushes.filter((p) => p.to === userId);

  it('stops marketing sends at monthly - reserve with reason line-budget; transactional ones use the reserve', async () => {
    await setLineQuota({ value: null, totalUsage: 0 });
    const { delivery, lineBudget, month } = withBudget(3, 1);
    const outcomes = [];
    const customers = [];
    for (let i = 0; i < 3; i++) {
      const c = await follower();
      customers.push(c);
      outcomes.push(await delivery.deliver(request({ customerId: c.id, channel: 'line' })));
    }
    expect(outcomes.map((o) => [o.status, 'reason' in o ? o.reason : null])).toEqual([
      ['sent', null],
      ['sent', null],
      ['skipped', 'line-budget'],
    ]);
    expect(pushesTo(customers[2]!.userId)).toHaveLength(0);
    const row = await store.models.Delivery.findOne({ customerId: customers[2]!.id }).lean();
    expect(row).toMatchObject({ status: 'skipped', reason: 'line-budget', channel: 'line' });
    expect(row?.detail).toMatch(/workspace's LINE budget: 2 of 2 marketing messages/);
    // The reserve: a transactional journey's message goes; the next finds the whole budget used.
    const booked = await follower();
    const transactional = await delivery.deliver(
      request({ customerId: booked.id, channel: 'line', journeyId: 'booking' }),
    );
    expect(transactional).toMatchObject({ status: 'sent', channel: 'line' });
    expect(pushesTo(booked.userId)).toHaveLength(1);
    const late = await follower();
    expect(await delivery.deliver(request({ customerId: late.id, channel: 'line', journeyId: 'booking' }))).toEqual({
      status: 'skipped',
      channel: 'line',
      reason: 'line-budget',
    });
    expect(await readLineBudgetUsage(store.models, month)).toBe(3);
    expect(await lineBudget.status()).toMatchObject({ used: 3, open: { marketing: false, transactional: false } });
  });

  it('counts a retried send once: a push LINE failed, retried under the same delivery key', async () => {
    await setLineQuota({ value: null, totalUsage: 0 });
    const { delivery, month } = withBudget(5, 0);
    const c = await follower();
    const req = request({ customerId: c.id, channel: 'line' });
    standin.fault({ kind: 'status', status: 500 });
    await expect(delivery.deliver(req)).rejects.toMatchObject({ code: 'LINE_UNAVAILABLE' });
    expect(await readLineBudgetUsage(store.models, month)).toBe(1);
    expect(await delivery.deliver(req)).toMatchObject({ status: 'sent', channel: 'line' });
    expect(await delivery.deliver(req)).toMatchObject({ status: 'sent', channel: 'line' });
    expect(await readLineBudgetUsage(store.models, month)).toBe(1);
    expect(pushesTo(c.userId)).toHaveLength(1);
  });

  it("stops sends when LINE's own quota is reached, whatever the workspace budget", async () => {
    // LINE's plan: 10 messages more than the stand-in took so far, 8 of them used by the channel elsewhere.
    await setLineQuota({ value: null, totalUsage: 0 });
    const before = standin.state.usage();
    await setLineQuota({ value: before + 10, totalUsage: 8 });
    const { delivery, lineBudget } = withBudget(5000, 1, { quotaCacheMs: 60_000 });
    const [a, b, c] = [await follower(), await follower(), await follower()];
    // Marketing stops one short of LINE's limit (the reserve); the cached read counts Kizuna's own sends.
    expect(await delivery.deliver(request({ customerId: a.id, channel: 'line' }))).toMatchObject({ status: 'sent' });
    const stopped = await delivery.deliver(request({ customerId: b.id, channel: 'line' }));
    expect(stopped).toEqual({ status: 'skipped', channel: 'line', reason: 'line-budget' });
    const row = await store.models.Delivery.findOne({ customerId: b.id }).lean();
    expect(row?.detail).toContain(`LINE's monthly quota: ${before + 9} of ${before + 10} messages used`);
    const booked = await delivery.deliver(request({ customerId: c.id, channel: 'line', journeyId: 'booking' }));
    expect(booked).toMatchObject({ status: 'sent' });
    expect(await lineBudget.status()).toMatchObject({
      line: { quota: { type: 'limited', value: before + 10 } },
      open: { marketing: false, transactional: false },
    });
    expect(pushesTo(b.userId)).toHaveLength(0);
    await setLineQuota({ value: null, totalUsage: 0 });
  });

  it('sends on under the budget alone when LINE cannot be read', async () => {
    await setLineQuota({ value: null, totalUsage: 0 });
    const { clock } = freshMonth();
    const warnings: string[] = [];
    const lineBudget = createLineBudget({
      models: store.models,
      policy: { monthly: 5, reserve: 0 },
      quota: () => Promise.reject(new Error('LINE unreachable')),
      clock,
      onQuotaError: (m) => warnings.push(m),
    });
    const delivery = testDelivery(store.models, smtp.url, { lineBudget }, standin.baseURL);
    const c = await follower();
    expect(await delivery.deliver(request({ customerId: c.id, channel: 'line' }))).toMatchObject({ status: 'sent' });
    expect(warnings[0]).toMatch(/could not be read: LINE unreachable/);
    expect(await lineBudget.status()).toMatchObject({ used: 1, line: null, lineError: 'LINE unreachable' });
  });
});
