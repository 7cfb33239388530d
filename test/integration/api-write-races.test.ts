// API writes racing other writers of one customer on FerretDB over PostgreSQL, where an update is a read
// then a write. Two stores on one database stand for two processes: the test holds a customer's lock in
// store `a` (a writer of another process between its read and its write) while the API, on store `b`,
// queues for it; the holder writes, lets go, and the API's write must account for what it wrote.
import request from 'supertest';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createUnsubscribeToken } from '../../channels/unsubscribe-token.js';
import { connectStore, type Store } from '../../store/connection.js';
import { findProfile, upsertProfile } from '../../store/customers.js';
import { completeRoutings, eventIdFor, insertEvents, pendingRoute } from '../../store/events.js';
import { holdDocumentLock } from '../support/lock-waiters.js';
import { connectTestStore } from '../support/store.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

let a: Store;
let b: Store;
let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });

beforeAll(async () => {
  a = await connectTestStore(import.meta.filename);
  b = await connectStore(inject('mongoUri'), { dbName: a.connection.name, postgresUrl: inject('postgresUrl') });
  h = await startApiHarness(import.meta.filename, {}, { store: b });
});
afterAll(async () => {
  await h?.close();
  await b?.close();
  await a?.close();
});

describe('PUT /v1/customers/:id decides on the profile its write replaces', () => {
  it('keeps the first touch another writer gave the customer while the PUT waited', async () => {
    const id = unique('touch');
    await upsertProfile(a.models, id, { set: { email: `${id}@example.jp` } });
    const lock = await holdDocumentLock(a, 'customers', id);
    // `then` sends the request now; it is awaited after the holder's write.
    const answered = request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ acquisitionSource: 'form', points: 5 })
      .then((res) => res);
    await lock.waiter();
    // An event's first touch, written by the lock's holder.
    await a.models.Customer.updateOne({ _id: id }, { $set: { acquisitionSource: 'shop' } });
    await lock.release();
    const res = await answered;
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ acquisitionSource: 'shop', points: 5 });
    expect(await findProfile(a.models, id)).toMatchObject({ acquisitionSource: 'shop', points: 5 });
  });

  it('answers 409 RESUBSCRIBE_NEEDS_OPT_IN, writing nothing, when an unsubscribe lands while the PUT waits', async () => {
    const id = unique('resub');
    await upsertProfile(a.models, id, { set: { email: `${id}@example.jp`, 'consent.email': 'subscribed' } });
    const lock = await holdDocumentLock(a, 'customers', id);
    const answered = request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ consent: { email: 'subscribed' }, firstName: 'Hanako' })
      .then((res) => res);
    await lock.waiter();
    // The unsubscribe page's write, by the lock's holder.
    await a.models.Customer.updateOne({ _id: id }, { $set: { 'consent.email': 'unsubscribed' } });
    await lock.release();
    const res = await answered;
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'RESUBSCRIBE_NEEDS_OPT_IN', details: { path: 'consent.email' } });
    const profile = await findProfile(a.models, id);
    expect(profile).toMatchObject({ consent: { email: 'unsubscribed' } });
    expect(profile?.firstName).toBeUndefined();
  });

  it("links a follower's LINE user id while a writer holds the follower's lock and then wants the customer's", async () => {
    const id = unique('link');
    const userId = `U${unique('u').replace(/\W/g, '')}`;
    await upsertProfile(a.models, `line:${userId}`, { set: { lineUserId: userId } });
    const lock = await holdDocumentLock(a, 'customers', `line:${userId}`);
    const answered = request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ lineUserId: userId })
      .then((r) => r);
    await lock.waiter();
    // The holder takes the customer's lock inside the follower's: a PUT holding the customer's lock while
    // it waits for the follower's would wait for ever (until PostgreSQL's lock timeout fails one of them).
    const nested = await holdDocumentLock(a, 'customers', id);
    await nested.release();
    await lock.release();
    const res = await answered;
    expect(res.status).toBe(201);
    expect(await findProfile(a.models, id)).toMatchObject({ lineUserId: userId });
    expect((await findProfile(a.models, `line:${userId}`))?.lineUserId).toBeUndefined();
  });
});

describe('POST /u/:token never creates a profile', () => {
  const SECRET = 'an-unsubscribe-secret-of-at-least-32-bytes';
  const pages = () => createApp({ readiness: {}, unsubscribe: { models: b.models, secret: SECRET, shopName: 'Shop' } });

  it('leaves a customer erased while the unsubscribe waited erased, with no event and no journal row', async () => {
    const id = unique('erased');
    await upsertProfile(a.models, id, { set: { email: `${id}@example.jp`, 'consent.email': 'subscribed' } });
    const claims = { customerId: id, channel: 'email' as const, journeyId: 'winback', issuedAtMs: Date.now() };
    const lock = await holdDocumentLock(a, 'customers', id);
    const answered = request(pages())
      .post(`/u/${createUnsubscribeToken(claims, SECRET)}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .then((res) => res);
    await lock.waiter();
    // Erasure's last step, by the lock's holder.
    await a.models.Customer.deleteOne({ _id: id });
    await lock.release();
    expect((await answered).status).toBe(200);
    expect(await findProfile(a.models, id)).toBeNull();
    expect(await a.models.Event.countDocuments({ customerId: id })).toBe(0);
    expect(await a.models.JournalRow.countDocuments({ customerId: id })).toBe(0);
  });

  it('still unsubscribes a customer who exists', async () => {
    const id = unique('unsub');
    await upsertProfile(a.models, id, { set: { email: `${id}@example.jp`, 'consent.email': 'subscribed' } });
    const claims = { customerId: id, channel: 'line' as const, journeyId: 'winback', issuedAtMs: Date.now() };
    const res = await request(pages())
      .post(`/u/${createUnsubscribeToken(claims, SECRET)}`)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await findProfile(a.models, id)).toMatchObject({ consent: { line: 'blocked' }, lineFollowing: false });
    expect(await a.models.Event.countDocuments({ customerId: id, type: 'customer.unsubscribed' })).toBe(1);
  });
});

describe('a repeated event whose claim loses to the routing that just finished', () => {
  it('answers 200 duplicate with the stored result, not 202 pending', async () => {
    const customerId = unique('dup');
    const [source, idempotencyKey] = ['shop', unique('k')];
    const sent = { type: 'custom.thing', customerId, source, idempotencyKey, occurredAt: new Date().toISOString() };
    const eventId = eventIdFor(source, idempotencyKey);
    // Stored by another process, whose routing holds the lease and is about to record its outcome.
    await insertEvents(a.models, [
      {
        ...sent,
        eventId,
        occurredAt: new Date(sent.occurredAt),
        properties: {},
        profile: null,
        receivedAt: new Date(),
        route: pendingRoute(Date.now(), 60_000),
      },
    ]);
    const lock = await holdDocumentLock(a, 'eventoutbox', eventId);
    const answered = request(h.app)
      .post('/v1/events')
      .set(auth())
      .send(sent)
      .then((res) => res);
    await lock.waiter();
    const outcome = { status: 'entered', journeys: [{ journeyId: 'winback', action: 'entered' }] };
    await completeRoutings(a.models, [{ eventId, result: outcome }], Date.now());
    await lock.release();
    const res = await answered;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ eventId, status: 'duplicate', journeys: [], first: outcome });
  });
});
