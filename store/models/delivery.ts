import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Ledger states: a row is claimed `pending` before the provider call and ends in one of the others. */
export const DELIVERY_STATUS = ['pending', 'sent', 'failed', 'skipped'] as const;

/**
 * The send ledger: one row per delivery key (`idempotencyKey`), inserted before the provider is called. Two unique
 * indexes make the insert the only decision point (FerretDB v1 has no transactions and applies
 * conditional updates as read-then-write, so an update cannot arbitrate a race; an insert can):
 * - `idempotencyKey`: the loser of a race for one key does not send;
 * - `capSlot` (`<customer>|<channel>|<seq>`): the loser of a race for the customer's next send
 *   slot re-reads the cap window. Rows that never reach a provider hold `-|<deliveryKey>`.
 * Retries after a crash take over a `pending` row by inserting a {@link deliveryAttemptSchema} row.
 */
export const deliverySchema = new Schema(
  {
    idempotencyKey: { type: String, required: true },
    customerId: { type: String, required: true },
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    stepId: { type: String, required: true },
    template: { type: String, required: true },
    channel: { type: String, enum: ['email', 'line', null], default: null },
    status: { type: String, enum: DELIVERY_STATUS, required: true },
    capSlot: { type: String, required: true },
    /** Position in the customer's sends on this channel; absent for rows that never reach a provider. */
    capSeq: { type: Number },
    /** The engine's clock at the claim: the frequency-cap window is counted on it. */
    capAtMs: { type: Number },
    attempt: { type: Number, default: 1 },
    /** Real-clock ms until which the current attempt owns the row. */
    leaseUntilMs: { type: Number, default: 0 },
    /** An earlier attempt may have been accepted by the provider (SMTP timeout, crash mid-call). */
    uncertain: { type: Boolean, default: false },
    reason: { type: String },
    detail: { type: String },
    providerMessageId: { type: String },
    providerResponse: { type: String },
    sentAt: { type: Date },
    finishedAt: { type: Date },
  },
  { collection: 'deliveries', timestamps: true },
);
deliverySchema.index({ idempotencyKey: 1 }, { unique: true });
deliverySchema.index({ capSlot: 1 }, { unique: true });
deliverySchema.index({ customerId: 1, channel: 1, capSeq: -1 });
deliverySchema.index({ journeyId: 1, stepId: 1, status: 1 });

export type DeliveryDoc = InferSchemaType<typeof deliverySchema>;

/** A takeover of a `pending` row by a retry: `_id` = `<deliveryKey>#<attempt>`, so one retry wins. */
export const deliveryAttemptSchema = new Schema(
  { _id: { type: String, required: true } },
  { collection: 'delivery_attempts', timestamps: { createdAt: true, updatedAt: false } },
);

export const deliveryModel = (connection: Connection) => connection.model('Delivery', deliverySchema);
export const deliveryAttemptModel = (connection: Connection) =>
  connection.model('DeliveryAttempt', deliveryAttemptSchema);
