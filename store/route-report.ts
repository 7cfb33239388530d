/**
 * The reads behind the routes and stores reports that reach outside the routes' own collections: what
 * happened to one customer linked by a route (home store, orders, LINE consent, journey conversions). Each is one query by
 * `_id` or by an indexed `customerId` equality, so a report costs one query per linked customer and
 * kind, never a scan of the events or the journal.
 */
import type { Models } from './models/index.js';
import { findOrderEvents } from './events.js';

/** What the report needs to know of one linked customer. */
export interface LinkedCustomerFacts {
  /** LINE consent now (`blocked` after an unfollow). */
  lineConsent: string | null;
  /** The profile's `homeStore`, when it is a string. */
  homeStore: string | null;
  orders: { occurredAt: Date; total: number }[];
  /** Journeys the customer converted in, with when. */
  conversions: { journeyId: string; at: Date }[];
}

/** Reads the facts of one customer. */
export async function readLinkedCustomerFacts(models: Models, customerId: string): Promise<LinkedCustomerFacts> {
  const [profile, orders, conversions] = await Promise.all([
    models.Customer.findOne({ _id: customerId }, { _id: 0, consent: 1, homeStore: 1 }).lean<{
      consent?: { line?: string };
      homeStore?: unknown;
    }>(),
    findOrderEvents(models, customerId),
    models.JournalRow.find({ customerId, action: 'converted' }, { _id: 0, journeyId: 1, at: 1 }).lean<
      { journeyId: string; at: Date }[]
    >(),
  ]);
  return {
    lineConsent: profile?.consent?.line ?? null,
    homeStore: typeof profile?.homeStore === 'string' ? profile.homeStore : null,
    orders: orders.map((o) => ({ occurredAt: o.occurredAt, total: Number(o.properties?.['total'] ?? 0) || 0 })),
    conversions,
  };
}
