import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One engine journal record of one run: what happened at which step, for per-step funnels. `rowId`
 * is stable (workflow id, first run id, sequence), so re-inserting a batch after a retry or a
 * replay writes each row once. `detail` holds small facts (template, channel, until), never profile data.
 */
export const journalSchema = new Schema(
  {
    rowId: { type: String, required: true },
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    customerId: { type: String, required: true },
    workflowId: { type: String, required: true },
    stepId: { type: String, default: null },
    stepKind: { type: String, default: null },
    action: { type: String, required: true },
    reason: { type: String, default: null },
    detail: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, required: true },
  },
  { collection: 'journal', minimize: false },
);
journalSchema.index({ rowId: 1 }, { unique: true });
journalSchema.index({ journeyId: 1, version: 1, stepId: 1, action: 1 });
journalSchema.index({ customerId: 1, at: 1 });

export type JournalDoc = InferSchemaType<typeof journalSchema>;

export const journalModel = (connection: Connection) => connection.model('JournalRow', journalSchema);
