// The re-entry ledger and the journal on FerretDB: atomic decisions under concurrency, the same
// answer for a re-executed claim, rows written exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/connection.js';
import { claimEntry, closeEntry, listOpenRuns, type EntryClaim } from '../../store/entries.js';
import { appendJournal, readJournal, type JournalRow } from '../../store/journal.js';
import { connectTestStore } from '../support/store.js';

const DAY = 86_400_000;

describe('the re-entry ledger and the journal', () => {
  let store: Store;
  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
  });
  afterAll(async () => {
    await store?.close();
  });

  const claim = (over: Partial<EntryClaim>): EntryClaim => ({
    journeyId: 'j',
    customerId: 'c',
    entryKey: 'k1',
    reentry: { policy: 'never' },
    nowMs: 1_000 * DAY,
    workflowId: 'kizuna/j/c',
    version: 1,
    ...over,
  });

  it('never: of twenty concurrent claims with different keys exactly one is granted; each key keeps its answer', async () => {
    const claims = Array.from({ length: 20 }, (_, i) => claim({ customerId: 'c-never', entryKey: `e${i}` }));
    const answers = await Promise.all(claims.map((c) => claimEntry(store.models, c)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    const again = await Promise.all(claims.map((c) => claimEntry(store.models, c)));
    expect(again).toEqual(answers);
  });

  it('after: one grant per window, even under concurrency; a re-executed claim answers the same', async () => {
    const after = (entryKey: string, nowMs: number) =>
      claim({ customerId: 'c-after', entryKey, nowMs, reentry: { policy: 'after', afterMs: 2 * DAY } });
    const t0 = 1_000 * DAY;
    expect(await claimEntry(store.models, after('a', t0))).toBe(true);
    expect(await claimEntry(store.models, after('b', t0 + DAY))).toBe(false);
    const racing = await Promise.all(['c', 'd', 'e', 'f'].map((k) => claimEntry(store.models, after(k, t0 + 3 * DAY))));
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await claimEntry(store.models, after('a', t0))).toBe(true);
    expect(await claimEntry(store.models, after('b', t0 + DAY))).toBe(false);
  });

  it('always: concurrent claims are all granted', async () => {
    const answers = await Promise.all(
      ['x', 'y', 'z'].map((k) =>
        claimEntry(store.models, claim({ customerId: 'c-always', entryKey: k, reentry: { policy: 'always' } })),
      ),
    );
    expect(answers).toEqual([true, true, true]);
  });

  it('lists open runs page by page until they close', async () => {
    for (let i = 0; i < 5; i++) {
      await claimEntry(
        store.models,
        claim({ journeyId: 'paged', customerId: `p${i}`, workflowId: `kizuna/paged/p${i}` }),
      );
    }
    const first = await listOpenRuns(store.models, { journeyId: 'paged', afterId: null, limit: 3 });
    const second = await listOpenRuns(store.models, { journeyId: 'paged', afterId: first.next, limit: 3 });
    expect([...first.workflowIds, ...second.workflowIds].sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `kizuna/paged/p${i}`),
    );
    expect(second.next).toBeNull();
    await closeEntry(store.models, { journeyId: 'paged', customerId: 'p0', entryKey: 'k1', outcome: 'completed' });
    const open = await listOpenRuns(store.models, { journeyId: 'paged', afterId: null, limit: 10 });
    expect(open.workflowIds).not.toContain('kizuna/paged/p0');
  });

  it('writes each journal row once, however often its batch is re-sent', async () => {
    const row = (n: number): JournalRow => ({
      rowId: `kizuna/j/c/run/${String(n).padStart(8, '0')}`,
      journeyId: 'jr',
      version: 1,
      customerId: 'c-journal',
      workflowId: 'kizuna/jr/c-journal',
      stepId: n === 1 ? null : 'hello',
      stepKind: n === 1 ? null : 'send',
      action: n === 1 ? 'entered' : 'sent',
      reason: null,
      detail: n === 1 ? {} : { template: 'winback-1', channel: 'email' },
      atMs: 1_000 * DAY + n,
    });
    expect(await appendJournal(store.models, [row(1), row(2)])).toBe(2);
    expect(await appendJournal(store.models, [row(1), row(2), row(3)])).toBe(1);
    await Promise.all([appendJournal(store.models, [row(3), row(4)]), appendJournal(store.models, [row(4), row(3)])]);
    const rows = await readJournal(store.models, { journeyId: 'jr', customerId: 'c-journal' });
    expect(rows.map((r) => r.rowId.slice(-1))).toEqual(['1', '2', '3', '4']);
    expect(rows[1]).toEqual(row(2));
  });
});
