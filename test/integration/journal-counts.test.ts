import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/connection.js';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import { groupKey, readJournalCounts } from '../../store/journal-counts.js';
import { connectTestStore } from '../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await connectTestStore(import.meta.filename);
});
afterAll(async () => {
  await store?.close();
});

const row = (run: string, n: number, over: Partial<JournalRow>): JournalRow => ({
  rowId: `kizuna/j-dots/${run}/${n}`,
  journeyId: 'j-dots',
  version: 1,
  customerId: run,
  workflowId: `kizuna/j-dots/${run}`,
  stepId: null,
  stepKind: null,
  action: 'entered',
  reason: null,
  detail: {},
  atMs: Date.now(),
  ...over,
});

describe('the journal counters', () => {
  it('count rows whose event types, reasons and templates hold "." and "$" (FerretDB refuses such field names)', async () => {
    const converted = { action: 'converted', reason: 'order.completed', detail: { attributedTo: 'mail.$1' } };
    const sent = { stepId: 'send.first', action: 'sent', detail: { template: 'winback.v2%2E', channel: 'email' } };
    for (const run of ['c-1', 'c-2', 'c-3']) {
      await appendJournal(store.models, [row(run, 0, {}), row(run, 1, sent), row(run, 2, converted)]);
    }
    // Compaction folds the deltas into a total, which holds the same names.
    for (const compactAfter of [100, 0, 100]) {
      const { counts } = await readJournalCounts(store.models, 'j-dots', 1, { compactAfter });
      expect(counts.get(groupKey(row('c-1', 2, converted)))).toBe(3);
      expect(counts.get(groupKey(row('c-1', 1, sent)))).toBe(3);
      expect(counts.get('reached:send.first')).toBe(3);
      expect(counts.get('converted')).toBe(3);
      expect(counts.get('runs')).toBe(3);
    }
  });
});
