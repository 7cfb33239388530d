import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Where an event stands in the outbox: `pending` until every interested journey was told. */
export const ROUTE_STATES = ['pending', 'done'] as const;

/**
 * A customer event as received. `_id` and `eventId` hold the same string id, derived from `source` +
 * `idempotencyKey` (so a retried POST is a no-op); the delivery layer loads the entry event by it
 * (`{ _id: eventId }` is the fast lookup on FerretDB). The event
 * document is its own outbox row: `route.state` stays `pending` until the profile effects are applied
 * and every listening journey was entered or signalled, and a background loop retries what a request
 * could not finish (`route.leaseUntil` keeps two processes from working on one event at once).
 */
export const eventSchema = new Schema(
  {
    /** The event id (see store/events.ts `eventIdFor`). */
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    source: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    type: { type: String, required: true },
    customerId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    properties: { type: Schema.Types.Mixed, default: {} },
    /** An inline profile patch sent with the event (validated), applied before routing. */
    profile: { type: Schema.Types.Mixed },
    receivedAt: { type: Date, required: true },
    route: {
      state: { type: String, enum: ROUTE_STATES, required: true },
      attempts: { type: Number, default: 0 },
      leaseUntil: { type: Date, required: true },
      profileApplied: { type: Boolean, default: false },
      lastError: { type: String },
      /** The first routing's outcome, returned again to a duplicate POST (as JSON text). */
      resultJson: { type: String },
      /** Journeys a failed routing already handled (JSON text), skipped by the retry. */
      partialJson: { type: String },
      routedAt: { type: Date },
    },
  },
  { collection: 'events', minimize: false, versionKey: false },
);
eventSchema.index({ source: 1, idempotencyKey: 1 }, { unique: true });
eventSchema.index({ customerId: 1, occurredAt: -1 });
eventSchema.index({ 'route.state': 1, 'route.leaseUntil': 1 });

export type EventDoc = InferSchemaType<typeof eventSchema>;

export const eventModel = (connection: Connection) => connection.model('Event', eventSchema);
