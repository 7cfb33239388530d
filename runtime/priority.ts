/**
 * Task queue priority and fairness of journey runs. A run's workflow tasks (its first one, timers
 * firing, signals) and its send activities inherit the priority it was started with, so the choice is
 * made once, at entry:
 * - a customer's own event (a single POST, a LINE webhook, an unsubscribe) starts its run at
 *   {@link PRIORITY.single}: ahead of the backlog that bulk sources leave;
 * - bulk sources (event batches, segment passes, API entries of many customers) start theirs at
 *   {@link PRIORITY.bulk}, so a burst of new entries waits behind the work that is due;
 * - the fairness key is the journey: within a priority level, Temporal's matcher hands out tasks in
 *   turn by journey, so one journey's burst cannot starve another's. (The server needs fairness
 *   switched on: `matching.enableFairness`; priority works without it.)
 */
import type { Priority } from '@temporalio/common';

/** Where an entry comes from. */
export type EntrySource = 'single' | 'bulk';

/** Priority keys (1 runs first, 5 last; 3 is Temporal's default, left to everything else). */
export const PRIORITY = { single: 2, bulk: 4 } as const satisfies Record<EntrySource, number>;

/** Temporal limits fairness keys to 64 bytes. */
const FAIRNESS_KEY_BYTES = 64;

/** The journey's fairness key: its id, cut to Temporal's 64-byte limit on a character boundary. */
export function fairnessKeyOf(journeyId: string): string {
  if (Buffer.byteLength(journeyId) <= FAIRNESS_KEY_BYTES) return journeyId;
  let key = '';
  for (const ch of journeyId) {
    if (Buffer.byteLength(key + ch) > FAIRNESS_KEY_BYTES) break;
    key += ch;
  }
  return key;
}

/** The priority a run of `journeyId` starts with, by the source of its entry. */
export function entryPriority(journeyId: string, source: EntrySource): Priority {
  return { priorityKey: PRIORITY[source], fairnessKey: fairnessKeyOf(journeyId) };
}
