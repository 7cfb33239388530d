/**
 * Billable Temporal actions of one run, counted from its recorded history (the JSON of
 * `historyToJSON`) with Temporal Cloud's action rules (https://docs.temporal.io/cloud/actions):
 *
 * - workflow started: 1 (a client start, or continue-as-new: each run of a chain is counted from its
 *   own history); a signal-with-start is one action for both its start and its signal;
 * - signal received: 1 per `WORKFLOW_EXECUTION_SIGNALED`;
 * - search-attribute upsert: 1 per `UpsertSearchAttributes` command, however many attributes it sets;
 *   those set at start are free, and so are upserts of `TemporalChangeVersion` alone (the patch markers');
 * - timer started: 1 per `TIMER_STARTED`, `condition` timeouts included;
 * - activity: 1 per `ACTIVITY_TASK_SCHEDULED`, plus 1 per retry (the started event's `attempt` - 1);
 * - local activities: every `RecordMarker` of one workflow task together is 1 action, plus the task's
 *   `meteringMetadata.nonfirstLocalActivityExecutionAttempts` (retries);
 * - child workflow initiated: 2; update accepted: 1; workflow options updated: 1.
 *
 * Queries and activity heartbeats leave nothing in history and are not counted (a run of Kizuna
 * sends no heartbeat from workflow code; `send` heartbeats while it waits on a provider).
 */

/** The kinds of billed actions, as the rules above name them. */
export type ActionKind =
  | 'workflowStarted'
  | 'signal'
  | 'searchAttributeUpsert'
  | 'timer'
  | 'activity'
  | 'activityRetry'
  | 'localActivityTask'
  | 'localActivityRetry'
  | 'childWorkflow'
  | 'update'
  | 'optionsUpdated';

/** A run's billed actions: the total and each kind's share. */
export interface ActionCount {
  total: number;
  byKind: Record<ActionKind, number>;
}

/** One history event as `historyToJSON` writes it (only the fields counted here). */
export interface HistoryEvent {
  eventId: string;
  eventType: string;
  [attributes: string]: unknown;
}

type Attributes = Record<string, unknown>;

const KINDS: ActionKind[] = [
  'workflowStarted',
  'signal',
  'searchAttributeUpsert',
  'timer',
  'activity',
  'activityRetry',
  'localActivityTask',
  'localActivityRetry',
  'childWorkflow',
  'update',
  'optionsUpdated',
];

const CHANGE_VERSION = 'TemporalChangeVersion';

/** The events of a history JSON (`{ events: [...] }`). Throws when the shape is not a history. */
export function historyEvents(history: unknown): HistoryEvent[] {
  const events = (history as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new TypeError('not a workflow history: no events array');
  return events as HistoryEvent[];
}

function attributesOf(event: HistoryEvent): Attributes {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  return ((key === undefined ? undefined : event[key]) ?? {}) as Attributes;
}

const kind = (event: HistoryEvent) => event.eventType.replace(/^EVENT_TYPE_/, '');

/** Whether an upsert sets something other than `TemporalChangeVersion` (the only billed ones). */
export function isBilledUpsert(event: HistoryEvent): boolean {
  const fields = (attributesOf(event).searchAttributes as { indexedFields?: Attributes } | undefined)?.indexedFields;
  return Object.keys(fields ?? {}).some((name) => name !== CHANGE_VERSION);
}

/** The workflow task (its completed or started event id, as the server records it) a command belongs to. */
export function taskOf(event: HistoryEvent): string {
  return (attributesOf(event).workflowTaskCompletedEventId as string | undefined) ?? '';
}

/** Counts the billed actions of one recorded run. */
export function countActions(history: unknown): ActionCount {
  const events = historyEvents(history);
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
  const markerTasks = new Set<string>();
  events.forEach((event, i) => {
    const at = attributesOf(event);
    switch (kind(event)) {
      case 'WORKFLOW_EXECUTION_STARTED':
        byKind.workflowStarted += 1;
        return;
      case 'WORKFLOW_EXECUTION_SIGNALED':
        // Signal-with-start: the signal right after the start is part of the start's one action.
        if (!(i === 1 && kind(events[0]!) === 'WORKFLOW_EXECUTION_STARTED')) byKind.signal += 1;
        return;
      case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
        if (isBilledUpsert(event)) byKind.searchAttributeUpsert += 1;
        return;
      case 'TIMER_STARTED':
        byKind.timer += 1;
        return;
      case 'ACTIVITY_TASK_SCHEDULED':
        byKind.activity += 1;
        return;
      case 'ACTIVITY_TASK_STARTED':
        byKind.activityRetry += Math.max(0, Number(at.attempt ?? 1) - 1);
        return;
      case 'MARKER_RECORDED':
        markerTasks.add(taskOf(event));
        return;
      case 'WORKFLOW_TASK_COMPLETED': {
        const metering = at.meteringMetadata as { nonfirstLocalActivityExecutionAttempts?: number } | undefined;
        byKind.localActivityRetry += Number(metering?.nonfirstLocalActivityExecutionAttempts ?? 0);
        return;
      }
      case 'START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        byKind.childWorkflow += 2;
        return;
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        byKind.update += 1;
        return;
      case 'WORKFLOW_EXECUTION_OPTIONS_UPDATED':
        byKind.optionsUpdated += 1;
        return;
      default:
        return;
    }
  });
  byKind.localActivityTask = markerTasks.size;
  return { total: KINDS.reduce((sum, k) => sum + byKind[k], 0), byKind };
}

/** Billed upserts per workflow task: the most any one task issued (the goal is at most one). */
export function maxUpsertsPerTask(history: unknown): number {
  const perTask = new Map<string, number>();
  for (const event of historyEvents(history)) {
    if (kind(event) !== 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES' || !isBilledUpsert(event)) continue;
    perTask.set(taskOf(event), (perTask.get(taskOf(event)) ?? 0) + 1);
  }
  return Math.max(0, ...perTask.values());
}

/**
 * Timers started again for the same instant after one was cancelled: a wait re-armed because an
 * input interrupted it (the due instant is the start event's time plus its timeout, within a second).
 */
export function rearmedTimers(history: unknown): number {
  const events = historyEvents(history);
  const due = new Map<string, number>();
  const cancelled: number[] = [];
  let rearmed = 0;
  for (const event of events) {
    const at = attributesOf(event);
    if (kind(event) === 'TIMER_STARTED') {
      const seconds = Number(((at.startToFireTimeout as string | undefined) ?? '0s').replace(/s$/, ''));
      const instant = Date.parse(event.eventTime as string) + seconds * 1000;
      if (cancelled.some((c) => Math.abs(c - instant) < 1000)) rearmed += 1;
      due.set(event.eventId, instant);
    } else if (kind(event) === 'TIMER_CANCELED') {
      const instant = due.get(at.startedEventId as string);
      if (instant !== undefined) cancelled.push(instant);
    }
  }
  return rearmed;
}
