/**
 * Durations of the journey language: `45m`, `3d`, `2w`, `1h30m`, or ISO 8601 (`P3D`, `PT1H`, `P1W`).
 * Pure: usable from workflow code.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_MS = { s: 1000, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY } as const;

/** A year, beyond which waits are legal but suspicious. */
export const ONE_YEAR_MS = 365 * DAY;

/** A century: longer durations are refused, so that every time computed from one stays a valid date. */
export const MAX_DURATION_MS = 100 * ONE_YEAR_MS;

const SHORT = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Pattern of a duration, for the JSON Schema; the lookahead asks for a digit other than 0, so zero is refused. */
export const DURATION_PATTERN =
  '^(?=.*[1-9])(?:(?:\\d+[wdhms])+|P(?:\\d+W)?(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+S)?)?)$';

/** Why a duration text was refused. */
export type DurationProblem = 'syntax' | 'zero' | 'too_long';

/**
 * Milliseconds of a duration text. Months and years are refused (their length varies); write
 * days instead. Zero and anything beyond {@link MAX_DURATION_MS} are refused too. Returns a problem
 * instead of throwing.
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; problem: DurationProblem } {
  const trimmed = text.trim();
  const short = SHORT.exec(trimmed);
  const iso = short ? null : ISO.exec(trimmed);
  const match = short ?? iso;
  if (!match || trimmed === '' || trimmed === 'P' || trimmed.endsWith('T')) return { ok: false, problem: 'syntax' };
  const [, w, d, h, m, s] = match;
  const ms =
    Number(w ?? 0) * UNIT_MS.w +
    Number(d ?? 0) * UNIT_MS.d +
    Number(h ?? 0) * UNIT_MS.h +
    Number(m ?? 0) * UNIT_MS.m +
    Number(s ?? 0) * UNIT_MS.s;
  if (ms === 0) return { ok: false, problem: 'zero' };
  if (!(ms <= MAX_DURATION_MS)) return { ok: false, problem: 'too_long' };
  return { ok: true, ms };
}

/** Readable form of milliseconds (`3d`, `2w`, `1h30m`), used in graphs and messages; weeks only when exact. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % UNIT_MS.w === 0) return `${ms / UNIT_MS.w}w`;
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out === '' || rest > 0 ? `${out}${rest > 0 || out === '' ? `${rest}ms` : ''}` : out;
}
