/**
 * Customer events: the only code that reads or writes the `events` collection. An event document is
 * also its own outbox row (see `models/event.ts`): stored first, then routed, and retried until done.
 *
 * The document's `_id` is its `eventId`, derived from (source, idempotencyKey): a retried POST maps to
 * the same document, and every per-event read and write goes by `_id`, the one filter FerretDB's SQLite
 * backend answers without scanning the collection.
 */
import { createHash } from 'node:crypto';
import type { Models } from './models/index.js';

const DUPLICATE_KEY = 11000;

/** A validated profile patch as stored with its event: `[path, value]` pairs (paths may be dotted). */
export type StoredPatch = { path: string; value: unknown }[];

/** An event as stored (the `route` bookkeeping aside). */
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
}

/** Routing bookkeeping of a stored event. */
export interface RouteState {
  state: 'pending' | 'done';
  attempts: number;
  leaseUntil: Date;
  profileApplied: boolean;
  lastError?: string;
  resultJson?: string;
  partialJson?: string;
  routedAt?: Date;
}

export type EventRow = StoredEvent & { route: RouteState };

/** The event id of (source, idempotencyKey): `ev_` + 32 hex characters of their sha256. */
export function eventIdFor(source: string, idempotencyKey: string): string {
  return `ev_${createHash('sha256').update(source).update('\u0000').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

/** The outbox row of an event that needs no routing (no journey listens, no profile effect): done at once. */
export function settledRoute(nowMs: number, result: unknown): RouteState {
  return {
    state: 'done',
    attempts: 0,
    leaseUntil: new Date(nowMs),
    profileApplied: true,
    resultJson: JSON.stringify(result),
    routedAt: new Date(nowMs),
  };
}

/** The outbox row of a fresh event, leased to the process that stores it for `leaseMs`. */
export function pendingRoute(nowMs: number, leaseMs: number): RouteState {
  return { state: 'pending', attempts: 0, leaseUntil: new Date(nowMs + leaseMs), profileApplied: false };
}

/**
 * Stores events in one unordered `insertMany`. Per row: `inserted`, or `duplicate` when an event with
 * the same (source, idempotencyKey) exists already. Throws when MongoDB fails for another reason (then
 * nothing can be assumed stored: the caller answers 503 and the client retries idempotently).
 */
export async function insertEvents(models: Models, rows: readonly EventRow[]): Promise<('inserted' | 'duplicate')[]> {
  const outcome: ('inserted' | 'duplicate')[] = rows.map(() => 'inserted');
  if (rows.length === 0) return outcome;
  try {
    const docs = rows.map((row) => ({ _id: row.eventId, ...row }));
    await models.Event.collection.insertMany(docs as unknown as EventRow[], { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    if (writeErrors === undefined) throw err;
    const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { index: number; code: number }[];
    for (const writeError of list) {
      if (writeError.code !== DUPLICATE_KEY) throw err;
      outcome[writeError.index] = 'duplicate';
    }
  }
  return outcome;
}

/** The stored event for (source, idempotencyKey), or null. */
export async function findEventByKey(models: Models, source: string, idempotencyKey: string): Promise<EventRow | null> {
  return findEvent(models, eventIdFor(source, idempotencyKey));
}

/** A stored event by id (for erasure checks, the delivery layer's `{ customerId, eventId }` lookup). */
export async function findEvent(models: Models, eventId: string): Promise<EventRow | null> {
  return models.Event.findOne({ _id: eventId }, { _id: 0 }).lean<EventRow>();
}

/**
 * Takes the routing lease of a pending event whose lease expired, for `leaseMs`; null when the event is
 * routed already or another process holds it. The lease is what keeps two processes from routing one
 * event at the same time; a crashed holder's lease simply runs out.
 */
export async function claimEvent(models: Models, eventId: string, nowMs: number, leaseMs: number) {
  return models.Event.findOneAndUpdate(
    { _id: eventId, 'route.state': 'pending', 'route.leaseUntil': { $lte: new Date(nowMs) } },
    { $set: { 'route.leaseUntil': new Date(nowMs + leaseMs) }, $inc: { 'route.attempts': 1 } },
    { returnDocument: 'after' },
  ).lean<EventRow>();
}

/**
 * Pending events whose lease ran out (a failed or crashed routing), oldest first. On FerretDB this
 * scans the collection, so the API runs it as a slow sweep; deferred events of the running process
 * are retried from memory in between.
 */
export async function findDueEvents(models: Models, nowMs: number, limit: number): Promise<string[]> {
  const rows = await models.Event.find(
    { 'route.state': 'pending', 'route.leaseUntil': { $lte: new Date(nowMs) } },
    { eventId: 1, _id: 0 },
  )
    .sort({ 'route.leaseUntil': 1 })
    .limit(limit)
    .lean<{ eventId: string }[]>();
  return rows.map((r) => r.eventId);
}

/** Closes outbox rows with their routing's outcome (kept for duplicate POSTs), in one write. */
export async function completeRoutings(
  models: Models,
  done: readonly { eventId: string; result: unknown }[],
  nowMs: number,
): Promise<void> {
  if (done.length === 0) return;
  await models.Event.collection.bulkWrite(
    done.map(({ eventId, result }) => ({
      updateOne: {
        filter: { _id: eventId as never },
        update: {
          $set: {
            'route.state': 'done',
            'route.profileApplied': true,
            'route.resultJson': JSON.stringify(result),
            'route.routedAt': new Date(nowMs),
          },
        },
      },
    })),
    { ordered: false },
  );
}

/** Leaves the row pending, to be retried after `retryAtMs` by whichever process comes first. */
export async function deferRouting(
  models: Models,
  eventId: string,
  input: { error: string; retryAtMs: number; partial?: unknown; profileApplied: boolean },
) {
  const $set: Record<string, unknown> = {
    'route.leaseUntil': new Date(input.retryAtMs),
    'route.lastError': input.error.slice(0, 500),
    'route.profileApplied': input.profileApplied,
  };
  if (input.partial !== undefined) $set['route.partialJson'] = JSON.stringify(input.partial);
  await models.Event.updateOne({ _id: eventId, 'route.state': 'pending' }, { $set });
}

/** A customer's `order.completed` events (time and properties), for the order statistics. */
export async function findOrderEvents(models: Models, customerId: string) {
  return models.Event.find(
    { customerId, type: 'order.completed' },
    { _id: 0, eventId: 1, occurredAt: 1, properties: 1 },
  ).lean<Pick<StoredEvent, 'eventId' | 'occurredAt' | 'properties'>[]>();
}

/** Erasure: deletes every event of the customer; returns how many. */
export async function deleteCustomerEvents(models: Models, customerId: string): Promise<number> {
  const result = await models.Event.deleteMany({ customerId });
  return result.deletedCount;
}
