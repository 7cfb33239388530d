import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymsOf, pseudonymWith } from '../../api/customers/pseudonyms.js';
import { keyringOf } from '../../channels/secret-keys.js';
import type { Models } from '../../store/connection.js';
import { upsertProfile } from '../../store/customers.js';
import { insertEvent } from '../../store/events.js';
import { startApiHarness, TEST_PSEUDONYM_KEYS, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

/** Everything the store holds of `customerId`: a profile, an event, an entry, a journal row and a delivery row. */
async function traces(models: Models, customerId: string, text: string) {
  const workflowId = `kizuna/j-erase/${customerId}`;
  await upsertProfile(models, customerId, { set: { 'consent.line': 'following' } });
  await insertEvent(models, {
    eventId: unique('ev'),
    source: 'line',
    idempotencyKey: unique('wh'),
    type: 'line.message',
    customerId,
    occurredAt: new Date(),
    properties: { text },
  });
  await models.Entry.create({
    _id: `j-erase/${customerId}/-`,
    journeyId: 'j-erase',
    customerId,
    entryKey: '-',
    enteredMs: Date.now(),
  });
  await models.JournalRow.create({
    rowId: `${workflowId}/1`,
    journeyId: 'j-erase',
    version: 1,
    customerId,
    workflowId,
    action: 'entered',
    at: new Date(),
  });
  await models.Delivery.create({
    _id: `${workflowId}/send-1`,
    idempotencyKey: `${workflowId}/send-1`,
    customerId,
    journeyId: 'j-erase',
    version: 1,
    stepId: 'send-1',
    template: 't',
    channel: 'line',
    status: 'sent',
    providerResponse: `200 for ${text}`,
  });
}

async function mentions(models: Models, id: string): Promise<number> {
  const all = await Promise.all([
    models.Customer.find({}).lean(),
    models.Event.find({}).lean(),
    models.Entry.find({}).lean(),
    models.JournalRow.find({}).lean(),
    models.Delivery.find({}).lean(),
  ]);
  return all.flat().filter((doc) => JSON.stringify(doc).includes(id)).length;
}

describe('DELETE /v1/customers/:id and the LINE profile before the link', () => {
  it("erases the line:<userId> profile of the customer's LINE user id, with its events, entries and ledgers", async () => {
    const lineUserId = `U${unique('u').replace(/\W/g, '')}`;
    const customerId = unique('cust');
    await traces(h.store.models, `line:${lineUserId}`, 'my secret free text before linking');
    await request(h.app).put(`/v1/customers/${customerId}`).set(auth()).send({ lineUserId, email: 'l@example.jp' });
    await traces(h.store.models, customerId, 'after linking');

    const res = await request(h.app).delete(`/v1/customers/${customerId}`).set(auth());
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({ profile: 1, linkedProfiles: 1, events: 2, journal: 2, deliveries: 2 });
    expect(await mentions(h.store.models, lineUserId)).toBe(0);
    expect(await mentions(h.store.models, customerId)).toBe(0);
    expect(await mentions(h.store.models, 'my secret free text')).toBe(0);
  });
});

describe('pseudonyms of erased customers', () => {
  it('are an HMAC under the current key, with its id, not a hash anyone can recompute', async () => {
    const customerId = unique('hanako@example.jp');
    await traces(h.store.models, customerId, 'x');
    const res = await request(h.app).delete(`/v1/customers/${customerId}`).set(auth());
    expect(res.status).toBe(200);
    const row = await h.store.models.JournalRow.findOne({ journeyId: 'j-erase', rowId: /erased:/ })
      .sort({ at: -1 })
      .lean();
    const alias = pseudonymWith(TEST_PSEUDONYM_KEYS.current, customerId);
    expect(alias).toMatch(new RegExp(`^erased:${TEST_PSEUDONYM_KEYS.current.id}:[0-9a-f]{48}$`));
    expect(await h.store.models.JournalRow.countDocuments({ customerId: alias })).toBe(1);
    expect(await h.store.models.Delivery.countDocuments({ customerId: alias })).toBe(1);
    expect(row).not.toBeNull();
    const unsalted = createHash('sha256').update(customerId).digest('hex').slice(0, 24);
    expect(await mentions(h.store.models, unsalted)).toBe(0);
  });

  it('are found again under a previous key after a rotation', () => {
    const before = keyringOf('a-test-pseudonym-secret-of-at-least-32-bytes', undefined, 'test');
    const after = keyringOf('a-rotated-pseudonym-secret-of-at-least-32-bytes', before.current.secret, 'test');
    const old = pseudonymWith(before.current, 'c-1');
    expect(pseudonymsOf(after, 'c-1')).toEqual([pseudonymWith(after.current, 'c-1'), old]);
    expect(old.split(':')[1]).toBe(before.current.id);
  });
});
