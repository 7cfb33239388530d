/**
 * Friend-add routes, their LINE Login visits and arrivals: the only code that reads or writes the
 * `routes`, `route_logins` and `route_touches` collections (the reports' reads of a period are in
 * store/route-activity.ts). Every read is by `_id` or by an indexed `routeId` / `customerId` / `day`
 * equality, which FerretDB pushes down to PostgreSQL.
 */
import { isDuplicateKeyError } from './errors.js';
import { withCustomerLock } from './customers.js';
import { lockDocument } from './document-locks.js';
import type { Models } from './models/index.js';
import { utcDay } from './route-activity.js';

/** A stored route. */
export interface StoredRoute {
  routeId: string;
  name: string;
  store?: string;
  channel?: string;
  actions: { tags: string[]; journey?: string; richmenu?: string };
  origin: 'definitions' | 'api';
  contentHash: string;
  createdAt?: Date;
  updatedAt?: Date;
}

/** A route visit waiting for its LINE Login callback. */
export interface RouteLogin {
  loginId: string;
  routeId: string;
  nonce: string;
  codeVerifier: string;
  createdAt: Date;
}

/** One arrival through a route. */
export interface RouteTouch {
  touchId: string;
  routeId: string;
  customerId: string;
  lineUserId: string;
  friend: boolean;
  friendshipStatusChanged: boolean;
  firstTouch: boolean;
  at: Date;
}

const ROUTE_FIELDS = { _id: 0, __v: 0 } as const;

/**
 * Stores a route, replacing the one with the same id when its content differs. Returns `created`,
 * `updated` or `unchanged` (same content hash: nothing is written).
 */
export async function saveRoute(
  models: Models,
  route: Omit<StoredRoute, 'createdAt' | 'updatedAt'>,
): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await findRoute(models, route.routeId);
  if (existing?.contentHash === route.contentHash) return 'unchanged';
  const doc = { ...route, actions: { ...route.actions, tags: route.actions.tags ?? [] } };
  if (existing) {
    await models.Route.replaceOne(
      { _id: route.routeId },
      { _id: route.routeId, ...doc, createdAt: existing.createdAt },
    );
    return 'updated';
  }
  try {
    await models.Route.create({ _id: route.routeId, ...doc });
    return 'created';
  } catch (err) {
    // Two publishers of the same new route: the other one stored it first.
    if (isDuplicateKeyError(err)) return 'unchanged';
    throw err;
  }
}

/** The route, or null. */
export async function findRoute(models: Models, routeId: string): Promise<StoredRoute | null> {
  return (await models.Route.findOne({ _id: routeId }, ROUTE_FIELDS).lean<StoredRoute>()) ?? null;
}

/** Every route, by id (the routes of one shop are a short list). */
export async function listRoutes(models: Models): Promise<StoredRoute[]> {
  return models.Route.find({}, ROUTE_FIELDS).sort({ _id: 1 }).lean<StoredRoute[]>();
}

/** Records a visit that starts a LINE Login. */
export async function insertRouteLogin(models: Models, login: RouteLogin): Promise<void> {
  const { loginId, ...rest } = login;
  await models.RouteLogin.create({ _id: loginId, ...rest, day: utcDay(login.createdAt), consumed: false });
}

/**
 * Marks the login as used by its callback, once: the second callback with the same state gets null,
 * as does an unknown login id. `outcome` records how the login ended (`arrived`, `denied`, ...).
 */
export async function consumeRouteLogin(
  models: Models,
  loginId: string,
  at: Date,
  outcome: string,
): Promise<RouteLogin | null> {
  // Under the login's lock: FerretDB v1 checks `consumed: false` on its read, not at its write, so
  // concurrent callbacks could otherwise all see the login unused.
  const result = await lockDocument(models, 'route_logins', loginId, () =>
    models.RouteLogin.updateOne(
      { _id: loginId, consumed: false },
      { $set: { consumed: true, consumedAt: at, outcome } },
    ),
  );
  if (result.modifiedCount !== 1) return null;
  const doc = await models.RouteLogin.findOne({ _id: loginId }).lean<RouteLogin & { _id: string }>();
  return doc ? { ...doc, loginId: doc._id } : null;
}

/** Records one arrival (insert only). */
export async function insertRouteTouch(models: Models, touch: RouteTouch): Promise<void> {
  const { touchId, ...rest } = touch;
  await models.RouteTouch.create({ _id: touchId, ...rest, day: utcDay(touch.at) });
}

/**
 * Sets the customer's `acquisitionRoute` when they have none yet (first touch wins). True when this
 * call set it.
 */
export async function setAcquisitionRoute(models: Models, customerId: string, routeId: string): Promise<boolean> {
  // Under the customer's lock: the `$exists` check is only atomic with the write while nobody else writes.
  const result = await withCustomerLock(models, customerId, () =>
    models.Customer.updateOne(
      { _id: customerId, acquisitionRoute: { $exists: false } },
      { $set: { acquisitionRoute: routeId } },
      { strict: false },
    ),
  );
  return result.modifiedCount === 1;
}

/** A customer's arrivals, every route (the timeline, erasure). */
export async function readCustomerTouches(models: Models, customerId: string): Promise<RouteTouch[]> {
  const rows = await models.RouteTouch.find({ customerId }).lean<(Omit<RouteTouch, 'touchId'> & { _id: string })[]>();
  return rows.map(({ _id, ...rest }) => ({ touchId: _id, ...rest }));
}

/**
 * Erasure: the customer's arrivals keep counting in the reports but no longer name them — the
 * customer id becomes `pseudonym`, the LINE user id is removed. Returns how many rows changed.
 */
export async function pseudonymiseRouteTouches(models: Models, customerId: string, pseudonym: string): Promise<number> {
  const result = await models.RouteTouch.updateMany(
    { customerId },
    { $set: { customerId: pseudonym, lineUserId: 'erased' } },
  );
  return result.modifiedCount;
}
