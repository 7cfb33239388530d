/**
 * The period query of the routes and stores reports: `from` and `to` (a date, `2026-12-01`, or a
 * date-time with its offset) bound the arrivals counted, `[from, to)`; `days` is the window after an
 * arrival in which its customer's orders and conversions count.
 */
import { z } from 'zod';
import { MAX_PERIOD_DAYS, type Period } from '../../store/route-activity.js';
import { ApiError } from '../http/errors.js';
import { parseOrThrow } from '../http/validate.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The query's shape; unknown parameters are refused. */
export const periodQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
});

/** A parsed report query. */
export type ReportPeriod = Period & { days: number };

/**
 * Parses the query: `to` defaults to now, `from` to 30 days before `to`. Throws 400 VALIDATION_FAILED
 * for a malformed value, an empty period (`from` not before `to`) or one longer than 366 days.
 */
export function parsePeriod(query: unknown, now: number): ReportPeriod {
  const q = parseOrThrow(periodQuery, query);
  const to = q.to ? new Date(q.to) : new Date(now);
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime()) throw periodError('from', '"from" must be before "to".');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw periodError('to', `The period is at most ${MAX_PERIOD_DAYS} days long.`);
  }
  return { from, to, days: q.days };
}

function periodError(path: string, message: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', message, {
    problems: [{ path, code: 'invalid_period', message }],
  });
}
