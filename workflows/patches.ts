/**
 * Patch ids of the journey workflow, one per behaviour (docs/runtime.md, the patching policy). The
 * `local-activities` patch lives with the requests it switches (`requests.ts`).
 */
import { patched } from '@temporalio/workflow';
import { LOCAL_ACTIVITIES_PATCH } from './requests.js';

/** The patch that keys an entry without an event by the run id (`startKey`): one patch id per behaviour. */
export const ENTRY_START_KEY_PATCH = 'entry-start-key';

/**
 * Whether the entry claim is keyed by the run id. Runs recorded before `entry-start-key` existed
 * carry only the `local-activities` marker, which then also meant this: either marker says yes.
 */
export function keyEntryByRun(): boolean {
  return patched(ENTRY_START_KEY_PATCH) || patched(LOCAL_ACTIVITIES_PATCH);
}

/** The patch that closes the entry of a run failed by an activity (`failOnFatal` in journey.ts). */
export const CLOSE_FAILED_ENTRY_PATCH = 'close-failed-entry';
