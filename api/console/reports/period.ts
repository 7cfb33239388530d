/**
 * The period the report pages show: whole days in the shop's time zone, `from` to `to` inclusive
 * (`?from=2026-11-01&to=2026-11-30`, the last 30 days by default), and `days`, the window after an
 * arrival in which orders and conversions count (as the API's `days`). The API's reports take the
 * period as instants; {@link PeriodView.query} gives them, so the page and the API read the same span.
 */
import { ConsoleError } from '../errors.js';

const DAY_MS = 86_400_000;
/** The longest period a page draws day by day. */
export const MAX_PAGE_DAYS = 92;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A parsed period. */
export interface PeriodView {
  /** The first and last day shown, `YYYY-MM-DD` in the shop's zone. */
  fromDay: string;
  toDay: string;
  /** `[from, to)`: midnight of the first day to midnight after the last, in the shop's zone. */
  from: Date;
  to: Date;
  days: number;
  /** Each day of the period with its `[start, end)`. */
  dayList: { day: string; start: Date; end: Date }[];
}

/** The offset of `timeZone` from UTC at `atMs` (ms; Tokyo is +9 h). */
function zoneOffset(atMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(atMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(atMs / 1000) * 1000;
}

/** Midnight starting `day` (`YYYY-MM-DD`) in `timeZone`. */
export function zonedMidnight(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffset(guess, timeZone);
  // A second look settles a day whose offset changes around midnight (daylight saving).
  return new Date(guess - zoneOffset(first, timeZone));
}

/** The calendar day (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function zonedDay(atMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(atMs),
  );
}

/** The day after (or `n` days after) `day`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function badPeriod(message: string): ConsoleError {
  return new ConsoleError(400, 'BAD_REQUEST', message);
}

/**
 * Reads `from`, `to` and `days` from a page's query. Throws a 400 page for a malformed date, `from`
 * after `to`, a period over {@link MAX_PAGE_DAYS} days, or `days` outside 1–365.
 */
export function parsePagePeriod(query: Record<string, unknown>, now: number, timeZone: string): PeriodView {
  const text = (name: string) => (typeof query[name] === 'string' && query[name] !== '' ? query[name] : undefined);
  const toDay = text('to') ?? zonedDay(now, timeZone);
  const fromDay = text('from') ?? addDays(toDay, -29);
  for (const day of [fromDay, toDay]) {
    if (!DATE.test(day) || Number.isNaN(Date.parse(day))) throw badPeriod(`"${day}" is not a date (YYYY-MM-DD).`);
  }
  const days = text('days') === undefined ? 30 : Number(text('days'));
  if (!Number.isInteger(days) || days < 1 || days > 365) throw badPeriod('"days" is a whole number from 1 to 365.');
  const count = Math.round((Date.parse(toDay) - Date.parse(fromDay)) / DAY_MS) + 1;
  if (count < 1) throw badPeriod('"from" must not be after "to".');
  if (count > MAX_PAGE_DAYS) throw badPeriod(`A period is at most ${MAX_PAGE_DAYS} days long.`);
  const dayList = Array.from({ length: count }, (_, i) => {
    const day = addDays(fromDay, i);
    return { day, start: zonedMidnight(day, timeZone), end: zonedMidnight(addDays(day, 1), timeZone) };
  });
  return { fromDay, toDay, from: dayList[0]!.start, to: dayList.at(-1)!.end, days, dayList };
}
