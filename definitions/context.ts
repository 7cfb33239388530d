/**
 * What the compiler's passes share: the problem sink, the position map, the options, and the
 * event index being built (which events the journey listens to, which event fields it reads).
 */
import type { ListenReason } from './plan.js';
import type { ProblemSink } from './errors.js';
import type { DocPath, PositionMap } from './load-yaml.js';
import { ONE_YEAR_MS, parseDuration } from './durations.js';
import { suggest } from './suggest.js';
import { EVENT_NAME } from './patterns.js';

/** State of one compilation. */
export interface CompileContext {
  sink: ProblemSink;
  positions: PositionMap;
  /** Declared profile fields; `undefined` turns the undeclared-field warnings off. */
  profileFields: ReadonlySet<string> | undefined;
  /** Declared profile fields of type `date` (empty when none are declared). */
  dateFields: ReadonlySet<string>;
  /** The entry event type, when the journey starts on an event (scope of bare `event.*` paths). */
  entryEvent: string | null;
  /** Inside a `wait_for`'s `on_event` steps: that step and the event it received. */
  eventScope: { step: string; event: string } | null;
  /** Rich menu names (`richmenus/<name>.yaml`); `undefined` when not known, then names are only checked for form. */
  richMenus?: ReadonlySet<string>;
  listens: Map<string, Set<ListenReason>>;
  eventFields: Map<string, Set<string>>;
}

/** Records that the journey listens to `event` for `reason`. */
export function listen(ctx: CompileContext, event: string, reason: ListenReason): void {
  const reasons = ctx.listens.get(event) ?? new Set<ListenReason>();
  reasons.add(reason);
  ctx.listens.set(event, reasons);
}

/** Records that the journey reads property `field` of events of type `event`. */
export function readEventField(ctx: CompileContext, event: string, field: string): void {
  const fields = ctx.eventFields.get(event) ?? new Set<string>();
  fields.add(field);
  ctx.eventFields.set(event, fields);
}

/** Checks an event type name (`order.completed`); reports BAD_EVENT_NAME. */
export function checkEventName(ctx: CompileContext, name: string, path: DocPath): boolean {
  if (EVENT_NAME.test(name)) return true;
  ctx.sink.add(
    'BAD_EVENT_NAME',
    `"${name}" is not an event type; write it like order.completed`,
    ctx.positions.valueAt(path),
    path,
  );
  return false;
}

/**
 * Milliseconds of the duration at `path`; reports BAD_DURATION, ZERO_DURATION or DURATION_TOO_LONG and returns null,
 * and warns (DURATION_OVER_A_YEAR) about waits longer than a year.
 */
export function durationMs(ctx: CompileContext, text: string, path: DocPath): number | null {
  const at = ctx.positions.valueAt(path);
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    if (parsed.problem === 'zero') {
      ctx.sink.add('ZERO_DURATION', `"${text}" is zero; write a positive duration such as 1h or 1d`, at, path);
    } else if (parsed.problem === 'too_long') {
      ctx.sink.add('DURATION_TOO_LONG', `"${text}" is longer than 100 years; write a shorter duration`, at, path);
    } else {
      const message = `"${text}" is not a duration; write 45m, 3h, 3d, 2w or ISO 8601 such as P3D (no months or years)`;
      const negative = /^\s*-/.test(text) ? '; durations cannot be negative (wait_until takes before: 3d)' : '';
      ctx.sink.add('BAD_DURATION', message + negative, at, path, { suggestion: guessDuration(text) });
    }
    return null;
  }
  if (parsed.ms > ONE_YEAR_MS) {
    ctx.sink.add('DURATION_OVER_A_YEAR', `"${text}" is longer than a year; is that intended?`, at, path, {
      severity: 'warning',
    });
  }
  return parsed.ms;
}

/** `3 days` -> `3d`, `-3d` -> `3d`: a fix for the commonest slips. */
function guessDuration(text: string): string | undefined {
  const match = /^-?\s*(\d+)\s*(min|minutes?|mins?|hours?|hrs?|days?|weeks?|[mhdw])\b/i.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const unit = match[2].toLowerCase();
  const letter = unit.startsWith('mi') || unit === 'm' ? 'm' : unit[0];
  const fixed = `${match[1]}${letter}`;
  return parseDuration(fixed).ok && fixed !== text ? fixed : undefined;
}

const knownZones = new Map<string, boolean>();

/** Is `zone` an IANA time zone this runtime knows? (Memoised: building a formatter is slow.) */
export function isTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = zone.length > 0;
    } catch {
      known = false;
    }
    knownZones.set(zone, known);
  }
  return known;
}

/** Checks a time zone; reports BAD_TIMEZONE with the closest known zone. */
export function checkTimeZone(ctx: CompileContext, zone: string, path: DocPath): boolean {
  if (isTimeZone(zone)) return true;
  const hint = suggestTimeZone(zone);
  ctx.sink.add(
    'BAD_TIMEZONE',
    `"${zone}" is not an IANA time zone such as Asia/Tokyo`,
    ctx.positions.valueAt(path),
    path,
    {
      suggestion: hint,
    },
  );
  return false;
}

let zones: string[] | undefined;

function suggestTimeZone(zone: string): string | undefined {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  const lower = zone.toLowerCase().replace(/\s+/g, '_');
  return zones.find((z) => z.toLowerCase() === lower) ?? closest(lower, zones) ?? suggest(zone, zones);
}

function closest(input: string, known: string[]): string | undefined {
  const city = known.find((z) => z.toLowerCase().split('/').at(-1) === input.split('/').at(-1));
  return city;
}
