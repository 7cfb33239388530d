import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A customer event as received; `source` + `idempotencyKey` make a retried POST a no-op. */
export const eventSchema = new Schema(
  {
    source: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    type: { type: String, required: true },
    customerId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    properties: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'events', timestamps: { createdAt: 'receivedAt', updatedAt: false }, minimize: false },
);
eventSchema.index({ source: 1, idempotencyKey: 1 }, { unique: true });
eventSchema.index({ customerId: 1, occurredAt: -1 });

export type EventDoc = InferSchemaType<typeof eventSchema>;

export const eventModel = (connection: Connection) => connection.model('Event', eventSchema);
