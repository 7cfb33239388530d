import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Ledger states: a row is claimed `pending` before the provider call and ends in one of the others. */
export const DELIVERY_STATUS = ['pending', 'sent', 'failed', 'skipped'] as const;

/**
 * The send ledger: one row per delivery key, inserted before the provider is called. The row's `_id` is
 * the delivery key (also kept as `idempotencyKey`), so every lookup is by `_id`. FerretDB v1 has no
 * transactions and applies conditional updates as read-then-write, so the insert with a unique `_id`
 * is the only decision point — the loser of a race for one key does not send. Frequency-cap slots and retry takeovers are claimed the same way, by
 * inserting {@link deliveryClaimSchema} documents with a unique `_id`.
 */
export const deliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    customerId: { type: String, required: true },
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    stepId: { type: String, required: true },
    template: { type: String, required: true },
    channel: { type: String, enum: ['email', 'line', null], default: null },
    status: { type: String, enum: DELIVERY_STATUS, required: true },
    /** The frequency-cap slot this send holds (see `store/delivery-slots.ts`); absent when it never reached a provider. */
    slotId: { type: String },
    /** The attempt holding the row: a hint, the `attempt|…` claims are the truth (`store/deliveries.ts`). */
    attempt: { type: Number, default: 1 },
    /** Real-clock ms until which the current attempt owns the row; 0 once it released it. */
    leaseUntilMs: { type: Number, default: 0 },
    /**
     * An earlier attempt may have been accepted by the provider (SMTP timeout, crash mid-call); kept on
     * the final row, so a `sent` row with it may stand for a message the recipient got twice.
     */
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
deliverySchema.index({ customerId: 1, channel: 1 });
// The customer timeline reads a customer's rows newest first (store/timeline.ts).
deliverySchema.index({ customerId: 1, createdAt: -1 });
deliverySchema.index({ journeyId: 1, stepId: 1, status: 1 });

export type DeliveryDoc = InferSchemaType<typeof deliverySchema>;

/**
 * Claims decided by a unique `_id` insert:
 * - `slot|<customer>|<channel>|<seq>`: the customer's seq-th send on the channel, at `atMs` (engine clock),
 *   for delivery `key`; `released` when that send never reached the provider;
 * - `head|<customer>|<channel>`: a hint of the latest seq (`seq`), so finding the next slot starts near it;
 * - `attempt|<deliveryKey>|<n>`: the n-th attempt of a delivery took over its pending row, holding it
 *   until `leaseUntilMs` (real clock); `uncertain` when an attempt before it may have reached the provider.
 */
export const deliveryClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String },
    atMs: { type: Number },
    seq: { type: Number },
    released: { type: Boolean },
    leaseUntilMs: { type: Number },
    uncertain: { type: Boolean },
  },
  { collection: 'delivery_claims', versionKey: false },
);

export const deliveryModel = (connection: Connection) => connection.model('Delivery', deliverySchema);
export const deliveryClaimModel = (connection: Connection) => connection.model('DeliveryClaim', deliveryClaimSchema);
