import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** What an operator can set a journey to: `paused` holds sends, `archived` ends every run. */
export const JOURNEY_STATUSES = ['active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

/**
 * A journey's head: which published version new entrants get and whether the journey runs. One
 * document per journey, beside the immutable versions (`journeys`); the send activity re-reads the
 * status before every delivery, so a paused journey sends nothing even when its signal is late.
 */
export const journeyHeadSchema = new Schema(
  {
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    contentHash: { type: String, required: true },
    status: { type: String, enum: JOURNEY_STATUSES, required: true, default: 'active' },
    // Counts status changes: runs apply a control only when it is newer than the last they applied.
    generation: { type: Number, required: true, default: 0 },
  },
  { collection: 'journeyheads', timestamps: true },
);
journeyHeadSchema.index({ journeyId: 1 }, { unique: true });

export type JourneyHeadDoc = InferSchemaType<typeof journeyHeadSchema>;

export const journeyHeadModel = (connection: Connection) => connection.model('JourneyHead', journeyHeadSchema);
