/**
 * API keys: the only code that reads or writes the `apikeys` collection. A token is shown once, at
 * creation; only its sha256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiScope } from './models/apikey.js';
import type { Models } from './models/index.js';

export { API_SCOPES, type ApiScope } from './models/apikey.js';

/** Every token starts with this, so secret scanners and people recognise a Kizuna key. */
export const TOKEN_PREFIX = 'kz_';

/** A key as the API sees it (never the token, never the hash). */
export interface ApiKey {
  keyId: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** sha256 (hex) of a token: what is stored and looked up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a key; the returned `token` is the only copy of the secret. */
export async function createApiKey(
  models: Models,
  input: { name: string; scopes: readonly ApiScope[]; rateLimitPerMinute?: number | null },
): Promise<ApiKey & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  const key: ApiKey = {
    keyId: `key_${randomBytes(8).toString('hex')}`,
    name: input.name,
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    scopes: [...new Set(input.scopes)],
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    createdAt: new Date(),
    revokedAt: null,
  };
  await models.ApiKey.create({ ...key, hash: hashToken(token) });
  return { ...key, token };
}

/** The key a token belongs to, revoked or not; `null` for an unknown token. */
export async function findApiKeyByToken(models: Models, token: string): Promise<ApiKey | null> {
  const doc = await models.ApiKey.findOne({ hash: hashToken(token) }, { _id: 0, hash: 0 }).lean<ApiKey>();
  return doc ?? null;
}

/** Revokes a key at once (idempotent); returns false for an unknown key id. */
export async function revokeApiKey(models: Models, keyId: string): Promise<boolean> {
  const doc = await models.ApiKey.findOne({ keyId }, { revokedAt: 1 }).lean();
  if (!doc) return false;
  if (!doc.revokedAt) await models.ApiKey.updateOne({ keyId }, { $set: { revokedAt: new Date() } });
  return true;
}

/** Every key, newest first, without secrets. */
export async function listApiKeys(models: Models): Promise<ApiKey[]> {
  return models.ApiKey.find({}, { _id: 0, hash: 0 }).sort({ createdAt: -1 }).lean<ApiKey[]>();
}

/** The key of `keyId`, revoked or not; `null` for an unknown id. */
export async function findApiKeyById(models: Models, keyId: string): Promise<ApiKey | null> {
  const doc = await models.ApiKey.findOne({ keyId }, { _id: 0, hash: 0 }).lean<ApiKey>();
  return doc ?? null;
}
