import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The send ledger. A row is written before the provider is called; its unique `idempotencyKey`
 * (workflow id + step id + entry) is what makes a retried send go out at most once.
 */
export const deliverySchema = new Schema(
  {
    idempotencyKey: { type: String, required: true },
    customerId: { type: String, required: true },
    channel: { type: String, enum: ['email', 'line'], required: true },
    template: { type: String },
    status: { type: String, enum: ['pending', 'sent', 'failed'], default: 'pending' },
    providerMessageId: { type: String },
    error: { code: String, message: String, permanent: Boolean },
    sentAt: { type: Date },
  },
  { collection: 'deliveries', timestamps: true },
);
deliverySchema.index({ idempotencyKey: 1 }, { unique: true });
deliverySchema.index({ customerId: 1, channel: 1, sentAt: -1 });

export type DeliveryDoc = InferSchemaType<typeof deliverySchema>;

export const deliveryModel = (connection: Connection) => connection.model('Delivery', deliverySchema);
