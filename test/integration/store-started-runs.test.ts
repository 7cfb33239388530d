// A keyed run between its start and its entry claim, on FerretDB: the customer's open runs list it
// whenever the claim lands, even between the two reads of the list (the started rows, then the ledger).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/connection.js';
import {
  claimEntry,
  closeEntry,
  listCustomerOpenRuns,
  recordStartedRun,
  type EntryClaim,
} from '../../store/entries.js';
import { connectTestStore } from '../support/store.js';

describe('keyed runs started and not yet claimed', () => {
  let store: Store;
  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
  });
  afterAll(async () => {
    await store?.close();
  });

  const run = (customerId: string) => ({
    journeyId: 'seminar',
    customerId,
    entryKey: `reg-${customerId}`,
    workflowId: `kizuna/seminar/${customerId}/A`,
  });
  const claim = (customerId: string): EntryClaim => ({
    ...run(customerId),
    reentry: { policy: 'always' },
    nowMs: 1_000,
    version: 1,
    scope: 'A',
    runId: `run-${customerId}`,
  });

  it('lists a started run, then its granted entry once claimed, and nothing once it ended', async () => {
    expect(await recordStartedRun(store.models, { ...run('c-1'), enteredMs: 1_000 })).toBe(true);
    expect(await recordStartedRun(store.models, { ...run('c-1'), enteredMs: 1_000 })).toBe(false);
    expect(await listCustomerOpenRuns(store.models, 'c-1')).toEqual(['kizuna/seminar/c-1/A']);
    expect(await claimEntry(store.models, claim('c-1'))).toBe(true);
    expect(await store.models.Entry.countDocuments({ customerId: 'c-1', started: true })).toBe(0);
    expect(await listCustomerOpenRuns(store.models, 'c-1')).toEqual(['kizuna/seminar/c-1/A']);
    await closeEntry(store.models, { journeyId: 'seminar', customerId: 'c-1', entryKey: 'reg-c-1', outcome: 'done' });
    expect(await listCustomerOpenRuns(store.models, 'c-1')).toEqual([]);
  });

  it('lists the run when its claim lands just before the started rows are read', async () => {
    await recordStartedRun(store.models, { ...run('c-2'), enteredMs: 1_000 });
    const { Entry } = store.models;
    const find = Entry.find.bind(Entry);
    let claimed = false;
    // The claim (decision row written, started row deleted) lands right before the read of the
    // started rows, whichever moment the listing reads the ledger.
    const spy = ((filter: Record<string, unknown>, ...rest: unknown[]) => {
      if (filter.started === true && !claimed) {
        claimed = true;
        const query = find(filter, ...(rest as []));
        const exec = query.exec.bind(query);
        return Object.assign(query, {
          exec: async () => {
            await claimEntry(store.models, claim('c-2'));
            return exec();
          },
        });
      }
      return find(filter, ...(rest as []));
    }) as unknown as typeof Entry.find;
    Entry.find = spy;
    try {
      expect(await listCustomerOpenRuns(store.models, 'c-2')).toEqual(['kizuna/seminar/c-2/A']);
    } finally {
      Entry.find = find;
    }
    expect(claimed).toBe(true);
  });
});
