/**
 * Console sessions: the only code that reads or writes the `consolesessions` collection. The cookie
 * holds a random token; the store holds its sha256, the API key's id, the CSRF value and the expiry.
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from './apikeys.js';
import type { Models } from './models/index.js';

/** A session as the console sees it (never the token's hash). */
export interface ConsoleSession {
  keyId: string;
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Opens a session for `keyId` lasting `ttlMs` from `nowMs`; the returned `token` (the cookie's value) is
 * the only copy of the secret. The key's sessions past their expiry are deleted on the way (narrowed by
 * the key's id, so the cost follows one key's sessions, not the collection).
 */
export async function createConsoleSession(
  models: Models,
  input: { keyId: string; ttlMs: number; nowMs: number },
): Promise<ConsoleSession & { token: string }> {
  await models.ConsoleSession.deleteMany({ keyId: input.keyId, expiresAt: { $lt: new Date(input.nowMs) } });
  const token = randomBytes(32).toString('base64url');
  const session: ConsoleSession = {
    keyId: input.keyId,
    csrf: randomBytes(24).toString('base64url'),
    createdAt: new Date(input.nowMs),
    expiresAt: new Date(input.nowMs + input.ttlMs),
  };
  await models.ConsoleSession.create({ ...session, hash: hashToken(token) });
  return { ...session, token };
}

/** The live session of `token`; `null` when unknown or expired at `nowMs`. */
export async function findConsoleSession(models: Models, token: string, nowMs: number): Promise<ConsoleSession | null> {
  const doc = await models.ConsoleSession.findOne(
    { hash: hashToken(token) },
    { _id: 0, hash: 0 },
  ).lean<ConsoleSession>();
  if (!doc || doc.expiresAt.getTime() <= nowMs) return null;
  return doc;
}

/** Ends the session of `token` (sign-out); unknown tokens are ignored. */
export async function deleteConsoleSession(models: Models, token: string): Promise<void> {
  await models.ConsoleSession.deleteOne({ hash: hashToken(token) });
}
