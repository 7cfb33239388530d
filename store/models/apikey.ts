import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** What a key may do; a route names the scope it needs. */
export const API_SCOPES = [
  'events:write',
  'customers:read',
  'customers:write',
  'journeys:read',
  'journeys:publish',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * An API key. Only the sha256 of the token is stored: a leaked collection does not leak usable keys.
 * `prefix` (the token's first characters) lets an operator tell keys apart without the secret.
 */
export const apiKeySchema = new Schema(
  {
    keyId: { type: String, required: true },
    hash: { type: String, required: true },
    prefix: { type: String, required: true },
    name: { type: String, required: true },
    scopes: { type: [String], enum: API_SCOPES, default: [] },
    /** Requests a minute this key may make; `null` = the server's default. */
    rateLimitPerMinute: { type: Number, default: null },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'apikeys', versionKey: false },
);
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ keyId: 1 }, { unique: true });

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>;

export const apiKeyModel = (connection: Connection) => connection.model('ApiKey', apiKeySchema);
