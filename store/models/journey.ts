import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A published journey version: immutable once written. Customers pin the version they entered with,
 * so a new version never changes the path of those already inside. Which version is current and
 * whether the journey runs is the head's business (`journey-head.ts`).
 */
export const journeySchema = new Schema(
  {
    journeyId: { type: String, required: true },
    version: { type: Number, required: true },
    contentHash: { type: String, required: true },
    name: { type: String, required: true },
    // The plan as JSON text: its conditions hold `$`-prefixed keys ($gte, $in, ...), which MongoDB
    // and FerretDB restrict as stored field names.
    planJson: { type: String, required: true },
    source: { type: String, required: true },
    // The sources of the templates the plan pins (name -> channel -> { file, hash, source }), as JSON
    // text: a version renders with the templates it was published with.
    templatesJson: { type: String, default: '{}' },
    file: { type: String },
  },
  { collection: 'journeys', timestamps: { createdAt: 'publishedAt', updatedAt: false } },
);
journeySchema.index({ journeyId: 1, version: 1 }, { unique: true });
// Not unique: publishing content equal to an older version stores it again as a new version.
journeySchema.index({ journeyId: 1, contentHash: 1, version: -1 });

export type JourneyDoc = InferSchemaType<typeof journeySchema>;

export const journeyModel = (connection: Connection) => connection.model('Journey', journeySchema);
