import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/connection.js';
import { connectTestStore } from '../support/store.js';

describe('mongoose models on FerretDB', () => {
  let store: Store;
  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('creates the unique indexes the ledgers rely on', async () => {
    const names = async (model: { collection: { indexes(): Promise<{ name?: string; unique?: boolean }[]> } }) =>
      (await model.collection.indexes()).filter((i) => i.unique).map((i) => i.name);
    expect(await names(store.models.Customer)).toEqual(['customerId_1', 'lineUserId_1']);
    expect(await names(store.models.Event)).toEqual(['source_1_idempotencyKey_1']);
    expect(await names(store.models.Delivery)).toEqual(['idempotencyKey_1']);
    expect(await names(store.models.Journey)).toEqual(['journeyId_1_version_1']);
    expect(await names(store.models.JourneyHead)).toEqual(['journeyId_1']);
    expect(await names(store.models.Entry)).toEqual(['journeyId_1_customerId_1_entryKey_1']);
    expect(await names(store.models.JournalRow)).toEqual(['rowId_1']);
  });

  it('rejects a duplicate customer and a duplicate event, keeping the first', async () => {
    await store.models.Customer.create({ customerId: 'dup-1', email: 'a@example.jp' });
    await expect(store.models.Customer.create({ customerId: 'dup-1', email: 'b@example.jp' })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await store.models.Customer.find({ customerId: 'dup-1' }).lean()).toMatchObject([{ email: 'a@example.jp' }]);

    const event = {
      source: 'shop',
      idempotencyKey: 'ord-1',
      type: 'order.completed',
      customerId: 'dup-1',
      occurredAt: new Date(),
      receivedAt: new Date(),
      route: { state: 'pending' as const, leaseUntil: new Date() },
    };
    await store.models.Event.create({ ...event, _id: 'ev-1', eventId: 'ev-1' });
    await expect(store.models.Event.create({ ...event, _id: 'ev-2', eventId: 'ev-2' })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await store.models.Event.countDocuments({ idempotencyKey: 'ord-1' })).toBe(1);
  });
});
