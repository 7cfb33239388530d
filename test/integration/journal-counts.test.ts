import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyStats } from '../../api/journeys/stats.js';
import type { RuntimeDeps } from '../../runtime/deps.js';
import { journalDroppedEntry, type DropReason } from '../../runtime/dropped-entry.js';
import type { Store } from '../../store/connection.js';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import type { ENTRY_DROP_REASONS } from '../../store/journal-counts.js';
import { groupKey, markJournalCountsComplete, readJournalCounts } from '../../store/journal-counts.js';
import type { JourneyHead } from '../../store/journeys.js';
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

// A drop reason the entry path adds must be known to the counters, or its rows would count as runs.
type UnknownDropReason = Exclude<DropReason, (typeof ENTRY_DROP_REASONS)[number]>;
const _everyDropReasonKnown: [UnknownDropReason] extends [never] ? true : never = true;

describe('an entry event dropped before any run', () => {
  const head: JourneyHead = { journeyId: 'j-drop', version: 1, contentHash: 'h', status: 'active', generation: 0 };
  const entered = (customerId: string): JournalRow => ({
    ...row(customerId, 0, {}),
    rowId: `kizuna/j-drop/${customerId}/chain-0/00000000`,
    journeyId: 'j-drop',
    workflowId: `kizuna/j-drop/${customerId}`,
  });
  // The entry path writes these rows itself (runtime/enter-journey.ts); the writer reads only `models`.
  const drop = (customerId: string, eventId: string, reason: DropReason) =>
    journalDroppedEntry({ models: store.models } as RuntimeDeps, {
      workflowId: `kizuna/j-drop/${customerId}`,
      head,
      customerId,
      event: { id: eventId, type: 'event.registered', timeMs: Date.now(), properties: {} },
      reason,
    });
  const droppedKey = (reason: DropReason) =>
    groupKey({ ...entered('x'), action: 'dropped', reason, detail: { event: 'event.registered' } });

  it('is no run, and stays counted as a dropped entry, in the live counters and after a recount', async () => {
    // A version's counters cover its rows from its publication on.
    await markJournalCountsComplete(store.models, 'j-drop', 1);
    await appendJournal(store.models, [entered('c-in')]);
    // c-in is inside already: its second entry event is dropped; c-out never had a run.
    await drop('c-in', 'evt-2', 'already-in-journey');
    await drop('c-out', 'evt-3', 'already-in-journey');
    await drop('c-out', 'evt-4', 'missing-key');
    for (const recount of [false, true]) {
      const stats = await journeyStats(store.models, 'j-drop', 1, { recount });
      expect(stats.runs).toBe(1);
      const { counts } = await readJournalCounts(store.models, 'j-drop', 1);
      expect(counts.get('runs')).toBe(1);
      expect(counts.get(droppedKey('already-in-journey'))).toBe(2);
      expect(counts.get(droppedKey('missing-key'))).toBe(1);
    }
  });
});
