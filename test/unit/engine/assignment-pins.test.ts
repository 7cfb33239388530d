// Split arms and the holdout are pinned to values computed outside the engine (FNV-1a 32-bit over
// UTF-16 code units, by a separate implementation): a change to the hash, the separator or the
// order of the parts would move running customers to another arm or out of the control group.
import { describe, expect, it } from 'vitest';
import type { SplitStep } from '../../../definitions/plan.js';
import { chooseVariant, fnv1a, isInHoldout, stableBucket } from '../../../engine/index.js';

/** FNV-1a, 32-bit, written apart from the engine's: BigInt arithmetic, no Math.imul. */
function referenceFnv1a(text: string): number {
  let hash = 0x811c9dc5n;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x01000193n) % 0x100000000n;
  }
  return Number(hash);
}

const split = (weights: Record<string, number>, id = 'subject-test'): SplitStep => ({
  kind: 'split',
  id,
  loc: { line: 1, col: 1 },
  variants: Object.entries(weights).map(([name, weight]) => ({ name, weight, next: null })),
});

describe('assignment pins', () => {
  it('hashes with FNV-1a 32-bit: the published test vectors', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    expect(fnv1a('顧客-1')).toBe(0x5aba5b06);
    expect(fnv1a('ü-😀')).toBe(0x9c1658b7);
  });

  it('agrees with a separate implementation on ids of every kind', () => {
    const ids = ['c1', 'customer-42', 'U4af4980629', '顧客-1', 'ü-😀', 'a\u0000b', 'x'.repeat(300)];
    for (const id of ids) expect(fnv1a(id)).toBe(referenceFnv1a(id));
  });

  it('puts a customer at a split step in a pinned bucket (customer id, then step id)', () => {
    const pinned: [string, number][] = [
      ['c1', 16],
      ['c2', 63],
      ['c3', 46],
      ['c7', 34],
      ['customer-42', 85],
      ['U4af4980629', 58],
      ['顧客-1', 97],
      ['ü-😀', 34],
    ];
    for (const [customer, bucket] of pinned) expect(stableBucket(100, customer, 'subject-test')).toBe(bucket);
  });

  it('gives each customer its pinned variant', () => {
    const thirtySeventy = split({ a: 30, b: 70 });
    const arms = ['c1', 'c2', 'c3', 'c7', 'customer-42', '顧客-1'].map((c) => chooseVariant(thirtySeventy, c)?.name);
    expect(arms).toEqual(['a', 'b', 'b', 'b', 'b', 'b']);
    const thirds = split({ x: 1, y: 1, z: 1 }, 'offer');
    const third = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((c) => chooseVariant(thirds, c)?.name);
    expect(third).toEqual(['x', 'y', 'y', 'z', 'x', 'y']);
  });

  it('keeps the pinned customers in the holdout (journey id, then customer id)', () => {
    const customers = Array.from({ length: 20 }, (_, i) => `c${i + 1}`);
    expect(customers.filter((c) => isInHoldout('winback-90d', c, 10))).toEqual(['c7', 'c10']);
    expect(stableBucket(10_000, 'winback-90d', 'c7', 'holdout')).toBe(933);
    expect(stableBucket(10_000, 'winback-90d', 'ü-😀', 'holdout')).toBe(1105);
    expect(isInHoldout('winback-90d', 'ü-😀', 11.05)).toBe(false);
    expect(isInHoldout('winback-90d', 'ü-😀', 11.06)).toBe(true);
    expect(isInHoldout('winback-90d', 'c7', 0)).toBe(false);
  });
});
