import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLocalTime,
  fromLocalTime,
  isQuietTime,
  isValidTimeZone,
  nextAllowedMoment,
  parseTimeOfDay,
  snapToLocalTime,
  toLocalTime,
} from '../../definitions/time-windows.js';

const at = (iso: string): number => Date.parse(iso);
const night = { startMinute: 21 * 60, endMinute: 9 * 60 };
const lunch = { startMinute: 12 * 60, endMinute: 13 * 60 };
const zones = ['Asia/Tokyo', 'UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata'];

describe('time windows', () => {
  it('reads the local time and ISO weekday', () => {
    expect(toLocalTime(at('2026-11-01T15:30:00Z'), 'Asia/Tokyo')).toEqual({
      year: 2026,
      month: 11,
      day: 2,
      hour: 0,
      minute: 30,
      second: 0,
      weekday: 1,
      minuteOfDay: 30,
    });
    expect(toLocalTime(at('2026-11-08T12:00:00Z'), 'UTC').weekday).toBe(7);
  });

  it('tells valid zones from invalid ones without throwing', () => {
    expect(isValidTimeZone('Asia/Tokyo')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(42)).toBe(false);
  });

  it('converts local wall time to an instant, across daylight saving time', () => {
    expect(fromLocalTime(2026, 11, 28, 600, 'Asia/Tokyo')).toBe(at('2026-11-28T01:00:00Z'));
    expect(fromLocalTime(2026, 7, 1, 600, 'America/New_York')).toBe(at('2026-07-01T14:00:00Z'));
    expect(fromLocalTime(2026, 12, 1, 600, 'America/New_York')).toBe(at('2026-12-01T15:00:00Z'));
    // 02:30 does not exist on 2026-03-08 in New York: the instant just after the jump.
    expect(fromLocalTime(2026, 3, 8, 150, 'America/New_York')).toBe(at('2026-03-08T07:30:00Z'));
  });

  it('finds quiet hours that cross midnight', () => {
    expect(isQuietTime(at('2026-11-02T13:00:00Z'), 'Asia/Tokyo', night)).toBe(true); // 22:00
    expect(isQuietTime(at('2026-11-02T23:00:00Z'), 'Asia/Tokyo', night)).toBe(true); // 08:00
    expect(isQuietTime(at('2026-11-03T00:00:00Z'), 'Asia/Tokyo', night)).toBe(false); // 09:00
    expect(isQuietTime(at('2026-11-02T03:30:00Z'), 'Asia/Tokyo', lunch)).toBe(true); // 12:30
    expect(isQuietTime(at('2026-11-02T03:30:00Z'), 'Asia/Tokyo', { startMinute: 600, endMinute: 600 })).toBe(false);
  });

  it('gives the next allowed moment: the end of the window, the next day after midnight', () => {
    expect(nextAllowedMoment(at('2026-11-02T13:00:00Z'), 'Asia/Tokyo', night)).toBe(at('2026-11-03T00:00:00Z'));
    expect(nextAllowedMoment(at('2026-11-02T16:00:00Z'), 'Asia/Tokyo', night)).toBe(at('2026-11-03T00:00:00Z'));
    expect(nextAllowedMoment(at('2026-11-02T03:30:00Z'), 'Asia/Tokyo', lunch)).toBe(at('2026-11-02T04:00:00Z'));
    expect(nextAllowedMoment(at('2026-11-02T05:00:00Z'), 'Asia/Tokyo', night)).toBe(at('2026-11-02T05:00:00Z'));
    expect(nextAllowedMoment(at('2026-11-02T13:00:00Z'), 'Asia/Tokyo', null)).toBe(at('2026-11-02T13:00:00Z'));
  });

  it('snaps to a local time of day and allowed weekdays', () => {
    // Saturday 2026-11-07 14:00 Tokyo -> Monday 09:30
    expect(snapToLocalTime(at('2026-11-07T05:00:00Z'), 'Asia/Tokyo', 570, [1, 2, 3, 4, 5])).toBe(
      at('2026-11-09T00:30:00Z'),
    );
    expect(snapToLocalTime(at('2026-11-07T05:00:00Z'), 'Asia/Tokyo', 600, null)).toBe(at('2026-11-07T01:00:00Z'));
    expect(snapToLocalTime(at('2026-11-07T05:00:00Z'), 'Asia/Tokyo', null, [7])).toBe(at('2026-11-08T05:00:00Z'));
  });

  it('parses and formats local times', () => {
    expect(parseTimeOfDay('09:05')).toBe(545);
    expect(parseTimeOfDay('24:00')).toBeNull();
    expect(parseTimeOfDay('9:05')).toBeNull();
    expect(formatLocalTime(at('2026-11-02T01:00:00Z'), 'Asia/Tokyo')).toBe('2026-11-02 10:00 +09:00');
    expect(formatLocalTime(at('2026-11-02T01:00:00Z'), 'Asia/Kolkata')).toBe('2026-11-02 06:30 +05:30');
  });

  it('property: the next allowed moment is never earlier and never quiet', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2035-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        (ms, zone, startMinute, endMinute) => {
          const quiet = { startMinute, endMinute };
          const next = nextAllowedMoment(ms, zone, quiet);
          expect(next).toBeGreaterThanOrEqual(ms);
          expect(next - ms).toBeLessThanOrEqual(25 * 3_600_000);
          expect(isQuietTime(next, zone, quiet)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: local time round-trips through fromLocalTime', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2035-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const whole = ms - (ms % 60_000);
          const local = toLocalTime(whole, zone);
          const back = fromLocalTime(local.year, local.month, local.day, local.minuteOfDay, zone);
          expect(toLocalTime(back, zone)).toEqual(local);
        },
      ),
      { numRuns: 500 },
    );
  });
});
