/**
 * A small, pure, stable hash for assignments that must never change between runs, machines or
 * versions (split arms, holdout). FNV-1a over UTF-16 code units, 32 bits.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) of `text`, as an unsigned integer. */
export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** A stable bucket in `[0, buckets)` for `parts` joined with a separator that cannot occur in ids. */
export function stableBucket(buckets: number, ...parts: string[]): number {
  return fnv1a(parts.join('\u0000')) % buckets;
}

/**
 * Whether a customer belongs to a journey's holdout: a stable share of `holdoutPercent` (0-100,
 * hundredths honoured) of customers, the same on every entry.
 */
export function isInHoldout(journeyId: string, customerId: string, holdoutPercent: number): boolean {
  if (!(holdoutPercent > 0)) return false;
  return stableBucket(10_000, journeyId, customerId, 'holdout') < Math.round(holdoutPercent * 100);
}
