/**
 * Which inputs a runtime run took before its first step, read from its history: a run applies the
 * events and controls that came while its entry requests (the claim, the time zone) were out before it
 * enters its first step, and the simulator, whose requests answer at once, is told so. Which inputs
 * those were is a race the simulator cannot predict; the history records how it went.
 */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

/** The inputs a run took before its first step. */
export interface EntryInputs {
  /** Ids of the customer events signalled to the run before it took its last entry answer. */
  eventIds: Set<string>;
  /** How many of the journey's controls after the run's start it had heard of by then (by generation). */
  controls: number;
}

interface HistoryEvent {
  eventType: string;
  markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: Payload[] }> };
  workflowExecutionSignaledEventAttributes?: { signalName?: string; input?: { payloads?: Payload[] } };
  workflowExecutionStartedEventAttributes?: { input?: { payloads?: Payload[] } };
}
interface Payload {
  data?: string;
}

const decode = (payload: Payload | undefined): unknown =>
  payload?.data === undefined ? undefined : JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));

/** The local activity a marker records, and its result. */
function markerOf(e: HistoryEvent): { type: string; result: unknown } | null {
  const details = e.markerRecordedEventAttributes?.details;
  const data = decode(details?.data?.payloads?.[0]) as { activity_type?: string } | undefined;
  if (data?.activity_type === undefined) return null;
  return { type: data.activity_type, result: decode(details?.result?.payloads?.[0]) };
}

/**
 * Reads the run's history: the workflow task that took the last entry answer (the time zone's, else the
 * claim's) is the one whose completion records its marker; every signal recorded before that task
 * started reached the run before it. Controls are counted by generation: the claim's answer carries the
 * head it read, and control signals carry theirs.
 */
export async function readEntryInputs(client: Client, workflowId: string, runId: string): Promise<EntryInputs> {
  const json = historyToJSON(await client.workflow.getHandle(workflowId, runId).fetchHistory());
  const events = (JSON.parse(json) as { events: HistoryEvent[] }).events;
  const started = decode(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]) as {
    generation?: number;
  };
  const markers = events.map((e, i) => ({ i, marker: markerOf(e) }));
  const claim = markers.find((m) => m.marker?.type === 'claimEntry');
  const last = markers.find((m) => m.marker?.type === 'resolveTimezone') ?? claim;
  if (claim === undefined || last === undefined) throw new Error(`${workflowId}: no entry claim in its history`);
  let task = last.i;
  while (task > 0 && events[task]!.eventType !== 'EVENT_TYPE_WORKFLOW_TASK_STARTED') task -= 1;
  const head = (claim.marker!.result as { head?: { generation: number } }).head;
  let generation = head?.generation ?? 0;
  const eventIds = new Set<string>();
  for (const e of events.slice(0, task)) {
    const signal = e.workflowExecutionSignaledEventAttributes;
    const input = decode(signal?.input?.payloads?.[0]) as { event?: { id: string }; generation?: number } | undefined;
    if (signal?.signalName === 'customerEvent' && input?.event) eventIds.add(input.event.id);
    if (signal?.signalName === 'journeyControl') generation = Math.max(generation, input?.generation ?? 0);
  }
  return { eventIds, controls: Math.max(0, generation - (started.generation ?? 0)) };
}
