/**
 * `GET /v1/reports/routes?from&to&days`: per route, in the period: visits (`/r/` opened), logins
 * denied, arrivals (LINE Login completed), friends added through the route, customers linked (and how
 * many of them it brought first), those who blocked the account since, their orders and revenue within
 * `days` of arriving, and their conversions per journey within the same window. The period's visits and
 * arrivals are read one day at a time through the `day` index (store/route-activity.ts).
 */
import { Router } from 'express';
import type { Models } from '../../store/connection.js';
import {
  readPeriodArrivals,
  readPeriodVisits,
  type RouteArrival,
  type RouteVisit,
} from '../../store/route-activity.js';
import { listRoutes } from '../../store/routes.js';
import type { Auth } from '../http/auth.js';
import type { ArrivalFigures } from '../reports/arrival-figures.js';
import { readFacts, tallyArrivals } from '../reports/arrival-outcomes.js';
import { parsePeriod, type ReportPeriod } from '../reports/period.js';

/** One route's line of the report. */
export interface RouteReportRow extends ArrivalFigures {
  routeId: string;
  name: string;
  store: string | null;
  channel: string | null;
}

export interface RoutesReport {
  from: string;
  to: string;
  days: number;
  routes: RouteReportRow[];
}

/** Builds the report for a parsed period (api/reports/period.ts). */
export async function routesReport(models: Models, period: ReportPeriod): Promise<RoutesReport> {
  const [routes, visits, arrivals] = await Promise.all([
    listRoutes(models),
    readPeriodVisits(models, period),
    readPeriodArrivals(models, period),
  ]);
  const facts = await readFacts(
    models,
    arrivals.map((a) => a.customerId),
  );
  const rows = routes.map((route) => ({
    routeId: route.routeId,
    name: route.name,
    store: route.store ?? null,
    channel: route.channel ?? null,
    ...tallyArrivals(
      { visits: ofRoute(visits, route.routeId), arrivals: ofRoute(arrivals, route.routeId) },
      facts,
      period.days,
    ),
  }));
  return { from: period.from.toISOString(), to: period.to.toISOString(), days: period.days, routes: rows };
}

const ofRoute = <T extends RouteVisit | RouteArrival>(rows: readonly T[], routeId: string) =>
  rows.filter((r) => r.routeId === routeId);

export function routesReportRouter(deps: { models: Models; auth: Auth; clock: () => number }): Router {
  const router = Router();
  router.get('/v1/reports/routes', deps.auth.require('journeys:read'), (req, res, next) => {
    const period = parsePeriod(req.query, deps.clock());
    routesReport(deps.models, period)
      .then((report) => res.json(report))
      .catch(next);
  });
  return router;
}
