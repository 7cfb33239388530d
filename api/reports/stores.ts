/**
 * `GET /v1/reports/stores?from&to&days`: the routes report gathered per store. An arrival counts under
 * its route's `store`; through a route without one (a web banner), under the customer's `homeStore`;
 * with neither, under no store (`store: null`). Visits carry no customer, so they count under their
 * route's store only. Beside the arrivals' figures, each store lists the journeys its customers ran
 * (runs, holdout, conversions and the treated / holdout rates of each journey's current version, from
 * the per-`homeStore` counters of store/journal-breakdowns.ts).
 */
import type { Models } from '../../store/connection.js';
import type { LinkedCustomerFacts } from '../../store/route-report.js';
import {
  readPeriodArrivals,
  readPeriodVisits,
  type RouteArrival,
  type RouteVisit,
} from '../../store/route-activity.js';
import { listRoutes } from '../../store/routes.js';
import type { ArrivalFigures } from './arrival-figures.js';
import { readFacts, tallyArrivals } from './arrival-outcomes.js';
import type { ReportPeriod } from './period.js';
import { readStoreJourneys, type StoreJourneyFigures } from './store-journeys.js';

/** One store's line of the report. */
export interface StoreReportRow extends ArrivalFigures {
  /** The store's label; null gathers what belongs to no store. */
  store: string | null;
  /** The routes labelled with this store (for `store: null`, the routes without a store). */
  routes: string[];
  journeys: StoreJourneyFigures[];
}

export interface StoresReport {
  from: string;
  to: string;
  days: number;
  stores: StoreReportRow[];
}

interface StoreLines {
  routes: string[];
  visits: RouteVisit[];
  arrivals: RouteArrival[];
}

/** Builds the report for a parsed period (api/reports/period.ts). Stores by name, no store last. */
export async function storesReport(models: Models, period: ReportPeriod): Promise<StoresReport> {
  const [routes, visits, arrivals, journeys] = await Promise.all([
    listRoutes(models),
    readPeriodVisits(models, period),
    readPeriodArrivals(models, period),
    readStoreJourneys(models),
  ]);
  const facts = await readFacts(
    models,
    arrivals.map((a) => a.customerId),
  );
  const storeOfRoute = new Map(routes.map((r) => [r.routeId, r.store ?? null]));
  const lines = new Map<string | null, StoreLines>();
  const line = (store: string | null) => {
    let found = lines.get(store);
    if (!found) lines.set(store, (found = { routes: [], visits: [], arrivals: [] }));
    return found;
  };
  for (const r of routes) line(r.store ?? null).routes.push(r.routeId);
  for (const v of visits) line(storeOfRoute.get(v.routeId) ?? null).visits.push(v);
  for (const a of arrivals) line(arrivalStore(a, storeOfRoute, facts)).arrivals.push(a);
  for (const store of journeys.keys()) line(store);
  const rows = [...lines].map(([store, l]) => ({
    store,
    routes: l.routes,
    ...tallyArrivals(l, facts, period.days),
    journeys: journeys.get(store) ?? [],
  }));
  rows.sort((a, b) => (a.store === null ? 1 : b.store === null ? -1 : a.store.localeCompare(b.store)));
  return { from: period.from.toISOString(), to: period.to.toISOString(), days: period.days, stores: rows };
}

function arrivalStore(
  arrival: RouteArrival,
  storeOfRoute: ReadonlyMap<string, string | null>,
  facts: ReadonlyMap<string, LinkedCustomerFacts>,
): string | null {
  return storeOfRoute.get(arrival.routeId) ?? facts.get(arrival.customerId)?.homeStore ?? null;
}
