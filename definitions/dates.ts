/**
 * How Kizuna reads a date value (a profile or event attribute) into an instant:
 *
 * - a `Date` (BSON date) or an ISO 8601 date-time with `Z` or an offset is that instant;
 * - a date-only value (`2026-12-01`) is that calendar date in the journey's zone: its local midnight;
 * - a date-time without an offset (`2026-12-01T09:00`) is that wall-clock time in the journey's zone.
 *
 * Only `Intl` is used and zone-less text is never given to `Date.parse` (which would read it in the
 * machine's zone), so the answer is the same on every machine and inside Temporal's workflow sandbox.
 */
import type { TimezonePlan } from './plan.js';
import { fromWallClock, isValidTimeZone, toLocalTime } from './time-windows.js';

const DAY_MS = 86_400_000;

// Strict ISO 8601 extended format: the date, then optionally `T`, the time (seconds and a fraction
// optional) and `Z` or `±HH:MM`. Anything else (a space for `T`, week dates, "12/01") is not a date.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * The instant a date value stands for, read in `zone` (the policy's zone; the customer's zone when
 * the policy says `profile.timezone`), as epoch milliseconds.
 *
 * Accepts a valid `Date`, a finite integer (epoch milliseconds), and text in ISO 8601 extended form:
 * `2026-12-01` (local midnight of that date in `zone`), `2026-12-01T09:00[:00[.000]]` (that local
 * time in `zone`), or either of those date-times followed by `Z` or `±HH:MM` (an instant; `zone`
 * plays no part). A local time repeated by a daylight-saving fall-back is the first of the two; one
 * skipped by a jump forward moves forward by the jump (02:30 on a spring-forward night reads as 03:30).
 *
 * @returns `null` for anything else: missing values, other strings, impossible dates (`2026-02-30`).
 * @throws RangeError when the value needs a zone and `zone` is not a valid IANA zone.
 */
export function readDateValue(value: unknown, zone: string): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  return readDateText(value, zone);
}

/** Tells whether `text` is an ISO 8601 date or date-time that {@link readDateValue} reads. */
export function isDateText(text: string): boolean {
  return parseFields(text) !== null;
}

/**
 * `ms` moved by whole calendar days in `zone`, keeping the wall-clock time: 7 days before
 * 2026-03-10 00:00 in New York is 2026-03-03 00:00 although a daylight-saving change lies between.
 *
 * @throws RangeError when `zone` is not a valid IANA zone.
 */
export function addLocalDays(ms: number, days: number, zone: string): number {
  const local = toLocalTime(ms, zone);
  const wall = utcMs(local.year, local.month, local.day, local.hour, local.minute, local.second, 0) + days * DAY_MS;
  return fromWallClock(wall, zone) + (((ms % 1000) + 1000) % 1000);
}

/**
 * `ms` moved by a "before"/"after" offset in `zone`: its whole days move the calendar date keeping
 * the wall-clock time ({@link addLocalDays}), the rest is elapsed time. "3 days before" a date is
 * three calendar days before it even when a daylight-saving change makes one of them 23 hours long.
 *
 * @throws RangeError when `zone` is not a valid IANA zone.
 */
export function shiftByOffset(ms: number, offsetMs: number, zone: string): number {
  const days = Math.trunc(offsetMs / DAY_MS);
  return (days === 0 ? ms : addLocalDays(ms, days, zone)) + (offsetMs - days * DAY_MS);
}

/**
 * A copy of `doc` in which each of `fields` (top-level names) that holds date text is a `Date`,
 * read in `zone` with {@link readDateValue}; other values are kept as they are. This is how a
 * profile written as JSON becomes the profile a journey reads, where dates are BSON dates.
 */
export function withDateFields(
  doc: Record<string, unknown>,
  fields: Iterable<string>,
  zone: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  for (const field of fields) {
    const value = Object.hasOwn(doc, field) ? doc[field] : undefined;
    if (typeof value !== 'string') continue;
    const ms = readDateText(value, zone);
    if (ms !== null) out[field] = new Date(ms);
  }
  return out;
}

interface DateFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Minutes east of UTC, or `null` when the text carries no offset. */
  offsetMinutes: number | null;
}

function readDateText(text: string, zone: string): number | null {
  const f = parseFields(text);
  if (f === null) return null;
  const wall = utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second, f.ms);
  if (f.offsetMinutes !== null) return wall - f.offsetMinutes * 60_000;
  // The zone offsets only whole seconds; the milliseconds ride along.
  return fromWallClock(wall - f.ms, zone) + f.ms;
}

function parseFields(text: string): DateFields | null {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = m[8] === undefined ? null : parseOffset(m[8]);
  if (offsetMinutes === undefined) return null;
  return { year, month, day, hour, minute, second, ms, offsetMinutes };
}

function parseOffset(text: string): number | undefined {
  if (text === 'Z') return 0;
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `Date.UTC` for every year from 0 (which `Date.UTC` reads as 1900 below 100). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number) {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/**
 * The zone a journey reads a customer's dates in: the policy's fixed zone, else the profile's zone
 * at the policy's path when it is a valid IANA zone, else the policy's fallback.
 */
export function journeyZone(policy: TimezonePlan, profile: Record<string, unknown>): string {
  if (policy.source === 'fixed') return policy.zone;
  let value: unknown = profile;
  for (const part of policy.path.replace(/^profile\./, '').split('.')) {
    value =
      typeof value === 'object' && value !== null && Object.hasOwn(value, part) ? (value as never)[part] : undefined;
  }
  return isValidTimeZone(value) ? value : policy.fallback;
}
