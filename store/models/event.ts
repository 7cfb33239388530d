import { createHash } from 'node:crypto';
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A customer event as received. `_id` and `eventId` hold the same string id, derived from `source` +
 * `idempotencyKey` (so a retried POST is a no-op); the delivery layer loads the entry event by it
 * (`{ _id: eventId }` is the fast lookup on FerretDB). Event documents are never changed once
 * written: routing state lives in `eventoutbox` (pending) and `eventresults` (done).
 */
export const eventSchema = new Schema(
  {
    /** The event id (store/events.ts `eventIdFor`), derived from source and idempotency key when not given. */
    _id: {
      type: String,
      default(this: { source: string; idempotencyKey: string }) {
        return eventIdFor(this.source, this.idempotencyKey);
      },
    },
    eventId: {
      type: String,
      default(this: { _id: string }) {
        return this._id;
      },
    },
    source: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    type: { type: String, required: true },
    customerId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    properties: { type: Schema.Types.Mixed, default: {} },
    /** An inline profile patch sent with the event (validated), applied before routing. */
    profile: { type: Schema.Types.Mixed },
    receivedAt: { type: Date, default: () => new Date() },
    /** sha256 of the canonical event as the API received it: a reused key with another body is refused. */
    bodyHash: { type: String },
    /** The API key that sent the event: another key reusing the idempotency key is refused. */
    keyId: { type: String },
    /** The routing outcome (JSON text) of an event settled when stored (no journey listened). */
    settledJson: { type: String },
  },
  { collection: 'events', minimize: false, versionKey: false },
);
eventSchema.index({ source: 1, idempotencyKey: 1 }, { unique: true });
eventSchema.index({ customerId: 1, occurredAt: -1 });

/** The event id of (source, idempotencyKey): `ev_` + 32 hex characters of their sha256. */
export function eventIdFor(source: string, idempotencyKey: string): string {
  const hash = createHash('sha256').update(source).update('\u0000').update(idempotencyKey).digest('hex');
  return `ev_${hash.slice(0, 32)}`;
}

export type EventDoc = InferSchemaType<typeof eventSchema>;

export const eventModel = (connection: Connection) => connection.model('Event', eventSchema);

/**
 * The outbox: one row per stored event still to be routed, deleted once it is. Kept apart from the
 * events so it stays small: on FerretDB a write that changes a document costs more as its collection
 * grows, and the sweep for due rows reads this collection, not every event.
 */
export const eventOutboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    /** Until then the row belongs to the process that leased it (a crashed holder's lease runs out). */
    leaseUntil: { type: Date, required: true },
    profileApplied: { type: Boolean, default: false },
    lastError: { type: String },
    /** Journeys a failed routing already handled (JSON text), skipped by the retry. */
    partialJson: { type: String },
  },
  { collection: 'eventoutbox', versionKey: false },
);
eventOutboxSchema.index({ leaseUntil: 1 });

/** The routing outcome of a routed event (JSON text), answered again to a duplicate POST. Insert-only. */
export const eventResultSchema = new Schema(
  {
    _id: { type: String, required: true },
    resultJson: { type: String, required: true },
    routedAt: { type: Date, required: true },
  },
  { collection: 'eventresults', versionKey: false },
);

export const eventOutboxModel = (connection: Connection) => connection.model('EventOutbox', eventOutboxSchema);
export const eventResultModel = (connection: Connection) => connection.model('EventResult', eventResultSchema);
