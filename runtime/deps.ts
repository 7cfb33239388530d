/** What the client side of the runtime needs: a Temporal client and the store. */
import type { Client } from '@temporalio/client';
import type { Models } from '../store/connection.js';

export interface RuntimeDeps {
  client: Client;
  models: Models;
  /** Task queue of the journey workers; default `kizuna`. */
  taskQueue?: string;
  /** Passed to new runs: continue-as-new past this many history events (tests lower it). */
  historyBound?: number;
}

/**
 * The workflow id of a customer's run of a journey: at most one run at a time, or, for a keyed entry
 * (`entry.key`), one per key value, `kizuna/<journey>/<customer>/<key>` with the key URI-escaped (so a
 * `/` in it cannot reach another customer's id).
 */
export function journeyWorkflowId(journeyId: string, customerId: string, key: string | null = null): string {
  const base = `kizuna/${journeyId}/${customerId}`;
  return key === null ? base : `${base}/${encodeURIComponent(key)}`;
}
