// A first attempt of the `send` activity does not read the ledger before its claim (one read less per
// send), on a real FerretDB and SMTP server. A row of the same key from an earlier issue of the command
// (continue-as-new re-issues it as a first attempt) still wins: when the cap answers, at an early finish
// (consent withdrawn since), at the claim, and while another attempt holds the row.
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createModels, type Models } from '../../store/models/index.js';
import { claimDelivery } from '../../store/deliveries.js';
import { upsertProfile } from '../../store/customers.js';
import { startSmtpCapture } from '../support/smtp.js';
import { addCustomer, publishTemplates, request, testDelivery } from './delivery-helpers.js';

const EMAIL = `subject: hi
html: "<p>hi</p>"
`;
const DAY = 86_400_000;

let connection: mongoose.Connection;
let models: Models;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
const ledgerReads: unknown[] = [];

beforeAll(async () => {
  connection = mongoose.createConnection(inject('mongoUri'), {
    dbName: `t_delivery_first_${randomBytes(3).toString('hex')}`,
    autoIndex: false,
    monitorCommands: true,
  });
  await connection.asPromise();
  models = createModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  connection.getClient().on('commandStarted', (e) => {
    if (e.commandName === 'find' && e.command.find === 'deliveries') ledgerReads.push(e.command.filter);
  });
  smtp = await startSmtpCapture();
  await publishTemplates(models, 'winback', { hello: { email: EMAIL } });
});
afterAll(async () => {
  await smtp?.close();
  await connection?.close();
});

const customer = (id: string) =>
  addCustomer(models, id, { email: `${id}@example.jp`, consent: { email: 'subscribed' } });
const mailsTo = (id: string) => smtp.mails.filter((m) => m.to[0] === `${id}@example.jp`);

describe('the first attempt of a send', () => {
  it('sends without reading the ledger first', async () => {
    await customer('c-first');
    const delivery = testDelivery(models, smtp.url);
    ledgerReads.length = 0;
    expect(await delivery.deliver({ ...request({ customerId: 'c-first' }), firstAttempt: true })).toMatchObject({
      status: 'sent',
    });
    expect(ledgerReads).toEqual([]);
    expect(mailsTo('c-first')).toHaveLength(1);
    delivery.close();
  });

  it('issued again after its send, answers the recorded send: under a full cap, after an unsubscribe', async () => {
    await customer('c-again');
    const delivery = testDelivery(models, smtp.url);
    const cap = { max: 1, perMs: DAY };
    const req = { ...request({ customerId: 'c-again', cap }), firstAttempt: true };
    const sent = await delivery.deliver(req);
    expect(sent).toMatchObject({ status: 'sent' });
    // Its own slot fills the cap: the cap's answer must not hide the recorded send.
    expect(await delivery.deliver(req)).toEqual(sent);
    // Without a cap the claim's insert is refused for the row, and the slot it took is given back.
    expect(await delivery.deliver({ ...req, cap: null })).toEqual(sent);
    await upsertProfile(models, 'c-again', { set: { 'consent.email': 'unsubscribed' } });
    expect(await delivery.deliver(req)).toEqual(sent);
    expect(mailsTo('c-again')).toHaveLength(1);
    delivery.close();
  });

  it('issued again while another attempt holds the row, waits for that attempt instead of sending', async () => {
    await customer('c-held');
    const delivery = testDelivery(models, smtp.url);
    const req = { ...request({ customerId: 'c-held' }), firstAttempt: true };
    const meta = { ...req, idempotencyKey: req.deliveryKey };
    const held = await claimDelivery(models, {
      meta,
      channel: 'email',
      cap: null,
      nowMs: req.nowMs,
      leaseUntilMs: Date.now() + 60_000,
    });
    expect(held.kind).toBe('claimed');
    await expect(delivery.deliver(req)).rejects.toMatchObject({ code: 'DELIVERY_IN_PROGRESS' });
    // The same at an early finish: the customer unsubscribed since.
    await upsertProfile(models, 'c-held', { set: { 'consent.email': 'unsubscribed' } });
    await expect(delivery.deliver(req)).rejects.toMatchObject({ code: 'DELIVERY_IN_PROGRESS' });
    expect(mailsTo('c-held')).toHaveLength(0);
    delivery.close();
  });
});
