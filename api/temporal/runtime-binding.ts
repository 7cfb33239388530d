/**
 * Binds the runtime's client side (runtime/) to a Temporal client as the API's {@link RuntimePort}.
 * Every call gets a gRPC deadline: while Temporal is unreachable the client would otherwise keep
 * retrying inside the request; with the deadline the call is abandoned (so it cannot land late), the
 * request answers 503 and the event stays in the outbox for the retry.
 */
import type { Client } from '@temporalio/client';
import {
  controlJourney,
  countWaitingRuns,
  endCustomerJourneys,
  enterJourney,
  signalCustomerEvent,
} from '../../runtime/index.js';
import type { Models } from '../../store/connection.js';
import type { RuntimePort } from '../ports.js';

export function bindRuntime(
  client: Client,
  models: Models,
  opts: { deadlineMs?: number; taskQueue?: string } = {},
): RuntimePort {
  const deps = { client, models, ...(opts.taskQueue ? { taskQueue: opts.taskQueue } : {}) };
  const deadlineMs = opts.deadlineMs ?? 5_000;
  const bounded = <R>(fn: () => Promise<R>) => client.withDeadline(Date.now() + deadlineMs, fn);
  return {
    enterJourney: (input) => bounded(() => enterJourney(deps, input)),
    signalCustomerEvent: (input) => bounded(() => signalCustomerEvent(deps, input)),
    controlJourney: (input) => bounded(() => controlJourney(deps, input)),
    endCustomerJourneys: (input) => bounded(() => endCustomerJourneys(deps, input)),
    waitingRuns: (input) => bounded(() => countWaitingRuns(deps, input)),
  };
}
