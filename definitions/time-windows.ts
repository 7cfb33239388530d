/**
 * Pure time-zone arithmetic for journeys: local time of day, ISO weekdays, quiet hours that may
 * cross midnight, and the next moment a message may go out.
 *
 * Only `Intl` is used (no Node built-ins, no clock, no third-party date library), so this module
 * runs inside Temporal's workflow sandbox. Every function takes the instant as epoch milliseconds.
 */
import type { QuietHoursPlan } from './plan.js';

/** Wall-clock fields of an instant in a time zone. `weekday` is ISO: 1 = Monday ... 7 = Sunday. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** Minutes since local midnight (0-1439). */
  minuteOfDay: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// A formatter per zone: creating one costs far more than using it, and the cache is keyed only by
// the zone name, so results stay deterministic.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      // The era tells 1 BC (year 0) from AD 1: without it both print as year 1.
      era: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Tells whether `zone` is an IANA time zone name this runtime knows. Never throws. */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock time of instant `ms` in `zone`.
 *
 * @throws RangeError when `zone` is not a valid IANA zone (check with {@link isValidTimeZone}).
 */
export function toLocalTime(ms: number, zone: string): LocalTime {
  const shifted = new Date(ms + zoneOffsetMs(ms, zone));
  const hour = shifted.getUTCHours();
  const minute = shifted.getUTCMinutes();
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour,
    minute,
    second: shifted.getUTCSeconds(),
    weekday: shifted.getUTCDay() === 0 ? 7 : shifted.getUTCDay(),
    minuteOfDay: hour * 60 + minute,
  };
}

// Zones change their offset only on quarter-hour boundaries, so the offset is measured once per
// zone and quarter hour (formatting is the costly part) and memoised; the memo only caches a pure
// function of its key, so results do not depend on what was asked before.
const OFFSET_BUCKET_MS = 15 * MINUTE_MS;
const OFFSET_MEMO_LIMIT = 50_000;
const offsets = new Map<string, number>();

/**
 * Offset of `zone` from UTC at instant `ms`, in milliseconds (Asia/Tokyo: +9 h).
 *
 * @throws RangeError when `zone` is not a valid IANA zone.
 */
export function zoneOffsetMs(ms: number, zone: string): number {
  const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
  const key = `${zone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = measureOffset(bucket * OFFSET_BUCKET_MS, zone);
    if (offsets.size >= OFFSET_MEMO_LIMIT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function measureOffset(ms: number, zone: string): number {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(ms)) fields[part.type] = part.value;
  const year = fields.era === 'BC' ? 1 - Number(fields.year) : Number(fields.year);
  const wall = utcWallMs(
    year,
    Number(fields.month),
    Number(fields.day),
    (Number(fields.hour) % 24) * 60 + Number(fields.minute),
    Number(fields.second),
  );
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant at which the wall clock in `zone` shows the given local date and minute of day.
 * A local time skipped by a daylight-saving jump resolves to the instant just after the jump.
 */
export function fromLocalTime(year: number, month: number, day: number, minuteOfDay: number, zone: string): number {
  return fromWallClock(utcWallMs(year, month, day, minuteOfDay, 0), zone);
}

/**
 * The wall-clock date and time written as if in UTC (epoch ms), for every year from 0: `Date.UTC`
 * alone reads years 0-99 as 1900-1999.
 */
function utcWallMs(year: number, month: number, day: number, minuteOfDay: number, second: number): number {
  const date = new Date(0);
  // Field by field, so minutes past the day (and days past the month) still carry over.
  date.setUTCFullYear(year, month - 1, day);
  return date.setUTCHours(0, minuteOfDay, second, 0);
}

/**
 * The instant at which the wall clock in `zone` shows `wall` (the local date and time written as
 * if it were UTC, in epoch ms). A local time repeated by a daylight-saving fall-back is the first of
 * the two; one skipped by a jump forward resolves to the instant just after the jump.
 *
 * @throws RangeError when `zone` is not a valid IANA zone.
 */
export function fromWallClock(wall: number, zone: string): number {
  // The offsets a day either side bound the candidates (no zone changes its offset twice in two
  // days); a candidate is real when the zone's offset at it is the one it assumed.
  const before = zoneOffsetMs(wall - DAY_MS, zone);
  const after = zoneOffsetMs(wall + DAY_MS, zone);
  const real = [wall - before, wall - after].filter((at) => zoneOffsetMs(at, zone) === wall - at);
  return real.length > 0 ? Math.min(...real) : wall - before;
}

/** Parses "HH:MM" (00:00-23:59) into minutes since midnight; `null` when malformed. */
export function parseTimeOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Tells whether the local time of `ms` in `zone` lies inside the quiet window (start inclusive, end exclusive). */
export function isQuietTime(ms: number, zone: string, quiet: QuietHoursPlan): boolean {
  const { startMinute, endMinute } = quiet;
  if (startMinute === endMinute) return false;
  const minute = toLocalTime(ms, zone).minuteOfDay;
  return startMinute < endMinute
    ? minute >= startMinute && minute < endMinute
    : minute >= startMinute || minute < endMinute;
}

/**
 * The first moment at or after `ms` outside the quiet window: `ms` itself when it is already
 * allowed, else the window's local end (the next day's when the window crosses midnight).
 * A window whose start equals its end is empty.
 */
export function nextAllowedMoment(ms: number, zone: string, quiet: QuietHoursPlan | null): number {
  if (quiet === null || !isQuietTime(ms, zone, quiet)) return ms;
  const local = toLocalTime(ms, zone);
  const crossesToTomorrow = quiet.startMinute > quiet.endMinute && local.minuteOfDay >= quiet.startMinute;
  const dayShift = crossesToTomorrow ? 1 : 0;
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + dayShift));
  const end = fromLocalTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), quiet.endMinute, zone);
  if (end > ms) return end;
  // In the hour a fall-back repeats, the end's first occurrence may be past while `ms` is in the
  // repeat: the window ends at the second occurrence, under the offset in force at `ms`.
  const repeated = end + zoneOffsetMs(end, zone) - zoneOffsetMs(ms, zone);
  return repeated > ms ? repeated : ms + MINUTE_MS;
}

/**
 * Moves `ms` to the given local time of day on the same local date, then forward to the first
 * allowed ISO weekday (same time of day). With `minuteOfDay` null the time of day is kept.
 * With `weekdays` null or empty every day is allowed.
 */
export function snapToLocalTime(
  ms: number,
  zone: string,
  minuteOfDay: number | null,
  weekdays: readonly number[] | null,
): number {
  const local = toLocalTime(ms, zone);
  const allowed = weekdays === null || weekdays.length === 0 ? null : new Set(weekdays);
  for (let shift = 0; shift < 7; shift += 1) {
    const weekday = ((local.weekday - 1 + shift) % 7) + 1;
    if (allowed !== null && !allowed.has(weekday)) continue;
    if (minuteOfDay === null && shift === 0) return ms;
    const date = new Date(Date.UTC(local.year, local.month - 1, local.day + shift));
    const minute = minuteOfDay ?? local.minuteOfDay;
    const snapped = fromLocalTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), minute, zone);
    return minuteOfDay === null ? snapped + (ms % MINUTE_MS) : snapped;
  }
  return ms;
}

/** Formats `ms` as "YYYY-MM-DD HH:MM" in `zone`, followed by the UTC offset ("+09:00"). */
export function formatLocalTime(ms: number, zone: string): string {
  const local = toLocalTime(ms, zone);
  const offsetMinutes = Math.round(zoneOffsetMs(ms, zone) / MINUTE_MS);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.year}-${pad(local.month)}-${pad(local.day)} ${pad(local.hour)}:${pad(local.minute)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
