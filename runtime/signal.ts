/** Hands a customer event to a customer's run of a journey, if one is going. */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { CustomerEvent } from '../engine/index.js';
import { getJourneyHead, loadJourneyVersion } from '../store/journeys.js';
import { customerEvent } from '../workflows/signals.js';
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';
import { trimEvent } from './event-fields.js';

/**
 * Signals `customerEvent` to `kizuna/<journeyId>/<customerId>`. The event carries only the properties
 * the journey's current version reads. Answers `no-run` when no run is going (nothing is started).
 */
export async function signalCustomerEvent(
  deps: RuntimeDeps,
  input: { journeyId: string; customerId: string; event: CustomerEvent },
): Promise<'signalled' | 'no-run'> {
  const head = await getJourneyHead(deps.models, input.journeyId);
  const version = head === null ? null : await loadJourneyVersion(deps.models, head.journeyId, head.version);
  // Without a published version nothing can be running that reads event properties.
  const event = version === null ? { ...input.event, properties: {} } : trimEvent(version.plan, input.event);
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
