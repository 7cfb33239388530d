import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const consent = { type: String, enum: ['subscribed', 'unsubscribed', 'unknown'], default: 'unknown' };

/** A customer profile: contact points, consent per channel, free attributes, tags and purchase stats. */
export const customerSchema = new Schema(
  {
    externalId: { type: String, required: true },
    email: { type: String },
    lineUserId: { type: String },
    lineFollowing: { type: Boolean, default: false },
    locale: { type: String, default: 'ja-JP' },
    timezone: { type: String },
    consent: { email: consent, line: consent },
    attributes: { type: Schema.Types.Mixed, default: {} },
    tags: { type: [String], default: [] },
    stats: {
      orderCount: { type: Number, default: 0 },
      totalSpent: { type: Number, default: 0 },
      lastOrderAt: { type: Date },
    },
  },
  { collection: 'customers', timestamps: true, minimize: false },
);
customerSchema.index({ externalId: 1 }, { unique: true });
customerSchema.index({ lineUserId: 1 }, { sparse: true });

export type CustomerDoc = InferSchemaType<typeof customerSchema>;

export const customerModel = (connection: Connection) => connection.model('Customer', customerSchema);
