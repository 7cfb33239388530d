/**
 * What the auth middleware remembers between requests, in memory and bounded: API key lookups, and
 * which client addresses keep failing to authenticate.
 */
import type { ApiKey } from '../../store/apikeys.js';
import { createRateLimiter } from './rate-limiter.js';

/**
 * Key lookups reused for `cacheMs`. Known keys (revoked ones included) are kept apart from unknown
 * tokens: anyone can send unknown tokens, so those live in an LRU of at most `maxUnknown` entries,
 * and a flood of them never pushes a valid key out (the known side only ever holds keys that exist).
 */
export function createTokenCache(opts: { cacheMs: number; maxUnknown?: number; clock: () => number }) {
  const maxUnknown = opts.maxUnknown ?? 10_000;
  const known = new Map<string, { key: ApiKey; until: number }>();
  // A Map iterates in insertion order: re-inserting on use makes the first entry the least recently used.
  const unknown = new Map<string, number>();
  return {
    /** The cached answer: a key, `null` (known to be unknown), or `undefined` (ask the store). */
    get(token: string): ApiKey | null | undefined {
      const now = opts.clock();
      const hit = known.get(token);
      if (hit && hit.until > now) return hit.key;
      const until = unknown.get(token);
      if (until === undefined) return undefined;
      unknown.delete(token);
      if (until <= now) return undefined;
      unknown.set(token, until);
      return null;
    },
    /**
     * Whether the token belonged to a live key when last looked up, however long ago: such a caller is not
     * a guesser, and is not held back by the limit on failed attempts (its key is still looked up).
     */
    isKnown: (token: string) => known.get(token)?.key.revokedAt === null,
    set(token: string, key: ApiKey | null): void {
      const until = opts.clock() + opts.cacheMs;
      if (key) {
        // Kept past `until` (bounded by the keys that exist) for isKnown; get() asks the store again.
        known.set(token, { key, until });
        unknown.delete(token);
        return;
      }
      known.delete(token);
      if (opts.cacheMs <= 0) return;
      unknown.delete(token);
      unknown.set(token, until);
      if (unknown.size > maxUnknown) unknown.delete(unknown.keys().next().value!);
    },
    /** Entries held, for tests. */
    size: () => ({ known: known.size, unknown: unknown.size }),
  };
}

/**
 * Failed authentications per client address: a token bucket of `perMinute` (burst a tenth of it, at
 * least 10). An address past it is answered 429 before any store lookup. At most `maxAddresses`
 * buckets are kept (oldest dropped): a dropped address merely starts again with a full bucket.
 */
export function createFailureLimiter(opts: { perMinute: number; maxAddresses?: number; clock: () => number }) {
  const limiter = createRateLimiter(opts.clock, opts.maxAddresses ?? 10_000);
  return {
    /** Ms until `address` may try again; 0 when it may try now (nothing is taken). */
    waitMs: (address: string) => limiter.peek(address, opts.perMinute),
    /** Counts one failed attempt from `address`. */
    failed: (address: string) => void limiter.take(address, opts.perMinute),
  };
}
