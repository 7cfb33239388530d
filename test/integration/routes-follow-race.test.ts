/**
 * A route arrival and the follow webhook of the same LINE user at the same moment, over real HTTP: the
 * callback writes the route (first touch, tags) while the stand-in's signed follow webhook writes the
 * LINE consent (and then the display name). LINE sends the follow on its own schedule, so it may land
 * while the callback is handled: here it is sent a few milliseconds into the callback. Both must be in
 * the profile afterwards, however the writes interleave.
 */
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ensureCustomers, findProfile, type Profile } from '../../store/customers.js';
import { unique } from './api/harness.js';
import { consent, lineUser, openCallback, startRouteWorld, visitRoute, type RouteWorld } from './routes-world.js';

let w: RouteWorld;
const routeId = unique('race-flyer');
const ARRIVALS = 16;
const ROUNDS = 4;

beforeAll(async () => {
  w = await startRouteWorld(import.meta.filename);
  const res = await request(w.h.app)
    .post('/v1/routes')
    .set('authorization', `Bearer ${w.h.token}`)
    .send({ route: routeId, name: 'race flyer', store: 'shibuya', channel: 'flyer', actions: { tags: ['flyer'] } });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await w?.close();
});

/** One person through the route, whose follow webhook arrives while the callback is handled. */
async function arriveWhileFollowing(userId: string, delayMs: number): Promise<void> {
  const visit = await visitRoute(w, routeId);
  const back = await consent(w, visit.params, { userId });
  const follow = new Promise((ok) => setTimeout(ok, delayMs)).then(() =>
    w.standin.sendWebhook({ type: 'follow', userId }),
  );
  const [page] = await Promise.all([openCallback(back), follow]);
  expect(page.status).toBe(200);
}

/** The profile once the follow's consent is written (the webhook's effects follow its answer). */
async function settledProfile(customerId: string): Promise<Profile | null> {
  const until = Date.now() + 15_000;
  for (;;) {
    const profile = await findProfile(w.h.store.models, customerId);
    const line = (profile?.consent as { line?: string } | undefined)?.line;
    if ((line === 'following' && profile?.acquisitionRoute !== undefined) || Date.now() > until) return profile;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

it(`keeps the route and the follow of ${ARRIVALS * ROUNDS} people arriving in bursts (natural timing)`, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const users = Array.from({ length: ARRIVALS }, () => lineUser());
    await Promise.all(users.map((userId, i) => arriveWhileFollowing(userId, (i * 3) % 25)));
    for (const userId of users) {
      const profile = await settledProfile(`line:${userId}`);
      expect(profile, `round ${round}, ${userId}`).toMatchObject({
        lineUserId: userId,
        acquisitionRoute: routeId,
        consent: { line: 'following' },
        lineFollowing: true,
        tags: ['flyer'],
      });
    }
  }
});

/**
 * Holds PostgreSQL's row locks on the customers' rows of FerretDB's table (as a stalled disk or a long
 * vacuum would hold their writes up) until `release` is called. Reads go on, writes wait.
 */
async function stallCustomerWrites(customerIds: string[]) {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  const schema = w.h.store.connection.name;
  const { rows } = await client.query<{ table: string }>(
    `SELECT _jsonb->>'table' AS table FROM "${schema}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'customers'`,
  );
  await client.query('BEGIN');
  const locked = await client.query(
    `SELECT 1 FROM "${schema}"."${rows[0]!.table}" WHERE _jsonb->>'_id' = ANY($1) FOR UPDATE`,
    [customerIds],
  );
  expect(locked.rowCount).toBe(customerIds.length);
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

it('keeps the route and the follow when PostgreSQL holds both writes up and lets them go together', async () => {
  const users = Array.from({ length: ARRIVALS }, () => lineUser());
  await ensureCustomers(
    w.h.store.models,
    users.map((userId) => ({ customerId: `line:${userId}`, acquisitionSource: 'line' })),
  );
  const callbacks = await Promise.all(
    users.map(async (userId) => consent(w, (await visitRoute(w, routeId)).params, { userId })),
  );
  const release = await stallCustomerWrites(users.map((userId) => `line:${userId}`));
  const arrivals = users.map((userId, i) =>
    Promise.all([openCallback(callbacks[i]!), w.standin.sendWebhook({ type: 'follow', userId })]),
  );
  // Both writers have read the profile and wait to write it back.
  await new Promise((ok) => setTimeout(ok, 1_500));
  await release();
  for (const [page] of await Promise.all(arrivals)) expect(page.status).toBe(200);
  for (const userId of users) {
    expect(await settledProfile(`line:${userId}`), userId).toMatchObject({
      lineUserId: userId,
      acquisitionRoute: routeId,
      consent: { line: 'following' },
      lineFollowing: true,
      tags: ['flyer'],
    });
  }
});
