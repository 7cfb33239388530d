import { closeEntry } from '../store/entries.js';
import { appendJournal, type JournalRow } from '../store/journal.js';
import type { Models } from '../store/connection.js';
import type { RunContext } from './run-context.js';

export interface FlushJournalInput {
  run: RunContext;
  rows: JournalRow[];
  /** Set when the run ends: its entry is closed, so control signals no longer go to it. */
  end: { entryKey: string; outcome: string } | null;
}

/**
 * Writes journal rows that did not ride along with a request (the run is about to wait or end).
 * Idempotent: rows keep their ids, the entry closes once.
 */
export function makeFlushJournal(deps: { models: Models }) {
  return async function flushJournal(input: FlushJournalInput): Promise<void> {
    await appendJournal(deps.models, input.rows);
    if (input.end !== null) {
      const { journeyId, customerId } = input.run;
      await closeEntry(deps.models, { journeyId, customerId, ...input.end });
    }
  };
}
