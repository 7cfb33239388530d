/**
 * Waiting until a set of workflows has nothing in flight: no workflow task scheduled or started, no
 * activity pending. The time-skipping test server hands a task that becomes due while a worker shuts
 * down to that worker's cancelled long poll and never dispatches it again: the run then waits for a
 * task that no worker will get, and the server's clock stays locked, so every later `env.sleep` hangs.
 * A test that replaces its worker first lets the old one finish what it holds; with the clock stopped
 * (no sleep under way), nothing new becomes due while it shuts down.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';

/** gRPC's NOT_FOUND: fetching the history of a workflow never started answers it as a raw service error. */
const GRPC_NOT_FOUND = 5;

/** What a workflow still has in flight, from its history; `null` when it has nothing (or is closed, or unknown). */
export async function inFlight(client: Client, workflowId: string): Promise<string | null> {
  let history;
  try {
    history = await client.workflow.getHandle(workflowId).fetchHistory();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || (err as { code?: unknown }).code === GRPC_NOT_FOUND) return null;
    throw err;
  }
  const events = history.events ?? [];
  const open = new Set<string>();
  let task: string | null = null;
  for (const e of events) {
    const id = String(e.eventId);
    if (e.workflowTaskScheduledEventAttributes) task = 'workflow task';
    if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes) task = null;
    if (e.workflowTaskTimedOutEventAttributes) task = null;
    if (e.activityTaskScheduledEventAttributes) open.add(id);
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (closed) open.delete(String(closed.scheduledEventId));
    if (e.workflowExecutionCompletedEventAttributes || e.workflowExecutionContinuedAsNewEventAttributes) return null;
    if (e.workflowExecutionFailedEventAttributes || e.workflowExecutionTerminatedEventAttributes) return null;
    if (e.workflowExecutionTimedOutEventAttributes || e.workflowExecutionCanceledEventAttributes) return null;
  }
  if (task !== null) return task;
  return open.size > 0 ? `${open.size} activities` : null;
}

/**
 * Resolves once none of `workflowIds` has anything in flight (polled in real time).
 *
 * @throws Error naming the busy workflows when they are still busy after `timeoutMs` (default 30 s).
 */
export async function waitUntilQuiet(client: Client, workflowIds: Iterable<string>, timeoutMs = 30_000): Promise<void> {
  const ids = [...workflowIds];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy: string[] = [];
    for (const id of ids) {
      const what = await inFlight(client, id);
      if (what !== null) busy.push(`${id}: ${what}`);
    }
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still busy after ${timeoutMs} ms: ${busy.join('; ')}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
