// Grouped inserts (store/group-commit.ts): concurrent callers share one insertMany, and each is answered
// as its own insert would be — a duplicate key refuses only its own document, an outage fails everyone.
import { describe, expect, it } from 'vitest';
import { isDuplicateKeyError } from '../../../store/errors.js';
import { createInsertGroup } from '../../../store/group-commit.js';

interface Doc {
  _id: string;
}

/** An insertMany over a set of ids that answers as the driver does for an unordered batch. */
function fakeCollection(opts: { unnamed?: boolean } = {}) {
  const ids = new Set<string>();
  const calls: number[] = [];
  const insertMany = (docs: object[]) => {
    calls.push(docs.length);
    const writeErrors: Array<{ index: number; code: number }> = [];
    (docs as Doc[]).forEach((doc, index) => {
      if (ids.has(doc._id)) writeErrors.push({ index: opts.unnamed ? -1 : index, code: 11000 });
      else ids.add(doc._id);
    });
    if (writeErrors.length === 0) return Promise.resolve();
    if (docs.length === 1) return Promise.reject(Object.assign(new Error('E11000'), { code: 11000 }));
    return Promise.reject(Object.assign(new Error('bulk write'), { writeErrors }));
  };
  return { ids, calls, insertMany };
}

describe('grouped inserts', () => {
  it('writes concurrent callers in one insertMany; a duplicate refuses only its own caller', async () => {
    const store = fakeCollection();
    store.ids.add('taken');
    const insert = createInsertGroup(store.insertMany);
    const answers = await Promise.allSettled(['a', 'taken', 'b', 'c'].map((_id) => insert({ _id })));
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(isDuplicateKeyError((answers[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(store.calls).toEqual([4]);
    expect([...store.ids].sort()).toEqual(['a', 'b', 'c', 'taken']);
  });

  it('fails every caller when the driver does not name the refused writes: some may have gone in', async () => {
    const store = fakeCollection({ unnamed: true });
    store.ids.add('taken');
    const insert = createInsertGroup(store.insertMany);
    const answers = await Promise.allSettled(['taken', 'x', 'y'].map((_id) => insert({ _id })));
    const reasons = answers.map((a) => (a as PromiseRejectedResult).reason as Error);
    expect(reasons.map((r) => r.message)).toEqual(['bulk write', 'bulk write', 'bulk write']);
    // Not a duplicate key for the documents that went in: their callers must not think another holds them.
    expect(reasons.some((r) => isDuplicateKeyError(r))).toBe(false);
    expect(store.calls).toEqual([3]);
  });

  it('fails every caller of a batch the store could not take', async () => {
    const insert = createInsertGroup(() => Promise.reject(new Error('connection reset')));
    const answers = await Promise.allSettled(['a', 'b'].map((_id) => insert({ _id })));
    expect(answers.map((a) => ((a as PromiseRejectedResult).reason as Error).message)).toEqual([
      'connection reset',
      'connection reset',
    ]);
  });
});
