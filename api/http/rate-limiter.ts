/** A token bucket per id, in memory. */

/**
 * Buckets of `perMinute` tokens refilled continuously, bursts up to a tenth of a minute's worth (at
 * least 10). `take` answers 0 when a token was taken, else the ms until the next one; `peek` answers
 * the same without taking. At most `maxIds` buckets are kept (least recently used dropped first).
 */
export function createRateLimiter(clock: () => number, maxIds = Infinity) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  function refill(id: string, perMinute: number) {
    const now = clock();
    const capacity = Math.max(10, perMinute / 10);
    const rate = perMinute / 60_000;
    const bucket = buckets.get(id) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    buckets.delete(id);
    buckets.set(id, bucket);
    if (buckets.size > maxIds) buckets.delete(buckets.keys().next().value!);
    return { bucket, wait: bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / rate) };
  }
  return {
    take(id: string, perMinute: number): number {
      const { bucket, wait } = refill(id, perMinute);
      if (wait === 0) bucket.tokens -= 1;
      return wait;
    },
    peek(id: string, perMinute: number): number {
      return refill(id, perMinute).wait;
    },
  };
}
