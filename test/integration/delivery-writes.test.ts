// The send ledger's writes per send, counted by MongoDB command monitoring on a real FerretDB: sends
// that finish together record their outcomes in one bulk write, so a burst of sends costs fewer writes
// than the four a send made alone (cap slot, head hint, ledger row, outcome); exactly once still holds.
// Under a LINE budget, a burst's messages are counted in batches: fewer counter commands than sends
// (racing for the month's next number, each send made several), every number once, no gap.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLineBudget } from '../../channels/line-budget.js';
import { createLineSender } from '../../channels/line-sender.js';
import { createModels, type Models } from '../../store/models/index.js';
import { startSmtpCapture } from '../support/smtp.js';
import { LINE_TOKEN, addCustomer, publishTemplates, request, startStandin, testDelivery } from './delivery-helpers.js';

const PUSH = `messages:
  - type: text
    text: "{{ profile.displayName }}さん、新豆が入荷しました"
`;
const SENDS = 24;
const LEDGER = new Set(['deliveries', 'delivery_claims']);

let connection: mongoose.Connection;
let models: Models;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let standin: Awaited<ReturnType<typeof startStandin>>;
const writes: string[] = [];
/** Every command on the LINE budget's counter, reads included. */
const counterCommands: string[] = [];
/** The filters of the reads of the cap slots and claims. */
const claimReads: unknown[] = [];

beforeAll(async () => {
  connection = mongoose.createConnection(inject('mongoUri'), {
    dbName: `t_delivery_writes_${randomBytes(3).toString('hex')}`,
    autoIndex: false,
    monitorCommands: true,
  });
  await connection.asPromise();
  models = createModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  connection.getClient().on('commandStarted', (e) => {
    const target = (e.command as Record<string, unknown>)[e.commandName];
    if (['insert', 'update', 'delete'].includes(e.commandName) && LEDGER.has(String(target)))
      writes.push(e.commandName);
    if (target === 'line_budget') counterCommands.push(e.commandName);
    if (target === 'delivery_claims' && e.commandName === 'find') claimReads.push(e.command.filter);
  });
  smtp = await startSmtpCapture();
  standin = await startStandin();
  await publishTemplates(models, 'winback', { hello: { line: PUSH } });
});
afterAll(async () => {
  await standin?.close();
  await smtp?.close();
  await connection?.close();
});

describe('ledger writes per send', () => {
  it('a burst of capped LINE sends writes fewer than four times a send, each message pushed once', async () => {
    const users = Array.from({ length: SENDS }, (_, i) => ({
      id: `c-w-${i}`,
      userId: `U${i.toString(16).padStart(32, 'a')}`,
    }));
    for (const u of users) {
      await addCustomer(models, u.id, { lineUserId: u.userId, displayName: '花子', consent: { line: 'following' } });
    }
    const delivery = testDelivery(models, smtp.url, {}, standin.baseURL);
    const reqs = users.map((u) => request({ customerId: u.id, channel: 'line', cap: { max: 3, perMs: 86_400_000 } }));
    // LINE answers every push after the same pause, so the sends finish together, as in a burst.
    standin.fault(...users.map(() => ({ kind: 'latency' as const, ms: 300 })));
    writes.length = 0;

    const outcomes = await Promise.all(reqs.map((r) => delivery.deliver(r)));

    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    for (const u of users) expect(standin.pushes.filter((p) => p.to === u.userId)).toHaveLength(1);
    expect(await models.Delivery.countDocuments({ status: 'sent' })).toBe(SENDS);
    expect(writes.length).toBeLessThan(4 * SENDS);
    // A retry of every send finds its recorded outcome: nothing is pushed again.
    const again = await Promise.all(reqs.map((r) => delivery.deliver(r)));
    expect(again).toEqual(outcomes);
    expect(standin.pushes).toHaveLength(SENDS);
    delivery.close();
  });

  it('a burst of LINE sends under a budget counts each message once, in fewer counter commands than sends', async () => {
    const users = Array.from({ length: SENDS }, (_, i) => ({
      id: `c-b-${i}`,
      userId: `U${i.toString(16).padStart(32, 'b')}`,
    }));
    for (const u of users) {
      await addCustomer(models, u.id, { lineUserId: u.userId, displayName: '花子', consent: { line: 'following' } });
    }
    const sender = createLineSender({ channelAccessToken: LINE_TOKEN, baseURL: standin.baseURL });
    const lineBudget = createLineBudget({
      models,
      policy: { monthly: 1000, reserve: 10 },
      quota: () => sender.quota(),
      clock: () => Date.UTC(2031, 4, 10),
    });
    const delivery = testDelivery(models, smtp.url, { lineBudget }, standin.baseURL);
    const reqs = users.map((u) => request({ customerId: u.id, channel: 'line' }));
    counterCommands.length = 0;

    const outcomes = await Promise.all(reqs.map((r) => delivery.deliver(r)));

    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    for (const u of users) expect(standin.pushes.filter((p) => p.to === u.userId)).toHaveLength(1);
    const numbers = (await models.LineBudgetSlot.find({ month: '2031-05' }, { n: 1 }).lean()).map((d) => d.n);
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: SENDS }, (_, i) => i + 1));
    expect(counterCommands.length).toBeLessThan(SENDS);
    // A retry of every send is let through on its own count, and counts nothing more.
    expect(await Promise.all(reqs.map((r) => delivery.deliver(r)))).toEqual(outcomes);
    expect(await models.LineBudgetSlot.countDocuments({ month: '2031-05' })).toBe(SENDS);
    delivery.close();
  });

  it('a capped send reads the cap window by _id only (FerretDB reads the whole collection for an $in)', async () => {
    await addCustomer(models, 'c-window', { lineUserId: `U${'c'.repeat(32)}`, consent: { line: 'following' } });
    const delivery = testDelivery(models, smtp.url, {}, standin.baseURL);
    const cap = { max: 3, perMs: 86_400_000 };
    for (let i = 0; i < 3; i++) await delivery.deliver(request({ customerId: 'c-window', channel: 'line', cap }));
    claimReads.length = 0;

    expect(await delivery.deliver(request({ customerId: 'c-window', channel: 'line', cap }))).toMatchObject({
      status: 'capped',
    });

    expect(claimReads.length).toBeGreaterThan(0);
    for (const filter of claimReads) expect(filter).toEqual({ _id: expect.any(String) });
    delivery.close();
  });
});
