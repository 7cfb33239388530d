/** Operator actions over every run of a journey, and ending a customer's runs (erasure). */
import { WorkflowNotFoundError } from '@temporalio/common';
import { deleteCustomerEntries, listCustomerOpenRuns } from '../store/entries.js';
import { listJourneyIds, setJourneyStatus, type JourneyStatus } from '../store/journeys.js';
import { TASK_QUEUE } from '../workflows/search-attributes.js';
import type { JourneyControlSignal } from '../workflows/signals.js';
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';
import { deleteCustomerExecutions } from './delete-executions.js';

const STATUS: Record<JourneyControlSignal['action'], JourneyStatus> = {
  pause: 'paused',
  resume: 'active',
  archive: 'archived',
};

/**
 * Pauses, resumes or archives a journey: sets the head's status and bumps its generation first (new
 * entries and every send read it, so the effect is immediate even before a run hears of it), then
 * starts the journey's fan-out workflow, which signals every open run from the entries ledger, page
 * by page, with the head's latest status and generation. Returns once the fan-out started.
 *
 * @throws JourneyNotFoundError (code `JOURNEY_NOT_FOUND`) for a journey never published.
 */
export async function controlJourney(
  deps: RuntimeDeps,
  input: { journeyId: string; action: JourneyControlSignal['action'] },
): Promise<void> {
  await setJourneyStatus(deps.models, input.journeyId, STATUS[input.action]);
  await deps.client.workflow.start('journeyControlFanOutWorkflow', {
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    // One fan-out per journey: a newer action replaces a still-running one (the latest action wins;
    // the replaced one's runs get the newer head, which its pages read as they go).
    workflowId: controlWorkflowId(input.journeyId),
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    args: [{ journeyId: input.journeyId, action: input.action, afterId: null, signalled: 0 }],
    staticSummary: `${input.action} ${input.journeyId}: signal every open run`,
  });
}

/** The workflow id of a journey's control fan-out: one per journey. */
export function controlWorkflowId(journeyId: string): string {
  return `kizuna-control/${journeyId}`;
}

/**
 * Ends every running journey of a customer (erasure): terminates each open run listed in the entries
 * ledger and the customer's run of every published journey (a run started a moment ago has not
 * claimed its entry yet, so the ledger does not know it), then forgets the customer's entry rows, so a
 * customer created again under the same id starts from nothing. Then deletes the customer's executions
 * from Temporal, closed ones included (runtime/delete-executions.ts), so their histories do not wait
 * for the namespace's retention. Returns how many runs were ended.
 */
export async function endCustomerJourneys(deps: RuntimeDeps, input: { customerId: string }): Promise<number> {
  const journeyIds = await listJourneyIds(deps.models);
  const workflowIds = new Set([
    ...(await listCustomerOpenRuns(deps.models, input.customerId)),
    ...journeyIds.map((journeyId) => journeyWorkflowId(journeyId, input.customerId)),
  ]);
  let ended = 0;
  for (const workflowId of workflowIds) {
    try {
      await deps.client.workflow.getHandle(workflowId).terminate('customer erased');
      ended += 1;
    } catch (err) {
      // Never started, or already closed.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  await deleteCustomerExecutions(deps, {
    customerId: input.customerId,
    journeyIds,
    workflowIds: [...workflowIds],
  });
  await deleteCustomerEntries(deps.models, input.customerId);
  return ended;
}
