/**
 * The API key `npm start` prints. Its token cannot be shown again (only its hash is stored), so each
 * start replaces it: the previous local keys are revoked and one new key is created. Keys with other
 * names are left alone.
 */
import { createApiKey, listApiKeys, revokeApiKey } from '../store/apikeys.js';
import { API_SCOPES } from '../store/models/apikey.js';
import type { Models } from '../store/models/index.js';

/** The name the local key carries (`kizuna apikey list` shows it). */
export const LOCAL_KEY_NAME = 'local demo';

/** Revokes the active local keys, then creates one with every scope; returns its token and how many were revoked. */
export async function replaceLocalApiKey(models: Models): Promise<{ token: string; keyId: string; revoked: number }> {
  const previous = (await listApiKeys(models)).filter((k) => k.name === LOCAL_KEY_NAME && k.revokedAt === null);
  for (const key of previous) await revokeApiKey(models, key.keyId);
  const created = await createApiKey(models, { name: LOCAL_KEY_NAME, scopes: [...API_SCOPES] });
  return { token: created.token, keyId: created.keyId, revoked: previous.length };
}
