import { describe, expect, it } from 'vitest';
import { routeInOrder } from '../../../api/events/route-in-order.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('routeInOrder', () => {
  it("keeps each customer's order, runs customers side by side, never more than the bound", async () => {
    const rows = ['a', 'b', 'c', 'd'].flatMap((customerId) => [1, 2, 3].map((n) => ({ customerId, n })));
    const seen: string[] = [];
    let running = 0;
    let most = 0;
    const result = await routeInOrder(
      rows,
      async (row) => {
        running += 1;
        most = Math.max(most, running);
        await tick(2);
        seen.push(`${row.customerId}${row.n}`);
        running -= 1;
      },
      { concurrency: 2 },
    );
    expect(result.finished).toBe(true);
    expect(most).toBe(2);
    for (const c of ['a', 'b', 'c', 'd'])
      expect(seen.filter((s) => s.startsWith(c))).toEqual([`${c}1`, `${c}2`, `${c}3`]);
  });

  it('answers at the deadline while the rest goes on, in order', async () => {
    const rows = Array.from({ length: 20 }, (_, n) => ({ customerId: 'only', n }));
    const done: number[] = [];
    const result = await routeInOrder(
      rows,
      async (row) => {
        await tick(5);
        done.push(row.n);
      },
      { deadlineMs: 20 },
    );
    expect(result.finished).toBe(false);
    expect(done.length).toBeLessThan(20);
    await result.work;
    expect(done).toEqual(rows.map((r) => r.n));
  });
});
