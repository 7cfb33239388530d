import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The re-entry ledger. Rows of four kinds share the unique index (journey, customer, entry key):
 * - one row per entry attempt (`entryKey` = the entry event id or `start:<ms>`), recording the
 *   decision, so a re-executed claim answers the same;
 * - one row per grant (`entryKey` = {@link ENTRY_GRANT_PREFIX} + a zero-padded sequence number,
 *   `lastEntryKey` = the entry granted): inserting the next number is the atomic decision;
 * - one hint row per journey and customer (`#grants`) with the last grant's number in `enteredMs`;
 * - one row per keyed run started and not yet claimed ({@link ENTRY_STARTED_PREFIX} + the entry event
 *   id, `started: true`), so events without the key find it before its claim is answered.
 */
export const entrySchema = new Schema(
  {
    /** Journey, customer and entry key joined: every lookup of a claim is by `_id`. */
    _id: { type: String, required: true },
    journeyId: { type: String, required: true },
    customerId: { type: String, required: true },
    entryKey: { type: String, required: true },
    granted: { type: Boolean },
    /** When the entry (or the grant) happened, epoch ms of workflow time; the hint row: the last grant's number. */
    enteredMs: { type: Number, required: true },
    /** Grant rows: the entry key granted. */
    lastEntryKey: { type: String },
    workflowId: { type: String },
    /** Entry rows: the run the decision belongs to (another run with the same entry key is refused). */
    runId: { type: String },
    version: { type: Number },
    /** Set when the run ends (entry rows); open granted rows are the runs control signals reach. */
    outcome: { type: String, default: null },
    endedAt: { type: Date },
    /** Started rows: a keyed run that `enterJourney` started, until its entry claim is answered. */
    started: { type: Boolean },
  },
  { collection: 'entries', timestamps: true },
);
entrySchema.index({ journeyId: 1, customerId: 1, entryKey: 1 }, { unique: true });
entrySchema.index({ journeyId: 1, granted: 1, outcome: 1, _id: 1 });
entrySchema.index({ customerId: 1, granted: 1, outcome: 1 });
entrySchema.index({ customerId: 1, started: 1 });

/** Prefix of grant rows' keys; the engine's keys are event ids or `start:<ms>`. */
export const ENTRY_GRANT_PREFIX = '#grant:';
/** Prefix of started rows' keys (a keyed run started, its claim not answered yet). */
export const ENTRY_STARTED_PREFIX = '#started:';

export type EntryDoc = InferSchemaType<typeof entrySchema>;

export const entryModel = (connection: Connection) => connection.model('Entry', entrySchema);
