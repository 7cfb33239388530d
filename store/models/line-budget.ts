import { Schema, type Connection } from 'mongoose';

/**
 * The LINE message budget's counter (`line_budget`): one document per LINE push counted in a month,
 * `_id = <month>|<n>` for the month's n-th message, inserted for delivery `key`. The unique `_id` makes
 * the count atomic (two sends racing for message n: one insert wins, the other takes n + 1), the unique
 * `key` makes it exactly-once (a retried send cannot take a second number). A hint of the month's
 * highest number lives in `delivery_claims` as `lbhead|<month>`.
 */
export const lineBudgetSlotSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The quota month, `YYYY-MM` in Japan time (LINE's). */
    month: { type: String, required: true },
    n: { type: Number, required: true },
    /** The delivery key the message went out under. */
    key: { type: String, required: true },
    transactional: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'line_budget', versionKey: false },
);
lineBudgetSlotSchema.index({ key: 1 }, { unique: true });

export const lineBudgetSlotModel = (connection: Connection) => connection.model('LineBudgetSlot', lineBudgetSlotSchema);
