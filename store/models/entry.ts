import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The re-entry ledger. Two kinds of rows share the unique index (journey, customer, entry key):
 * - one row per entry attempt (`entryKey` = the entry event id or `start:<ms>`), recording the
 *   decision, so a re-executed claim answers the same;
 * - one head row per journey and customer (`entryKey` = {@link ENTRY_HEAD_KEY}) holding the last
 *   granted entry, which the decision updates with one conditional write (no transactions).
 */
export const entrySchema = new Schema(
  {
    journeyId: { type: String, required: true },
    customerId: { type: String, required: true },
    entryKey: { type: String, required: true },
    granted: { type: Boolean },
    /** The last granted entry (head row) or this entry's time (entry rows), epoch ms of workflow time. */
    enteredMs: { type: Number, required: true },
    /** Head row: the entry key of the last granted entry. */
    lastEntryKey: { type: String },
    workflowId: { type: String },
    version: { type: Number },
    /** Set when the run ends (entry rows); open granted rows are the runs control signals reach. */
    outcome: { type: String, default: null },
    endedAt: { type: Date },
  },
  { collection: 'entries', timestamps: true },
);
entrySchema.index({ journeyId: 1, customerId: 1, entryKey: 1 }, { unique: true });
entrySchema.index({ journeyId: 1, granted: 1, outcome: 1, _id: 1 });
entrySchema.index({ customerId: 1, granted: 1, outcome: 1 });

/** The entry key of the head row; the engine's keys are event ids or `start:<ms>`, never this. */
export const ENTRY_HEAD_KEY = '#head';

export type EntryDoc = InferSchemaType<typeof entrySchema>;

export const entryModel = (connection: Connection) => connection.model('Entry', entrySchema);
