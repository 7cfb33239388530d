/**
 * Customer events: the only code that reads or writes `events`, `eventoutbox` and `eventresults`.
 * An event is stored, then routed; until it is, its outbox row says so, and whoever holds the row's
 * lease routes it (the request that stored it, a client's retry, the outbox loop).
 *
 * FerretDB (SQLite) answers a filter of `_id` alone without scanning, and a write that changes a
 * document costs more as its collection grows. So: an event's `_id` is its id, derived from (source,
 * idempotencyKey); event documents are never changed; pending routing lives in the small outbox, and
 * outcomes are inserted into `eventresults`.
 */
import { eventIdFor } from './models/event.js';
import { lockDocument } from './document-locks.js';
import { duplicateKeyWrites, isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

/** A validated profile patch as stored with its event: `[path, value]` pairs (paths may be dotted). */
export type StoredPatch = { path: string; value: unknown }[];

/** An event as stored. */
export interface StoredEvent {
  eventId: string;
  source: string;
  idempotencyKey: string;
  type: string;
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  profile?: StoredPatch | null;
  receivedAt: Date;
  /** sha256 of the canonical event as sent (API events); compared when the key comes again. */
  bodyHash?: string;
  /** The API key that sent the event (API events). */
  keyId?: string;
}

/** Where an event's routing stands. */
export interface RouteState {
  state: 'pending' | 'done';
  attempts: number;
  leaseUntil: Date;
  profileApplied: boolean;
  lastError?: string;
  resultJson?: string;
  partialJson?: string;
}

export type EventRow = StoredEvent & { route: RouteState };

export { eventIdFor };

/** The routing state of an event that needs no routing (no journey listens, no profile effect). */
export function settledRoute(nowMs: number, result: unknown): RouteState {
  const resultJson = JSON.stringify(result);
  return { state: 'done', attempts: 0, leaseUntil: new Date(nowMs), profileApplied: true, resultJson };
}

/** The routing state of a fresh event, leased to the process that stores it for `leaseMs`. */
export function pendingRoute(nowMs: number, leaseMs: number): RouteState {
  return { state: 'pending', attempts: 0, leaseUntil: new Date(nowMs + leaseMs), profileApplied: false };
}

/** Indexes of the rows an unordered insert refused as duplicates; throws on any other failure. */
async function insertAll(insert: () => Promise<unknown>): Promise<Set<number>> {
  try {
    await insert();
    return new Set();
  } catch (err) {
    const refused = duplicateKeyWrites(err);
    if (refused === null) throw err;
    return new Set(refused);
  }
}

/**
 * Stores events in one unordered insert, then the outbox rows of the new, unsettled ones. Per row:
 * `inserted`, or `duplicate` when the (source, idempotencyKey) is stored already. Throws when MongoDB
 * fails otherwise (nothing can then be assumed stored: the caller answers 503, the client retries).
 */
export async function insertEvents(models: Models, rows: readonly EventRow[]): Promise<('inserted' | 'duplicate')[]> {
  if (rows.length === 0) return [];
  const docs = rows.map(({ route, ...event }) => ({
    _id: event.eventId,
    ...event,
    ...(route.state === 'done' ? { settledJson: route.resultJson } : {}),
  }));
  const duplicates = await insertAll(() => models.Event.collection.insertMany(docs as never[], { ordered: false }));
  const outcome = rows.map((_, i) => (duplicates.has(i) ? 'duplicate' : 'inserted'));
  const pending = rows.filter((row, i) => outcome[i] === 'inserted' && row.route.state === 'pending');
  if (pending.length > 0) {
    const outbox = pending.map((row) => ({ _id: row.eventId, ...outboxFields(row.route) }));
    await insertAll(() => models.EventOutbox.collection.insertMany(outbox as never[], { ordered: false }));
  }
  return outcome;
}

const outboxFields = (route: RouteState) => ({
  attempts: route.attempts,
  leaseUntil: route.leaseUntil,
  profileApplied: route.profileApplied,
});

/**
 * Stores one event that needs no routing (its `_id` derived from source and idempotency key, as for
 * every event): `duplicate` when that (source, idempotencyKey) is stored already.
 */
export async function insertEvent(
  models: Models,
  event: Pick<
    StoredEvent,
    'eventId' | 'source' | 'idempotencyKey' | 'type' | 'customerId' | 'occurredAt' | 'properties'
  >,
): Promise<'inserted' | 'duplicate'> {
  try {
    await new models.Event(event).save();
    return 'inserted';
  } catch (err) {
    if (isDuplicateKeyError(err)) return 'duplicate';
    throw err;
  }
}

/** The stored event for (source, idempotencyKey), with its routing state, or null. */
export async function findEventByKey(models: Models, source: string, idempotencyKey: string): Promise<EventRow | null> {
  return findEvent(models, eventIdFor(source, idempotencyKey));
}

type EventDocument = StoredEvent & { settledJson?: string };
type OutboxDocument = Omit<RouteState, 'state' | 'resultJson'>;

/** A stored event by id, with its routing state; null when there is no such event. */
export async function findEvent(models: Models, eventId: string): Promise<EventRow | null> {
  const doc = await models.Event.findOne({ _id: eventId }, { _id: 0 }).lean<EventDocument>();
  if (!doc) return null;
  const { settledJson, ...event } = doc;
  if (settledJson !== undefined) return { ...event, route: settledRoute(0, JSON.parse(settledJson)) };
  const result = await models.EventResult.findOne({ _id: eventId }).lean<{ resultJson: string }>();
  if (result) return { ...event, route: { ...settledRoute(0, null), resultJson: result.resultJson } };
  const outbox = await models.EventOutbox.findOne({ _id: eventId }, { _id: 0 }).lean<OutboxDocument>();
  // No outbox row and no result: the process stopped between storing the event and its outbox row.
  return { ...event, route: { state: 'pending', ...(outbox ?? outboxFields(pendingRoute(0, 0))) } };
}

/**
 * Takes the routing lease of a pending event whose lease ran out, for `leaseMs`; null when the event
 * is routed already or another process holds it. The lease keeps processes from routing one event at
 * the same time; a crashed holder's lease runs out. An event that lost its outbox row gets one back;
 * an outbox row left behind by a routing whose outcome is recorded is removed.
 */
export async function claimEvent(models: Models, eventId: string, nowMs: number, leaseMs: number) {
  // Under the row's lock: FerretDB v1 checks `leaseUntil` against its read, not at its write, so
  // concurrent claimers (two API processes, the outbox loop and a client's retry) could all win.
  const claimed = await lockOutboxRow(models, eventId, () =>
    models.EventOutbox.findOneAndUpdate(
      { _id: eventId, leaseUntil: { $lte: new Date(nowMs) } },
      { $set: { leaseUntil: new Date(nowMs + leaseMs) }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean(),
  );
  const row = await findEvent(models, eventId);
  if (row?.route.state !== 'pending') {
    // Routed (or erased) already: the process that recorded the outcome stopped before closing the row.
    if (claimed) await models.EventOutbox.deleteOne({ _id: eventId });
    return null;
  }
  if (claimed) return row;
  if (await models.EventOutbox.exists({ _id: eventId })) return null;
  const leased = { ...pendingRoute(nowMs, leaseMs), attempts: 1 };
  const refused = await insertAll(() =>
    models.EventOutbox.collection.insertMany([{ _id: eventId, ...outboxFields(leased) }] as never[]),
  );
  return refused.size > 0 ? null : { ...row, route: leased };
}

/** Runs `write` holding the lock of the event's outbox row (see `document-locks.ts`). */
function lockOutboxRow<T>(models: Models, eventId: string, write: () => Promise<T>): Promise<T> {
  return lockDocument(models, 'eventoutbox', eventId, write);
}

/** Ids of pending events whose lease ran out (a failed or crashed routing), oldest first. */
export async function findDueEvents(models: Models, nowMs: number, limit: number): Promise<string[]> {
  const rows = await models.EventOutbox.find({ leaseUntil: { $lte: new Date(nowMs) } }, { _id: 1 })
    .sort({ leaseUntil: 1 })
    .limit(limit)
    .lean<{ _id: string }[]>();
  return rows.map((r) => r._id);
}

/** Records routing outcomes (kept for duplicate POSTs) and closes their outbox rows, in two writes. */
export async function completeRoutings(
  models: Models,
  done: readonly { eventId: string; result: unknown }[],
  nowMs: number,
): Promise<void> {
  if (done.length === 0) return;
  const results = done.map(({ eventId, result }) => ({
    _id: eventId,
    resultJson: JSON.stringify(result),
    routedAt: new Date(nowMs),
  }));
  await insertAll(() => models.EventResult.collection.insertMany(results as never[], { ordered: false }));
  await models.EventOutbox.deleteMany({ _id: { $in: done.map((d) => d.eventId) } });
}

/**
 * Leaves the event pending, to be retried after `retryAtMs` by whichever process comes first. Only the
 * lease's holder writes: `attempts` is the lease it holds (the row's count when it stored or claimed
 * the event); when another process has claimed the event since (this lease ran out), nothing is
 * written and false is returned, so the newer holder's lease is not cut short.
 */
export async function deferRouting(
  models: Models,
  eventId: string,
  input: { error: string; retryAtMs: number; partial?: unknown; profileApplied: boolean; attempts: number },
): Promise<boolean> {
  const $set: Record<string, unknown> = {
    leaseUntil: new Date(input.retryAtMs),
    lastError: input.error.slice(0, 500),
    profileApplied: input.profileApplied,
  };
  if (input.partial !== undefined) $set.partialJson = JSON.stringify(input.partial);
  // Under the row's lock: the `attempts` check is only atomic with the write while no claim runs.
  const { matchedCount } = await lockOutboxRow(models, eventId, () =>
    models.EventOutbox.updateOne({ _id: eventId, attempts: input.attempts }, { $set }),
  );
  return matchedCount > 0;
}

/** A customer's `order.completed` events (time and properties), for the order statistics. */
export async function findOrderEvents(models: Models, customerId: string) {
  return models.Event.find(
    { customerId, type: 'order.completed' },
    { _id: 0, eventId: 1, occurredAt: 1, properties: 1 },
  ).lean<Pick<StoredEvent, 'eventId' | 'occurredAt' | 'properties'>[]>();
}

/** An event of the customer by its event id, as templates read it (type, time, properties); null when absent. */
export async function findCustomerEvent(
  models: Models,
  customerId: string,
  eventId: string,
): Promise<(Pick<StoredEvent, 'type' | 'occurredAt'> & { properties?: Record<string, unknown> }) | null> {
  return models.Event.findOne({ customerId, eventId }, { type: 1, occurredAt: 1, properties: 1 }).lean<{
    type: string;
    occurredAt: Date;
    properties?: Record<string, unknown>;
  }>();
}

/** Erasure: deletes every event of the customer with its routing rows; returns how many events. */
export async function deleteCustomerEvents(models: Models, customerId: string): Promise<number> {
  const ids = (await models.Event.find({ customerId }, { _id: 1 }).lean<{ _id: string }[]>()).map((r) => r._id);
  if (ids.length === 0) return 0;
  await models.EventOutbox.deleteMany({ _id: { $in: ids } });
  await models.EventResult.deleteMany({ _id: { $in: ids } });
  const result = await models.Event.deleteMany({ _id: { $in: ids } });
  return result.deletedCount;
}
