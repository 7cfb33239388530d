/**
 * What the routes and stores reports count for the customers who arrived through a route: their facts
 * (store/route-report.ts, a few indexed reads each) and what of them falls within `days` of arriving.
 */
import type { Models } from '../../store/connection.js';
import type { RouteArrival, RouteVisit } from '../../store/route-activity.js';
import { readLinkedCustomerFacts, type LinkedCustomerFacts } from '../../store/route-report.js';
import type { ArrivalFigures, ArrivalOutcomes } from './arrival-figures.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Customers whose facts are read at the same time. */
const PARALLEL_CUSTOMERS = 16;

/** Figures with nothing counted yet. */
export const noOutcomes = (): ArrivalOutcomes => ({ blockedSince: 0, orders: 0, revenue: 0, conversions: {} });

/** The facts of each customer, by id. */
export async function readFacts(
  models: Models,
  customerIds: Iterable<string>,
): Promise<Map<string, LinkedCustomerFacts>> {
  const ids = [...new Set(customerIds)];
  const facts = new Map<string, LinkedCustomerFacts>();
  for (let i = 0; i < ids.length; i += PARALLEL_CUSTOMERS) {
    const batch = ids.slice(i, i + PARALLEL_CUSTOMERS);
    const read = await Promise.all(batch.map((id) => readLinkedCustomerFacts(models, id)));
    read.forEach((f, j) => facts.set(batch[j]!, f));
  }
  return facts;
}

/**
 * Adds one linked customer to `into`: blocked now, orders and revenue from `arrived` to `days` after,
 * and each journey they converted in within the same window (once per journey).
 */
export function addOutcomes(into: ArrivalOutcomes, facts: LinkedCustomerFacts, arrived: Date, days: number): void {
  const start = arrived.getTime();
  const within = (d: Date) => d.getTime() >= start && d.getTime() <= start + days * DAY_MS;
  if (facts.lineConsent === 'blocked') into.blockedSince += 1;
  for (const order of facts.orders.filter((o) => within(o.occurredAt))) {
    into.orders += 1;
    into.revenue += order.total;
  }
  const converted = new Set(facts.conversions.filter((c) => within(c.at)).map((c) => c.journeyId));
  for (const journeyId of converted) into.conversions[journeyId] = (into.conversions[journeyId] ?? 0) + 1;
}

/**
 * The figures of one line from its visits and arrivals (oldest first) in the period: a customer who
 * arrived more than once counts once, from their first arrival of the period.
 */
export function tallyArrivals(
  lines: { visits: readonly RouteVisit[]; arrivals: readonly RouteArrival[] },
  facts: ReadonlyMap<string, LinkedCustomerFacts>,
  days: number,
): ArrivalFigures {
  const { visits, arrivals } = lines;
  const firstAt = new Map<string, Date>();
  for (const a of arrivals) if (!firstAt.has(a.customerId)) firstAt.set(a.customerId, a.at);
  const figures: ArrivalFigures = {
    visits: visits.length,
    denied: visits.filter((v) => v.outcome === 'denied').length,
    logins: arrivals.length,
    friendsAdded: arrivals.filter((a) => a.friend && a.friendshipStatusChanged).length,
    customersLinked: firstAt.size,
    newCustomers: arrivals.filter((a) => a.firstTouch).length,
    ...noOutcomes(),
  };
  for (const [customerId, at] of firstAt) {
    const known = facts.get(customerId);
    if (known) addOutcomes(figures, known, at, days);
  }
  return figures;
}
