/**
 * The routes' activity in a period, as the routes and stores reports read it: the visits (`route_logins`)
 * and arrivals (`route_touches`) whose time falls in `[from, to)`. FerretDB v1 pushes no date range
 * down to PostgreSQL, so each row carries its UTC calendar day (`day`, indexed) and a period is read one
 * day at a time by equality: a report reads the rows of its period's days, whatever the size of the
 * collections. The days at the period's edges are trimmed to the exact bounds here.
 */
import type { Models } from './models/index.js';

/** The longest period a report reads, in days (one indexed query a day). */
export const MAX_PERIOD_DAYS = 366;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days read at the same time: enough to hide the round trips, few enough to leave the store to others. */
const PARALLEL_DAYS = 8;

/** A half-open period `[from, to)`. */
export interface Period {
  from: Date;
  to: Date;
}

/** One visit of `/r/<routeId>`. */
export interface RouteVisit {
  routeId: string;
  createdAt: Date;
  /** How the LINE Login ended (`arrived`, `denied`, ...); absent while it has not. */
  outcome?: string;
}

/** One arrival through a route (a completed LINE Login). */
export interface RouteArrival {
  routeId: string;
  customerId: string;
  friend: boolean;
  friendshipStatusChanged: boolean;
  firstTouch: boolean;
  at: Date;
}

/** The UTC calendar day of `at`, as rows store it (`2026-12-01`). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The UTC days that overlap `[from, to)`, oldest first. Throws a RangeError when the period is empty
 * or longer than {@link MAX_PERIOD_DAYS} (the API checks both before calling).
 */
export function periodDays(period: Period): string[] {
  const first = Date.parse(utcDay(period.from));
  const last = period.to.getTime() - 1;
  if (last < period.from.getTime()) throw new RangeError('the period is empty: "from" must be before "to"');
  const days: string[] = [];
  for (let t = first; t <= last; t += DAY_MS) {
    days.push(utcDay(new Date(t)));
    if (days.length > MAX_PERIOD_DAYS + 1) throw new RangeError(`the period is longer than ${MAX_PERIOD_DAYS} days`);
  }
  return days;
}

/** The visits of one UTC day, every route. */
export async function readDayVisits(models: Models, day: string): Promise<RouteVisit[]> {
  return models.RouteLogin.find({ day }, { _id: 0, routeId: 1, createdAt: 1, outcome: 1 }).lean<RouteVisit[]>();
}

/** The arrivals of one UTC day, every route. */
export async function readDayArrivals(models: Models, day: string): Promise<RouteArrival[]> {
  return models.RouteTouch.find(
    { day },
    { _id: 0, routeId: 1, customerId: 1, friend: 1, friendshipStatusChanged: 1, firstTouch: 1, at: 1 },
  ).lean<RouteArrival[]>();
}

/** The visits in the period, every route. */
export async function readPeriodVisits(models: Models, period: Period): Promise<RouteVisit[]> {
  const rows = await readByDay(periodDays(period), (day) => readDayVisits(models, day));
  return rows.filter((v) => within(period, v.createdAt));
}

/** The arrivals in the period, every route, oldest first. */
export async function readPeriodArrivals(models: Models, period: Period): Promise<RouteArrival[]> {
  const rows = await readByDay(periodDays(period), (day) => readDayArrivals(models, day));
  return rows.filter((a) => within(period, a.at)).sort((a, b) => a.at.getTime() - b.at.getTime());
}

const within = (period: Period, at: Date) => at >= period.from && at < period.to;

async function readByDay<T>(days: readonly string[], read: (day: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < days.length; i += PARALLEL_DAYS) {
    for (const rows of await Promise.all(days.slice(i, i + PARALLEL_DAYS).map(read))) out.push(...rows);
  }
  return out;
}
