// Several routers of one event, and several events of one customer, at the same moment on FerretDB over
// PostgreSQL. FerretDB v1 updates a document by reading it and writing it back whole, and checks an
// update's filter against what it read: a lease taken with `findOneAndUpdate` and a profile computed
// from a read are not atomic by themselves. Two stores on one database stand for two API processes.
import { setTimeout as sleep } from 'node:timers/promises';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEventEffects } from '../../api/events/effects.js';
import { connectStore, type Store } from '../../store/connection.js';
import { findProfile, upsertProfile, withCustomerLock } from '../../store/customers.js';
import {
  claimEvent,
  completeRoutings,
  deferRouting,
  eventIdFor,
  insertEvents,
  pendingRoute,
  type EventRow,
  type StoredPatch,
} from '../../store/events.js';
import { connectTestStore } from '../support/store.js';

const CLAIMERS = 40;
const LEASE_MS = 30_000;

/** An event of `customerId` whose routing lease ran out a minute ago (a crashed or failed router). */
function dueEvent(
  customerId: string,
  key: string,
  fields: { type?: string; source?: string; properties?: Record<string, unknown>; profile?: StoredPatch } = {},
): EventRow {
  const now = Date.now();
  const source = fields.source ?? 'api';
  return {
    eventId: eventIdFor(source, key),
    source,
    idempotencyKey: key,
    type: fields.type ?? 'custom.thing',
    customerId,
    occurredAt: new Date(now),
    properties: fields.properties ?? {},
    profile: fields.profile ?? null,
    receivedAt: new Date(now),
    route: pendingRoute(now - 60_000, 0),
  };
}

describe('concurrent routers of one event and events of one customer', () => {
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    a = await connectTestStore(import.meta.filename);
    b = await connectStore(inject('mongoUri'), { dbName: a.connection.name, postgresUrl: inject('postgresUrl') });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  const storeOf = (i: number) => (i % 2 === 0 ? a : b);

  it('gives the lease of a due event to one claimer of many', async () => {
    for (let round = 0; round < 5; round++) {
      const row = dueEvent(`c-claim-${round}`, `claim-${round}`);
      await insertEvents(a.models, [row]);
      const now = Date.now();
      const claims = await Promise.all(
        Array.from({ length: CLAIMERS }, (_, i) => claimEvent(storeOf(i).models, row.eventId, now, LEASE_MS)),
      );
      const winners = claims.filter((c) => c !== null);
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(winners[0]?.route).toMatchObject({ state: 'pending', attempts: 1 });
      // The lease holds: a claim within it gets nothing.
      expect(await claimEvent(b.models, row.eventId, now + LEASE_MS - 1, LEASE_MS)).toBeNull();
    }
  });

  it('does not route again an event whose outcome is recorded but whose outbox row was left', async () => {
    const row = dueEvent('c-left', 'left');
    await insertEvents(a.models, [row]);
    await completeRoutings(a.models, [{ eventId: row.eventId, result: { status: 'routed', journeys: [] } }], 0);
    // The closing delete did not happen (the process stopped between the two writes).
    await a.models.EventOutbox.collection.insertOne({
      _id: row.eventId as never,
      attempts: 1,
      leaseUntil: new Date(0),
    });
    expect(await claimEvent(a.models, row.eventId, Date.now(), LEASE_MS)).toBeNull();
    expect(await a.models.EventOutbox.exists({ _id: row.eventId })).toBeNull();
  });

  it("keeps a new holder's lease when the router it took over from defers", async () => {
    const row = dueEvent('c-fence', 'fence');
    await insertEvents(a.models, [row]);
    const now = Date.now();
    expect((await claimEvent(b.models, row.eventId, now, LEASE_MS))?.route.attempts).toBe(1);
    // The router that stored the event (attempts 0) outlived its lease, failed, and defers for a second.
    const input = { error: 'timeout', retryAtMs: now + 1_000, profileApplied: true, attempts: 0 };
    expect(await deferRouting(a.models, row.eventId, input)).toBe(false);
    expect(await claimEvent(a.models, row.eventId, now + 2_000, LEASE_MS)).toBeNull();
    // The holder's own deferral is written.
    expect(await deferRouting(b.models, row.eventId, { ...input, attempts: 1 })).toBe(true);
    expect(await claimEvent(a.models, row.eventId, now + 2_000, LEASE_MS)).not.toBeNull();
  });

  it("counts both orders when the first order's process writes the customer last", async () => {
    const customerId = 'c-orders';
    const order = (i: number) =>
      dueEvent(customerId, `order-${i}`, {
        type: 'order.completed',
        properties: { total: 100 * i, items: [{ sku: `SKU-${i}`, category: 'tea' }] },
      });
    const [first, second] = [order(1), order(2)];
    await insertEvents(a.models, [first]);
    // Process a is busy writing this customer (a webhook, say) while both orders arrive.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let busy: Promise<void> = Promise.resolve();
    await new Promise<void>((acquired) => {
      busy = withCustomerLock(a.models, customerId, async () => {
        acquired();
        await held;
      });
    });
    const applyFirst = applyEventEffects(a.models, first);
    await sleep(300);
    await insertEvents(b.models, [second]);
    const applySecond = applyEventEffects(b.models, second);
    await sleep(300);
    release();
    await Promise.all([busy, applyFirst, applySecond]);
    const profile = await findProfile(a.models, customerId);
    expect(profile).toMatchObject({ orderCount: 2, totalSpent: 300 });
    expect([...(profile?.ownedProducts as string[])].sort()).toEqual(['SKU-1', 'SKU-2']);
  });

  it('keeps the first touch when events of several sources reach a customer without one at once', async () => {
    for (let round = 0; round < 3; round++) {
      const customerId = `c-touch-${round}`;
      await upsertProfile(a.models, customerId, { set: { email: `touch${round}@example.com` } });
      const seen = new Set<unknown>();
      let applying = true;
      const watch = (async () => {
        while (applying) seen.add((await findProfile(b.models, customerId))?.acquisitionSource);
      })();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const row = dueEvent(customerId, `touch-${round}-${i}`, {
            source: `source-${i}`,
            profile: [{ path: `field${i}`, value: i }],
          });
          return applyEventEffects(storeOf(i).models, row);
        }),
      );
      applying = false;
      await watch;
      const profile = await findProfile(a.models, customerId);
      seen.add(profile?.acquisitionSource);
      seen.delete(undefined);
      // Once written, the first touch is never replaced by a later event's source.
      expect([...seen], `round ${round}`).toEqual([profile?.acquisitionSource]);
      for (let i = 0; i < 20; i++) expect(profile?.[`field${i}`]).toBe(i);
    }
  });
});
