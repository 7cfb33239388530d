/** What every journey activity receives beside the engine's command: the run, and journal rows riding along. */
import type { JournalRow } from '../store/journal.js';

/** The run an activity works for. Ids only: no profile data crosses into workflow history. */
export interface RunContext {
  workflowId: string;
  journeyId: string;
  version: number;
  customerId: string;
}

/**
 * The input of an engine-request activity: the command as the engine issued it, the run, and the
 * journal rows recorded since the last activity call (written first, exactly once per row id).
 */
export interface RequestInput<C> {
  run: RunContext;
  command: C;
  journal: JournalRow[];
}

/** An engine answer without its `nowMs`: the workflow stamps workflow time when it feeds the answer. */
export type Answer<T> = T extends unknown ? Omit<T, 'nowMs'> : never;
