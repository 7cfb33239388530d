/**
 * Customer events: the only code that reads or writes the `events` collection. An event document is
 * also its own outbox row (see `models/event.ts`): stored first, then routed, and retried until done.
 */
import { randomBytes } from 'node:crypto';
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

/** A new, unique event id (`ev_` + 20 hex characters; sortable by creation second). */
export function newEventId(nowMs: number): string {
  return `ev_${Math.floor(nowMs / 1000).toString(16)}${randomBytes(6).toString('hex')}`;
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
    await models.Event.collection.insertMany(rows, { ordered: false });
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
  return models.Event.findOne({ source, idempotencyKey }, { _id: 0 }).lean<EventRow>();
}

/** A stored event by id (for erasure checks, the delivery layer's `{ customerId, eventId }` lookup). */
export async function findEvent(models: Models, eventId: string): Promise<EventRow | null> {
  return models.Event.findOne({ eventId }, { _id: 0 }).lean<EventRow>();
}

/**
 * Takes the routing lease of a pending event whose lease expired, for `leaseMs`; null when the event is
 * routed already or another process holds it. The lease is what keeps two processes from routing one
 * event at the same time; a crashed holder's lease simply runs out.
 */
export async function claimEvent(models: Models, eventId: string, nowMs: number, leaseMs: number) {
  return models.Event.findOneAndUpdate(
    { eventId, 'route.state': 'pending', 'route.leaseUntil': { $lte: new Date(nowMs) } },
    { $set: { 'route.leaseUntil': new Date(nowMs + leaseMs) }, $inc: { 'route.attempts': 1 } },
    { returnDocument: 'after' },
  ).lean<EventRow>();
}

/** Pending events whose lease ran out (a failed or crashed routing), oldest first. */
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

/** Records that the event's profile effects are applied (so a retry does not apply them again). */
export async function markProfileApplied(models: Models, eventId: string): Promise<void> {
  await models.Event.updateOne({ eventId }, { $set: { 'route.profileApplied': true } });
}

/** Closes the outbox row with the routing's outcome (kept for duplicate POSTs). */
export async function completeRouting(models: Models, eventId: string, result: unknown, nowMs: number) {
  await models.Event.updateOne(
    { eventId },
    { $set: { 'route.state': 'done', 'route.resultJson': JSON.stringify(result), 'route.routedAt': new Date(nowMs) } },
  );
}

/** Leaves the row pending, to be retried after `retryAtMs` by whichever process comes first. */
export async function deferRouting(
  models: Models,
  eventId: string,
  input: { error: string; retryAtMs: number; partial?: unknown },
) {
  const $set: Record<string, unknown> = {
    'route.leaseUntil': new Date(input.retryAtMs),
    'route.lastError': input.error.slice(0, 500),
  };
  if (input.partial !== undefined) $set['route.partialJson'] = JSON.stringify(input.partial);
  await models.Event.updateOne({ eventId, 'route.state': 'pending' }, { $set });
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
