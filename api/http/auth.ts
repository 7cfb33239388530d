/**
 * Bearer API keys with scopes, and a per-key rate limit. Keys are looked up by the token's sha256;
 * lookups are cached for `cacheMs` (a revocation takes effect within that time) so an event stream does
 * not cost one extra MongoDB read per request. Requests without a valid key are limited per client
 * address, in memory: past the limit they get 429 without touching the store.
 */
import type { Request, RequestHandler } from 'express';
import { findApiKeyByToken, type ApiKey, type ApiScope } from '../../store/apikeys.js';
import type { Models } from '../../store/connection.js';
import { ApiError } from './errors.js';
import { createRateLimiter } from './rate-limiter.js';
import { createFailureLimiter, createTokenCache } from './token-cache.js';

export { createRateLimiter };

export interface AuthOptions {
  models: Models;
  /** How long a key lookup is reused; default 5 s. */
  cacheMs?: number;
  /** Requests a minute for keys without their own limit; default 120,000. */
  defaultRateLimitPerMinute?: number;
  /** Requests a minute without a valid key, per client address; default 60 (bursts of 10). */
  failedAuthPerMinute?: number;
  /** Unknown tokens remembered (LRU); default 10,000. */
  maxUnknownTokens?: number;
  clock?: () => number;
}

export interface Auth {
  /** Authenticates the bearer key, checks `scope` and the key's rate limit. */
  require(scope: ApiScope): RequestHandler;
}

const retryAfter = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 1000));

/** Builds the auth middleware factory (one per app: caches and buckets are per process). */
export function createAuth(opts: AuthOptions): Auth {
  const clock = opts.clock ?? Date.now;
  const cache = createTokenCache({ cacheMs: opts.cacheMs ?? 5_000, maxUnknown: opts.maxUnknownTokens, clock });
  const failures = createFailureLimiter({ perMinute: opts.failedAuthPerMinute ?? 60, clock });
  const limiter = createRateLimiter(clock);
  const defaultLimit = opts.defaultRateLimitPerMinute ?? 120_000;

  /** The key of `token`; throws 429 for an address that keeps failing (before any store lookup). */
  async function lookup(token: string, address: string): Promise<ApiKey | null> {
    const cached = cache.get(token);
    if (cached) return cached;
    if (!cache.isKnown(token)) refuseFailingAddress(address);
    if (cached === null) return null;
    const key = await findApiKeyByToken(opts.models, token);
    cache.set(token, key);
    return key;
  }

  function refuseFailingAddress(address: string): void {
    const waitMs = failures.waitMs(address);
    if (waitMs > 0) {
      throw new ApiError(
        429,
        'RATE_LIMITED',
        'Too many requests without a valid API key from this address.',
        undefined,
        retryAfter(waitMs),
      );
    }
  }

  function authorize(key: ApiKey | null, scope: ApiScope, req: Request): void {
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
      throw new ApiError(429, 'RATE_LIMITED', 'Too many requests for this API key.', undefined, retryAfter(waitMs));
    }
  }

  return {
    require(scope) {
      return (req, _res, next) => {
        // req.ip: the socket's peer, as 'trust proxy' is off (behind a proxy every client shares its address).
        const address = req.ip ?? 'unknown';
        const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
        const fail = (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) failures.failed(address);
          next(err);
        };
        if (!match?.[1]) {
          try {
            refuseFailingAddress(address);
          } catch (err) {
            next(err);
            return;
          }
          fail(new ApiError(401, 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>".'));
          return;
        }
        lookup(match[1], address)
          .then((key) => {
            authorize(key, scope, req);
            next();
          })
          .catch(fail);
      };
    },
  };
}
