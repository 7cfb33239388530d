import { describe, expect, it } from 'vitest';
import { createDocumentLocks, lockDocument } from '../../../store/document-locks.js';

const tick = () => new Promise((ok) => setTimeout(ok, 1));

describe('document locks in one process', () => {
  it('runs writers of one document one at a time, in the order they came', async () => {
    const locks = createDocumentLocks({ namespace: 'unit' });
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const write = (name: string) =>
      locks.withLock('customers/c1', async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        order.push(name);
        running--;
      });
    await Promise.all(['a', 'b', 'c', 'd'].map(write));
    expect(most).toBe(1);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('runs writers of different documents side by side', async () => {
    const locks = createDocumentLocks({ namespace: 'unit' });
    let running = 0;
    let most = 0;
    await Promise.all(
      ['c1', 'c2', 'c3'].map((id) =>
        locks.withLock(`customers/${id}`, async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('passes a failed write on to its caller and lets the next writer run', async () => {
    const locks = createDocumentLocks({ namespace: 'unit' });
    const failed = locks.withLock('customers/c1', () => Promise.reject(new Error('refused')));
    const next = locks.withLock('customers/c1', () => Promise.resolve('written'));
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('written');
  });

  it('gives models bound to no store a queue of their own', async () => {
    const models = {};
    const seen: number[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        lockDocument(models, 'customers', 'c1', async () => {
          await tick();
          seen.push(n);
        }),
      ),
    );
    expect(seen).toEqual([1, 2, 3]);
  });
});
