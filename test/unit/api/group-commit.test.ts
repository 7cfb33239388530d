import { describe, expect, it } from 'vitest';
import { createGroupCommit, writeSplitting } from '../../../api/events/group-commit.js';

/** A store that refuses any write holding a "bad" item, as a whole; records the groups it was given. */
function store(outage = false) {
  const writes: string[][] = [];
  const write = (items: string[]) => {
    writes.push(items);
    if (outage) return Promise.reject(new Error('store down'));
    if (items.includes('bad')) return Promise.reject(new Error('key must not contain null bytes'));
    return Promise.resolve(items.map((i) => `stored ${i}`));
  };
  return { writes, write };
}
const itemFault = (err: unknown) => (err as Error).message !== 'store down';

describe('group commit', () => {
  it('fails only the bad item of a group; the others are written', async () => {
    const s = store();
    const commit = createGroupCommit(s.write, { splitOn: itemFault });
    const results = await Promise.allSettled(['a', 'bad', 'c', 'd'].map((i) => commit.submit(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'stored a',
      'key must not contain null bytes',
      'stored c',
      'stored d',
    ]);
    expect(s.writes[0]).toEqual(['a', 'bad', 'c', 'd']);
  });

  it('fails the whole group at once when the store is down (no split)', async () => {
    const s = store(true);
    const commit = createGroupCommit(s.write, { splitOn: itemFault });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((i) => commit.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(s.writes).toHaveLength(1);
  });

  it('isolates one bad item of 1,000 in about 2·log2(n) extra writes', async () => {
    const s = store();
    const items = Array.from({ length: 1_000 }, (_, i) => (i === 617 ? 'bad' : `i${i}`));
    const outcomes = await writeSplitting(s.write, items, itemFault);
    expect(outcomes.filter((o) => 'error' in o)).toHaveLength(1);
    expect('error' in outcomes[617]!).toBe(true);
    expect(s.writes.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(1_000)));
  });
});
