/** Hands a customer event to a customer's run of a journey, if one is going. */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { CustomerEvent } from '../engine/index.js';
import { getJourneyHead, loadEventFieldsUpTo } from '../store/journeys.js';
import type { Models } from '../store/connection.js';
import { customerEvent } from '../workflows/signals.js';
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';
import { keptByHead, type HeadKey } from './head-cache.js';
import { trimEvent } from './event-fields.js';

/**
 * Signals `customerEvent` to `kizuna/<journeyId>/<customerId>`. The event carries only the properties
 * some published version of the journey reads (the run may be pinned to an older version than the
 * head). Answers `no-run` when no run is going (nothing is started).
 */
export async function signalCustomerEvent(
  deps: RuntimeDeps,
  input: { journeyId: string; customerId: string; event: CustomerEvent },
): Promise<'signalled' | 'no-run'> {
  const head = await getJourneyHead(deps.models, input.journeyId);
  // Without a published version nothing can be running that reads event properties.
  const event =
    head === null ? trimEvent({ eventFields: {} }, input.event) : await trimForRuns(deps.models, head, input.event);
  try {
    await deps.client.workflow
      .getHandle(journeyWorkflowId(input.journeyId, input.customerId))
      .signal(customerEvent, { event });
    return 'signalled';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'no-run';
    throw err;
  }
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
