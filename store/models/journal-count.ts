import { Schema, type Connection } from 'mongoose';

/**
 * The journal's counters, per journey version (see store/journal-counts.ts). Only ever inserted and
 * deleted, never updated: FerretDB v1 applies an update by reading the document and writing it back,
 * so two concurrent `$inc` can lose one. Two kinds of documents:
 * - `kind: 'delta'`: what one journal batch added (`counts`), inserted once;
 * - `kind: 'total'`: the sum of every delta folded into it, generation `gen`; `_id` ends in the
 *   generation, so two compactions racing to write the next one cannot both win (unique `_id`).
 *   `folded` lists the deltas it took in (deleted after it, skipped if still there).
 */
export const journalCountSchema = new Schema(
  {
    _id: { type: String, required: true },
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    kind: { type: String, enum: ['delta', 'total'], required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    gen: { type: Number },
    folded: { type: [String], default: undefined },
  },
  { collection: 'journal_counts', versionKey: false, minimize: false },
);
journalCountSchema.index({ journeyId: 1, version: 1 });

/**
 * Marks that make distinct counts exact: "run R reached step S", "run R converted". Inserted once each
 * (unique `_id`, which holds the run id); a counter moves only when its mark is new. They name the
 * customer, so erasure deletes them by `customerId`; a recount of a version drops the version's.
 */
export const journalMarkSchema = new Schema(
  {
    _id: { type: String, required: true },
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    customerId: { type: String, required: true },
  },
  { collection: 'journal_marks', versionKey: false },
);
journalMarkSchema.index({ customerId: 1 });
journalMarkSchema.index({ journeyId: 1, version: 1 });

export const journalCountModel = (connection: Connection) => connection.model('JournalCount', journalCountSchema);
export const journalMarkModel = (connection: Connection) => connection.model('JournalMark', journalMarkSchema);
