/**
 * `GET /v1/reports/routes?from&to&days`: per route, in the period: visits (`/r/` opened), logins
 * denied, arrivals (LINE Login completed), friends added through the route, customers linked (and how
 * many of them it brought first), those who blocked the account since, their orders and revenue within
 * `days` of arriving, and their conversions per journey within the same window.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Models } from '../../store/connection.js';
import { readLinkedCustomerFacts, type LinkedCustomerFacts } from '../../store/route-report.js';
import { listRoutes, readRouteLogins, readRouteTouches, type StoredRoute } from '../../store/routes.js';
import type { Auth } from '../http/auth.js';
import { parseOrThrow } from '../http/validate.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One route's line of the report. */
export interface RouteReportRow {
  routeId: string;
  name: string;
  store: string | null;
  channel: string | null;
  visits: number;
  denied: number;
  logins: number;
  friendsAdded: number;
  customersLinked: number;
  newCustomers: number;
  blockedSince: number;
  orders: number;
  revenue: number;
  conversions: Record<string, number>;
}

export interface RoutesReport {
  from: string;
  to: string;
  days: number;
  routes: RouteReportRow[];
}

const query = z.strictObject({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
});

/** Builds the report; `from` defaults to 30 days before `to`, `to` to now. */
export async function routesReport(
  models: Models,
  input: { from: Date; to: Date; days: number },
): Promise<RoutesReport> {
  const routes = await listRoutes(models);
  const rows: RouteReportRow[] = [];
  for (const route of routes) rows.push(await routeRow(models, route, input));
  return { from: input.from.toISOString(), to: input.to.toISOString(), days: input.days, routes: rows };
}

async function routeRow(
  models: Models,
  route: StoredRoute,
  period: { from: Date; to: Date; days: number },
): Promise<RouteReportRow> {
  const inPeriod = (d: Date) => d >= period.from && d < period.to;
  const logins = (await readRouteLogins(models, route.routeId)).filter((l) => inPeriod(l.createdAt));
  const touches = (await readRouteTouches(models, route.routeId)).filter((t) => inPeriod(t.at));
  const firstAt = new Map<string, Date>();
  for (const t of touches)
    if (!firstAt.has(t.customerId) || t.at < firstAt.get(t.customerId)!) firstAt.set(t.customerId, t.at);
  const row: RouteReportRow = {
    routeId: route.routeId,
    name: route.name,
    store: route.store ?? null,
    channel: route.channel ?? null,
    visits: logins.length,
    denied: logins.filter((l) => l.outcome === 'denied').length,
    logins: touches.length,
    friendsAdded: touches.filter((t) => t.friend && t.friendshipStatusChanged).length,
    customersLinked: firstAt.size,
    newCustomers: touches.filter((t) => t.firstTouch).length,
    blockedSince: 0,
    orders: 0,
    revenue: 0,
    conversions: {},
  };
  const ids = [...firstAt.keys()];
  for (let i = 0; i < ids.length; i += 16) {
    const batch = ids.slice(i, i + 16);
    const facts = await Promise.all(batch.map((id) => readLinkedCustomerFacts(models, id)));
    facts.forEach((f, j) => addCustomer(row, f, firstAt.get(batch[j]!)!, period.days));
  }
  return row;
}

function addCustomer(row: RouteReportRow, facts: LinkedCustomerFacts, arrived: Date, days: number): void {
  const until = arrived.getTime() + days * DAY_MS;
  const within = (d: Date) => d.getTime() >= arrived.getTime() && d.getTime() <= until;
  if (facts.lineConsent === 'blocked') row.blockedSince += 1;
  for (const order of facts.orders.filter((o) => within(o.occurredAt))) {
    row.orders += 1;
    row.revenue += order.total;
  }
  const converted = new Set(facts.conversions.filter((c) => within(c.at)).map((c) => c.journeyId));
  for (const journeyId of converted) row.conversions[journeyId] = (row.conversions[journeyId] ?? 0) + 1;
}

export function routesReportRouter(deps: { models: Models; auth: Auth; clock: () => number }): Router {
  const router = Router();
  router.get('/v1/reports/routes', deps.auth.require('journeys:read'), (req, res, next) => {
    const q = parseOrThrowQuery(req.query);
    const to = q.to ? new Date(q.to) : new Date(deps.clock());
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
    routesReport(deps.models, { from, to, days: q.days })
      .then((report) => res.json(report))
      .catch(next);
  });
  return router;
}

function parseOrThrowQuery(value: unknown): z.output<typeof query> {
  return parseOrThrow(query, value);
}
