/**
 * The engine's start input as the workflow builds it. Each behaviour added since the first histories
 * is switched on by its own `patched()` marker, so a replayed history starts its run as it did.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { HOLD_RECHECK_MS, type StartInput } from '../engine/index.js';
import { WAIT_FROM_SCHEDULE_PATCH, keyEntryByRun } from './patches.js';
import type { JourneyWorkflowInput } from './signals.js';

/** Controls carry the head's generation; the run ignores one not newer than the last it applied. */
export const CONTROL_GENERATION_PATCH = 'control-generation';
/** A held send re-checks the journey after {@link HOLD_RECHECK_MS}. */
export const HOLD_RECHECK_PATCH = 'hold-recheck';
/** Events and archives that arrive while the entry claim is out wait for its answer. */
export const QUEUE_UNTIL_CLAIMED_PATCH = 'queue-until-claimed';
/** The entry moment is the entry event's time (bounded by the run's start), not the first task's. */
export const ENTRY_EVENT_TIME_PATCH = 'entry-event-time';

/** A run that ends waits for its outstanding requests before it closes its ledger row. */
export const END_AFTER_REQUESTS_PATCH = 'end-after-requests';

/** How long a held send waits before it re-checks the journey (one value for the runtime and the simulator). */
export { HOLD_RECHECK_MS };

/** The start input of a new run (not a continued one), without `nowMs`. */
export function buildStartInput(input: JourneyWorkflowInput): Omit<StartInput, 'nowMs'> {
  const info = workflowInfo();
  // The entry claim runs as a local activity: when a worker dies before its workflow task is
  // recorded, the task runs again at a later time, so a key made of the clock would be a new key
  // (refused by re-entry `never`); the run id stays.
  const runKey = keyEntryByRun() ? { startKey: `start:${info.runId}` } : {};
  const startKey = input.entryKey === undefined ? runKey : { startKey: input.entryKey };
  const generation = patched(CONTROL_GENERATION_PATCH) ? { controlGeneration: input.generation ?? 0 } : {};
  const recheck = patched(HOLD_RECHECK_PATCH) ? { holdRecheckMs: HOLD_RECHECK_MS } : {};
  const queue = patched(QUEUE_UNTIL_CLAIMED_PATCH) ? { queueUntilClaimed: true } : {};
  const startedMs = info.runStartTime.getTime();
  // An event stamped later than the run's start came from a clock ahead of ours: the start bounds it.
  const entered = patched(ENTRY_EVENT_TIME_PATCH)
    ? { enteredMs: Math.min(input.entryEvent?.timeMs ?? startedMs, startedMs) }
    : {};
  const schedule = patched(WAIT_FROM_SCHEDULE_PATCH) ? { keepSchedule: true } : {};
  return {
    type: 'start',
    customerId: input.customerId,
    entryEvent: input.entryEvent,
    ...startKey,
    ...generation,
    ...recheck,
    ...queue,
    ...entered,
    ...schedule,
  };
}
