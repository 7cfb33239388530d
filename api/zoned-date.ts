/** Calendar dates in a time zone, with the platform's Intl data. */

/** The instant of midnight starting the calendar day `year-month-day` in `zone`; null for an impossible date. */
export function zonedMidnight(year: number, month: number, day: number, zone: string): Date | null {
  const guess = Date.UTC(year, month - 1, day);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  let instant = guess - offsetMs(guess, zone);
  // Near an offset change the first guess lands on the other side of it; one correction settles it.
  const second = offsetMs(instant, zone);
  if (guess - second !== instant) instant = guess - second;
  return new Date(instant);
}

/** `zone`'s offset from UTC at `atMs`, in ms (positive east of Greenwich). */
function offsetMs(atMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(atMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(atMs / 1000) * 1000;
}
