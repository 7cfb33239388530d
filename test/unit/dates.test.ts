import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addLocalDays, isDateText, readDateValue, shiftByOffset, withDateFields } from '../../definitions/dates.js';
import { formatLocalTime, toLocalTime } from '../../definitions/time-windows.js';

// Expected instants are written with their offset, so no expectation depends on the machine's zone.
const at = (iso: string): number => Date.parse(iso);
const NY = 'America/New_York';
const zones = ['Asia/Tokyo', 'UTC', NY, 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago'];

describe('readDateValue', () => {
  it('reads a date-only value as that calendar date in the zone (its local midnight)', () => {
    expect(readDateValue('2026-12-01', NY)).toBe(at('2026-12-01T00:00:00-05:00'));
    expect(readDateValue('2026-12-01', 'Asia/Tokyo')).toBe(at('2026-12-01T00:00:00+09:00'));
    expect(readDateValue('2026-07-01', NY)).toBe(at('2026-07-01T00:00:00-04:00'));
  });

  it('reads a date-time without an offset as wall-clock time in the zone', () => {
    expect(readDateValue('2026-12-01T09:00', NY)).toBe(at('2026-12-01T09:00:00-05:00'));
    expect(readDateValue('2026-12-01T09:00:30', 'Asia/Kolkata')).toBe(at('2026-12-01T09:00:30+05:30'));
    expect(readDateValue('2026-12-01T09:00:30.25', 'UTC')).toBe(at('2026-12-01T09:00:30.250Z'));
    expect(readDateValue('2026-12-01T09:00:30.123456789', 'UTC')).toBe(at('2026-12-01T09:00:30.123Z'));
  });

  it('reads a value with Z or an offset, a Date and epoch ms as instants, whatever the zone', () => {
    for (const zone of zones) {
      expect(readDateValue('2026-12-01T09:00:00Z', zone)).toBe(at('2026-12-01T09:00:00Z'));
      expect(readDateValue('2026-12-01T09:00+09:00', zone)).toBe(at('2026-12-01T00:00:00Z'));
      expect(readDateValue('2026-12-01T09:00:00.5-03:30', zone)).toBe(at('2026-12-01T12:30:00.500Z'));
      expect(readDateValue(new Date(at('2026-12-01T09:00:00Z')), zone)).toBe(at('2026-12-01T09:00:00Z'));
      expect(readDateValue(1_764_579_600_000, zone)).toBe(1_764_579_600_000);
    }
  });

  it('settles daylight-saving gaps forward and overlaps on the first occurrence', () => {
    // New York springs forward at 02:00 on 2026-03-08 and falls back at 02:00 on 2026-11-01.
    expect(readDateValue('2026-03-08T02:30', NY)).toBe(at('2026-03-08T03:30:00-04:00'));
    expect(readDateValue('2026-11-01T01:30', NY)).toBe(at('2026-11-01T01:30:00-04:00'));
    // Berlin falls back at 03:00 CEST on 2026-10-25: 02:30 happens twice, the first at +02:00.
    expect(readDateValue('2026-10-25T02:30', 'Europe/Berlin')).toBe(at('2026-10-25T02:30:00+02:00'));
    // Chile skips midnight on 2026-09-06: the date starts at 01:00.
    expect(readDateValue('2026-09-06', 'America/Santiago')).toBe(at('2026-09-06T01:00:00-03:00'));
  });

  it('refuses what is not a strict ISO 8601 date', () => {
    const bad = [
      '',
      '1',
      '2026',
      '2026-12',
      '2026-12-1',
      '2026-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-12-01 09:00',
      '2026-12-01t09:00',
      '2026-12-01T9:00',
      '2026-12-01T24:00',
      '2026-12-01T09:60',
      '2026-12-01T09:00:60',
      '2026-12-01T09:00+24:00',
      '2026-12-01T09:00+0900',
      '2026-12-01Z',
      'December 1, 2026',
      '12/01/2026',
    ];
    for (const text of bad) {
      expect(readDateValue(text, NY), text).toBeNull();
      expect(isDateText(text), text).toBe(false);
    }
    for (const value of [null, undefined, true, {}, [], Number.NaN, 1.5, new Date(Number.NaN)]) {
      expect(readDateValue(value, NY)).toBeNull();
    }
    expect(readDateValue('2028-02-29', 'UTC')).toBe(at('2028-02-29T00:00:00Z'));
    expect(readDateValue('0001-01-01T00:00Z', 'UTC')).toBe(Date.UTC(2000, 0, 1) - 730_119 * 86_400_000);
  });

  it('throws on an invalid zone only when the value needs one', () => {
    expect(() => readDateValue('2026-12-01', 'Tokyo')).toThrow(RangeError);
    expect(readDateValue('2026-12-01T00:00Z', 'Tokyo')).toBe(at('2026-12-01T00:00:00Z'));
  });

  it('property: local wall-clock text reads back to an instant showing that wall-clock time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('1990-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const text = formatLocalTime(ms, zone).slice(0, 16).replace(' ', 'T');
          const read = readDateValue(text, zone);
          expect(read).not.toBeNull();
          // Text written from a real instant is never in a gap: it reads back to the same wall clock,
          // and to the instant itself (minute precision) unless a fall-back repeats that hour.
          expect(formatLocalTime(read ?? 0, zone).slice(0, 16)).toBe(formatLocalTime(ms, zone).slice(0, 16));
          expect(read).toBeLessThanOrEqual(ms - (ms % 60_000));
        },
      ),
    );
  });

  it('does not read zone-less text with Date.parse or the machine clock', () => {
    const source = readFileSync('definitions/dates.ts', 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/Date\.parse|Date\.now|new Date\(\)|process\./);
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['./plan.js', './time-windows.js']);
  });
});

describe('addLocalDays', () => {
  it('moves by calendar days and keeps the wall-clock time across daylight-saving changes', () => {
    const midnight = at('2026-03-10T00:00:00-04:00');
    expect(addLocalDays(midnight, -7, NY)).toBe(at('2026-03-03T00:00:00-05:00'));
    expect(addLocalDays(at('2026-10-30T10:00:00-04:00'), 3, NY)).toBe(at('2026-11-02T10:00:00-05:00'));
    expect(addLocalDays(at('2026-12-01T00:00:00.250-05:00'), -7, NY)).toBe(at('2026-11-24T00:00:00.250-05:00'));
  });

  it('property: the local date moves by exactly the number of days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.integer({ min: -400, max: 400 }),
        fc.constantFrom(...zones),
        (ms, days, zone) => {
          const before = toLocalTime(ms, zone);
          const after = toLocalTime(addLocalDays(ms, days, zone), zone);
          const dayNumber = (l: typeof before) => Date.UTC(l.year, l.month - 1, l.day) / 86_400_000;
          expect(dayNumber(after) - dayNumber(before)).toBe(days);
        },
      ),
    );
  });
});

describe('shiftByOffset', () => {
  it('moves whole days on the calendar and the rest as elapsed time', () => {
    const midnight = at('2026-03-10T00:00:00-04:00');
    expect(shiftByOffset(midnight, -7 * 86_400_000, NY)).toBe(at('2026-03-03T00:00:00-05:00'));
    expect(shiftByOffset(midnight, -(7 * 86_400_000 + 3_600_000), NY)).toBe(at('2026-03-02T23:00:00-05:00'));
    expect(shiftByOffset(midnight, -90 * 60_000, NY)).toBe(at('2026-03-09T22:30:00-04:00'));
    expect(shiftByOffset(midnight, 0, NY)).toBe(midnight);
  });
});

describe('withDateFields', () => {
  it('turns date text of the named fields into Dates and leaves everything else', () => {
    const doc = { renewalDate: '2026-12-01', lastOrderAt: '2026-07-01T09:00:00+09:00', code: 'x', n: 3 };
    const out = withDateFields(doc, ['renewalDate', 'lastOrderAt', 'code', 'n', 'missing'], NY);
    expect(out).toEqual({
      renewalDate: new Date(at('2026-12-01T00:00:00-05:00')),
      lastOrderAt: new Date(at('2026-07-01T00:00:00Z')),
      code: 'x',
      n: 3,
    });
    expect(doc.renewalDate).toBe('2026-12-01');
  });
});
