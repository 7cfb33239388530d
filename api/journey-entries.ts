/** `POST /v1/journeys/:id/entries`: customers entered by the shop's systems into an `api` entry journey. */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../definitions/plan.js';
import type { Models } from '../store/models/index.js';
import { ApiError } from './errors.js';
import { loadVersion, type JourneyHead } from './journey-catalog.js';
import type { CustomerEvent, RuntimePort } from './ports.js';
import { checkProperties } from './validate.js';

export type EntryResult = 'entered' | 'already-in-journey' | 'journey-inactive' | 'unknown-customer';

/** Enters each customer (16 at a time); answers one result per customer id, in order. */
export async function enterByApi(
  deps: { models: Models; runtime: RuntimePort; clock: () => number },
  head: JourneyHead,
  input: { customerIds: string[]; properties: Record<string, unknown>; idempotencyKey?: string | undefined },
): Promise<{ customerId: string; result: EntryResult }[]> {
  const loaded = await loadVersion(deps.models, head.journeyId, head.version);
  if (loaded?.plan.entry.type !== 'api') {
    throw new ApiError(
      409,
      'NOT_AN_API_ENTRY',
      `${head.journeyId} does not enter by API (its entry is not "api: true").`,
    );
  }
  const bad = checkProperties(input.properties, 'properties');
  if (bad) throw bad;
  const ids = [...new Set(input.customerIds)];
  const known = new Set(
    (
      await deps.models.Customer.find({ customerId: { $in: ids } }, { customerId: 1, _id: 0 }).lean<
        { customerId: string }[]
      >()
    ).map((c) => c.customerId),
  );
  const key = input.idempotencyKey ?? randomUUID();
  const results = new Map<string, EntryResult>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const customerId = ids[next++]!;
      if (!known.has(customerId)) {
        results.set(customerId, 'unknown-customer');
        continue;
      }
      const event: CustomerEvent | null =
        Object.keys(input.properties).length === 0
          ? null
          : {
              id: `api-entry:${key}:${customerId}`,
              type: 'api.entry',
              timeMs: deps.clock(),
              properties: input.properties as { [k: string]: JsonValue },
            };
      const { status } = await deps.runtime.enterJourney({ journeyId: head.journeyId, customerId, event });
      results.set(
        customerId,
        status === 'entered' ? 'entered' : status === 'signalled' ? 'already-in-journey' : 'journey-inactive',
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, ids.length) }, worker));
  return input.customerIds.map((customerId) => ({ customerId, result: results.get(customerId)! }));
}
