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

/** The UI's search attributes are upserted when the run waits or ends, at most once per workflow task. */
export const UPSERT_AT_REST_PATCH = 'upsert-at-rest';
/** One timer per wait, kept while inputs that do not end the wait arrive (`wait-timer.ts`). */
export const TIMER_PER_WAIT_PATCH = 'timer-per-wait';
/** Journal rows ride on requests and the closing flush; a waiting run flushes only alongside a local activity. */
export const JOURNAL_RIDES_PATCH = 'journal-rides';

/**
 * Waits count from the journey's schedule moment (the entry moment, then each timer's instant, an awaited
 * event, a resume) instead of from the workflow task that reaches them: a first task queued behind a burst
 * no longer delays the journey's sends (engine/schedule.ts). Decided at the run's start (`start-input.ts`)
 * and carried in its state, through continue-as-new.
 */
export const WAIT_FROM_SCHEDULE_PATCH = 'wait-from-schedule';

/** Which of the cheaper-run behaviours a run follows: decided once, in its first workflow task. */
export interface RunCosts {
  upsertAtRest: boolean;
  timerPerWait: boolean;
  journalRides: boolean;
}

/**
 * Decides the run's behaviours at its first workflow task. A run whose first task was recorded before
 * these patches replays it answering `false` and keeps the old behaviour for its whole life (each
 * remains valid; none leaves state the other cannot read), so its later tasks replay as recorded too.
 */
export function decideRunCosts(): RunCosts {
  return {
    upsertAtRest: patched(UPSERT_AT_REST_PATCH),
    timerPerWait: patched(TIMER_PER_WAIT_PATCH),
    journalRides: patched(JOURNAL_RIDES_PATCH),
  };
}

/** Inputs that waited for the entry claim are applied before the first step is entered (engine `queuedFirst`). */
export const QUEUED_FIRST_PATCH = 'queued-before-first-step';

/** The part of a new run's start input that {@link QUEUED_FIRST_PATCH} switches on (its first workflow task). */
export function queuedFirstStart(): { queuedFirst?: true } {
  return patched(QUEUED_FIRST_PATCH) ? { queuedFirst: true } : {};
}
