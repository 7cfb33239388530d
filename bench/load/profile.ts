/**
 * Where a due send waits, read from the runs' Temporal histories: for each run, after its wait's timer,
 * - timer: the timer firing against when it was set to fire (start + its duration);
 * - workflowTaskQueue: the workflow task that handles the firing, scheduled → started (task queue backlog
 *   and worker workflow slots);
 * - workflowTask: started → completed (the worker's own work, local activities included);
 * - activityQueue: the send activity scheduled → started (task queue backlog and activity slots);
 * - activity: the send started → completed (the delivery ledger's store writes and the push);
 * - beforeTimer: entry → the timer's start (the run's start and first workflow tasks), split into
 *   - start: entry (the POST) → the run's start (routing in the API, the start call);
 *   - firstTasks: the run's start → the timer's start (the first workflow tasks, the entry claim), of which
 *     - firstTaskQueue: the first workflow task scheduled → started (the task queue's backlog: where
 *       priority acts, single entries at 2 ahead of bulk ones at 4);
 *     - firstTask: the first workflow task started → completed (the worker's work, the entry claim's
 *       local activity included: local activities queue in the worker, where priority does not act).
 * - armTask: the workflow task that armed the timer, started → the timer's start (workflow time is the
 *   task's start, the timer starts when the task completes: local activities run in between slip it);
 * - slip: the instant the timer was armed for against entry + the wait: how far the journey's schedule
 *   slipped before its timer started (beforeTimer under waits that count from the turn; about 0 under
 *   `wait-from-schedule`, where beforeTimer no longer adds to lateness unless it passes the wait).
 * Each as p50 / p95 / max in ms.
 */
import type { Client } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto';
import { optionalTsToMs, tsToMs } from '@temporalio/common/lib/time.js';
import { percentile } from './lateness.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Type = temporal.api.enums.v1.EventType;

const SEGMENTS = [
  'beforeTimer',
  'start',
  'firstTasks',
  'firstTaskQueue',
  'firstTask',
  'armTask',
  'slip',
  'timer',
  'workflowTaskQueue',
  'workflowTask',
  'activityQueue',
  'activity',
] as const;
type Segment = (typeof SEGMENTS)[number];

const at = (e: HistoryEvent | undefined) => (e ? tsToMs(e.eventTime) : Number.NaN);

/** The last event of a type before index `before`. */
function last(events: HistoryEvent[], type: Type, before: number): HistoryEvent | undefined {
  for (let i = Math.min(before, events.length) - 1; i >= 0; i--) if (events[i]!.eventType === type) return events[i]!;
  return undefined;
}

/** The first event of a type at or after index `from`. */
function next(events: HistoryEvent[], type: Type, from = 0): { event?: HistoryEvent; index: number } {
  for (let i = from; i < events.length; i++) if (events[i]!.eventType === type) return { event: events[i]!, index: i };
  return { index: events.length };
}

/** The segments of one run's history, in ms (NaN when the run has not got that far). */
export function segmentsOf(
  events: HistoryEvent[],
  enteredAt: number,
  T: typeof temporal.api.enums.v1.EventType,
  waitMs = Number.NaN,
) {
  const run = next(events, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const firstScheduled = next(events, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  const firstStarted = next(events, T.EVENT_TYPE_WORKFLOW_TASK_STARTED, firstScheduled.index);
  const firstDone = next(events, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, firstStarted.index);
  const started = next(events, T.EVENT_TYPE_TIMER_STARTED);
  const fired = next(events, T.EVENT_TYPE_TIMER_FIRED, started.index);
  const wfts = next(events, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, fired.index);
  const wftStarted = next(events, T.EVENT_TYPE_WORKFLOW_TASK_STARTED, wfts.index);
  const wftDone = next(events, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, wftStarted.index);
  const actScheduled = next(events, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, wftDone.index);
  const actStarted = next(events, T.EVENT_TYPE_ACTIVITY_TASK_STARTED, actScheduled.index);
  const actDone = next(events, T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, actStarted.index);
  const duration = optionalTsToMs(started.event?.timerStartedEventAttributes?.startToFireTimeout) ?? Number.NaN;
  return {
    beforeTimer: at(started.event) - enteredAt,
    start: at(run.event) - enteredAt,
    firstTasks: at(started.event) - at(run.event),
    firstTaskQueue: at(firstStarted.event) - at(firstScheduled.event),
    firstTask: at(firstDone.event) - at(firstStarted.event),
    armTask: at(started.event) - at(last(events, T.EVENT_TYPE_WORKFLOW_TASK_STARTED, started.index)),
    slip: at(started.event) + duration - (enteredAt + waitMs),
    timer: at(fired.event) - (at(started.event) + duration),
    workflowTaskQueue: at(wftStarted.event) - at(wfts.event),
    workflowTask: at(wftDone.event) - at(wftStarted.event),
    activityQueue: at(actStarted.event) - at(actScheduled.event),
    activity: at(actDone.event) - at(actStarted.event),
  } satisfies Record<Segment, number>;
}

/**
 * p50 / p95 / max of each segment over the runs `kizuna/<journeyId>/<customerId>` entered at the given
 * times, each due a send `waitMs` after entry.
 */
export async function waitProfile(client: Client, journeyId: string, entered: Map<string, number>, waitMs: number) {
  const bySegment = Object.fromEntries(SEGMENTS.map((s) => [s, [] as number[]])) as Record<Segment, number[]>;
  for (const [customerId, enteredAt] of entered) {
    const history = await client.workflow.getHandle(`kizuna/${journeyId}/${customerId}`).fetchHistory();
    const segments = segmentsOf(history.events ?? [], enteredAt, proto.temporal.api.enums.v1.EventType, waitMs);
    for (const s of SEGMENTS) if (Number.isFinite(segments[s])) bySegment[s].push(segments[s]);
  }
  return Object.fromEntries(
    SEGMENTS.map((s) => {
      const sorted = bySegment[s].sort((a, b) => a - b);
      return [s, { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: percentile(sorted, 100) }];
    }),
  ) as Record<Segment, { p50: number; p95: number; max: number }>;
}
