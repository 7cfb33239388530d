/**
 * What the report pages read: the API's own report functions, called as its routes call them, so a
 * page and `GET /v1/reports/...` answer the same figures for the same period.
 */
import type { Models } from '../../../store/connection.js';
import { answersReport, type AnswersReport } from '../../reports/answers.js';
import { storesReport, type StoresReport } from '../../reports/stores.js';
import { routesReport, type RouteReportRow, type RoutesReport } from '../../routes/report.js';
import type { PeriodView } from './period.js';

/** The routes report of the period (`GET /v1/reports/routes?from&to&days`). */
export function readRoutesReport(models: Models, period: PeriodView): Promise<RoutesReport> {
  return routesReport(models, { from: period.from, to: period.to, days: period.days });
}

/** The stores report of the period (`GET /v1/reports/stores?from&to&days`). */
export function readStoresReport(models: Models, period: PeriodView): Promise<StoresReport> {
  return storesReport(models, { from: period.from, to: period.to, days: period.days });
}

/** One day of the period: arrivals through every route, and the conversions of those arrivals. */
export interface DailyFigures {
  day: string;
  arrivals: number;
  conversions: number;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
/** Days read at the same time. */
const PARALLEL_DAYS = 6;

/**
 * Each day's figures: the routes report of that day alone (arrivals = its `logins`, conversions = its
 * conversions over every journey, counted within `days` of each arrival).
 */
export async function readDailyFigures(models: Models, period: PeriodView): Promise<DailyFigures[]> {
  const out: DailyFigures[] = [];
  for (let i = 0; i < period.dayList.length; i += PARALLEL_DAYS) {
    const batch = period.dayList.slice(i, i + PARALLEL_DAYS);
    const reports = await Promise.all(
      batch.map((d) => routesReport(models, { from: d.start, to: d.end, days: period.days })),
    );
    reports.forEach((report, j) =>
      out.push({
        day: batch[j]!.day,
        arrivals: sum(report.routes.map((r) => r.logins)),
        conversions: sum(report.routes.flatMap((r) => Object.values(r.conversions))),
      }),
    );
  }
  return out;
}

/** The figures a report line adds up (the routes report's, without its labels). */
export type LineFigures = Omit<RouteReportRow, 'routeId' | 'name' | 'store' | 'channel'>;

/** One store's line: its label (null: routes without one), its routes, and their figures added up. */
export interface StoreLine extends LineFigures {
  store: string | null;
  routes: string[];
}

/** The answers report of a journey (`GET /v1/reports/answers/:journeyId?days`); 404 for an unknown journey. */
export function readAnswersReport(models: Models, journeyId: string, days: number): Promise<AnswersReport> {
  return answersReport(models, journeyId, days);
}
