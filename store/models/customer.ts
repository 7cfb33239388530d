import { Schema, type Connection } from 'mongoose';

/** Email consent: `bounced` is set by the delivery layer when the mailbox refuses mail. */
export const EMAIL_CONSENT = ['subscribed', 'unsubscribed', 'bounced', 'unknown'] as const;
/** LINE consent, from follow / unfollow webhooks: `blocked` after an unfollow. */
export const LINE_CONSENT = ['following', 'blocked', 'unknown'] as const;

/**
 * A customer, stored in the shape journeys read it: the profile fields of
 * `definitions/profile-fields.yaml` at the top level (`totalSpent`, `lastOrderAt`, `consent.email`,
 * `tags`...), dates as BSON dates, so one condition text is both `evaluateCondition`'s input and a
 * MongoDB query. The schema is not strict because the profile fields are declared in YAML, not here;
 * every write goes through `store/customers.ts`, which keeps the system fields ({@link SYSTEM_FIELDS})
 * out of reach of profile writes.
 */
export const customerSchema = new Schema(
  {
    // The customer id is the document key: on FerretDB only `_id` lookups avoid a collection scan.
    _id: { type: String },
    customerId: { type: String, required: true },
    email: { type: String },
    lineUserId: { type: String },
    locale: { type: String },
    timezone: { type: String },
    consent: {
      email: { type: String, enum: EMAIL_CONSENT, default: 'unknown' },
      line: { type: String, enum: LINE_CONSENT, default: 'unknown' },
    },
    tags: { type: [String], default: [] },
    acquisitionSource: { type: String },
  },
  { collection: 'customers', timestamps: true, minimize: false, strict: false },
);
customerSchema.index({ customerId: 1 }, { unique: true });
// Documents created through the model (tests, tools) get their key from the customer id.
customerSchema.pre('validate', function keyByCustomerId() {
  if (this._id == null) this._id = this.customerId;
});
// One customer per LINE user: webhooks and pushes find the customer by it. Sparse: most have none.
customerSchema.index({ lineUserId: 1 }, { unique: true, sparse: true });
// The console looks customers up by email address. Not unique: two profiles may share an address.
customerSchema.index({ email: 1 }, { sparse: true });

export const customerModel = (connection: Connection) => connection.model('Customer', customerSchema);
