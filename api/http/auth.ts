/**
 * Bearer API keys with scopes, and a per-key rate limit. Keys are looked up by the token's sha256;
 * lookups are cached for `cacheMs` (a revocation takes effect within that time) so an event stream does
 * not cost one extra MongoDB read per request.
 */
import type { RequestHandler } from 'express';
import { findApiKeyByToken, type ApiKey, type ApiScope } from '../../store/apikeys.js';
import type { Models } from '../../store/connection.js';
import { ApiError } from './errors.js';

export interface AuthOptions {
  models: Models;
  /** How long a key lookup is reused; default 5 s. */
  cacheMs?: number;
  /** Requests a minute for keys without their own limit; default 120,000. */
  defaultRateLimitPerMinute?: number;
  clock?: () => number;
}

export interface Auth {
  /** Authenticates the bearer key, checks `scope` and the key's rate limit. */
  require(scope: ApiScope): RequestHandler;
}

/** Builds the auth middleware factory (one per app: caches and buckets are per process). */
export function createAuth(opts: AuthOptions): Auth {
  const clock = opts.clock ?? Date.now;
  const cacheMs = opts.cacheMs ?? 5_000;
  const cache = new Map<string, { key: ApiKey | null; until: number }>();
  const limiter = createRateLimiter(clock);
  const defaultLimit = opts.defaultRateLimitPerMinute ?? 120_000;

  async function lookup(token: string): Promise<ApiKey | null> {
    const now = clock();
    const hit = cache.get(token);
    if (hit && hit.until > now) return hit.key;
    const key = await findApiKeyByToken(opts.models, token);
    if (cache.size > 10_000) cache.clear();
    if (cacheMs > 0) cache.set(token, { key, until: now + cacheMs });
    return key;
  }

  return {
    require(scope) {
      return (req, res, next) => {
        const header = req.get('authorization') ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1]) {
          next(new ApiError(401, 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>".'));
          return;
        }
        lookup(match[1])
          .then((key) => {
            if (!key) throw new ApiError(401, 'UNAUTHENTICATED', 'The API key is not known.');
            if (key.revokedAt) throw new ApiError(401, 'API_KEY_REVOKED', 'The API key was revoked.');
            req.apiKey = key;
            if (!key.scopes.includes(scope)) {
              throw new ApiError(403, 'INSUFFICIENT_SCOPE', `This API key lacks the scope "${scope}".`, {
                required: scope,
                granted: key.scopes,
              });
            }
            const waitMs = limiter.take(key.keyId, key.rateLimitPerMinute ?? defaultLimit);
            if (waitMs > 0) {
              const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
              throw new ApiError(429, 'RATE_LIMITED', 'Too many requests for this API key.', undefined, retryAfterS);
            }
            next();
          })
          .catch(next);
      };
    },
  };
}

/**
 * A token bucket per key: `perMinute` tokens refilled continuously, bursts up to a tenth of a minute's
 * worth (at least 10). Returns 0 when a token was taken, else the ms until the next one.
 */
export function createRateLimiter(clock: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(id: string, perMinute: number): number {
      const now = clock();
      const capacity = Math.max(10, perMinute / 10);
      const rate = perMinute / 60_000;
      const bucket = buckets.get(id) ?? { tokens: capacity, at: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate);
      bucket.at = now;
      buckets.set(id, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / rate);
    },
  };
}
