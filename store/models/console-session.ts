import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A signed-in console session. Only the sha256 of the cookie's token is stored, so a leaked collection
 * gives no usable session; the API key is named by id and re-read on every request, so revoking the key
 * or removing a scope ends what the session may do at once.
 */
export const consoleSessionSchema = new Schema(
  {
    hash: { type: String, required: true },
    keyId: { type: String, required: true },
    /** The value every form of the session carries (CSRF); compared in constant time. */
    csrf: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'consolesessions', versionKey: false },
);
consoleSessionSchema.index({ hash: 1 }, { unique: true });
consoleSessionSchema.index({ keyId: 1, expiresAt: 1 });

export type ConsoleSessionDoc = InferSchemaType<typeof consoleSessionSchema>;

export const consoleSessionModel = (connection: Connection) => connection.model('ConsoleSession', consoleSessionSchema);
