/** Hands a customer event to a customer's run(s) of a journey, if one is going. */
import { WorkflowNotFoundError } from '@temporalio/common';
import { entryKeyValue } from '../definitions/entry-key.js';
import type { CustomerEvent } from '../engine/index.js';
import { listCustomerOpenRuns } from '../store/entries.js';
import { getJourneyHead, loadJourneyPlan, loadEventFieldsUpTo } from '../store/journeys.js';
import type { Models } from '../store/connection.js';
import { customerEvent } from '../workflows/signals.js';
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';
import { keptByHead, type HeadKey } from './head-cache.js';
import { trimEvent } from './event-fields.js';

/**
 * Signals `customerEvent` to `kizuna/<journeyId>/<customerId>`. The event carries only the properties
 * some published version of the journey reads (the run may be pinned to an older version than the
 * head). In a keyed journey (`entry.key`) an event naming a key goes to that key's run, and one without
 * it to each of the customer's open runs of the journey (from the entries ledger). Answers `no-run`
 * when no run is going (nothing is started).
 */
export async function signalCustomerEvent(
  deps: RuntimeDeps,
  input: { journeyId: string; customerId: string; event: CustomerEvent },
): Promise<'signalled' | 'no-run'> {
  const head = await getJourneyHead(deps.models, input.journeyId);
  // Without a published version nothing can be running that reads event properties.
  const event =
    head === null ? trimEvent({ eventFields: {} }, input.event) : await trimForRuns(deps.models, head, input.event);
  const plan = head === null ? null : await headPlan(deps.models, head);
  const base = journeyWorkflowId(input.journeyId, input.customerId);
  let targets = [base];
  if (plan?.entry.type === 'event' && plan.entry.key !== undefined) {
    const key = entryKeyValue(plan, event.properties);
    targets =
      key !== null
        ? [journeyWorkflowId(input.journeyId, input.customerId, key)]
        : (await listCustomerOpenRuns(deps.models, input.customerId)).filter((id) => id.startsWith(`${base}/`));
  }
  let signalled = 0;
  for (const workflowId of targets) {
    try {
      await deps.client.workflow.getHandle(workflowId).signal(customerEvent, { event });
      signalled += 1;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return signalled > 0 ? 'signalled' : 'no-run';
}

/**
 * The event as a running run of the journey may receive it: with the properties that some published
 * version up to `head` reads (a run stays on the version it entered with, maybe older than the head).
 */
export async function trimForRuns(models: Models, head: HeadKey, event: CustomerEvent): Promise<CustomerEvent> {
  return trimEvent({ eventFields: await fieldsUpTo(models, head) }, event);
}

// The versions up to a head never change: their union of event fields is kept by head.
const fieldsUpTo = keptByHead((models, head) => loadEventFieldsUpTo(models, head.journeyId, head.version));
const headPlan = keptByHead((models, head) => loadJourneyPlan(models, head.journeyId, head.version));
