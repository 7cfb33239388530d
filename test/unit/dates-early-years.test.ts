import { describe, expect, it } from 'vitest';
import { readDateValue } from '../../definitions/dates.js';
import { fromLocalTime, toLocalTime, zoneOffsetMs } from '../../definitions/time-windows.js';

// Date.UTC reads years 0-99 as 1900-1999, and Intl writes years before 1 as "1 BC", "2 BC"...:
// a date in the first century must come back as the same calendar day, never 1,900 years away.
const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York'];
const DAYS = ['0000-01-01', '0001-03-01', '0050-06-15', '0099-12-31', '0100-01-01', '1000-02-28'];

describe('dates in years 0000-0099', () => {
  for (const zone of ZONES) {
    for (const day of DAYS) {
      it(`reads ${day} in ${zone} as that day's local midnight`, () => {
        const ms = readDateValue(day, zone)!;
        const local = toLocalTime(ms, zone);
        const [year, month, date] = day.split('-').map(Number);
        expect({ year: local.year, month: local.month, day: local.day, minuteOfDay: local.minuteOfDay }).toEqual({
          year,
          month,
          day: date,
          minuteOfDay: 0,
        });
      });
    }
  }

  it('keeps an instant with an offset exactly', () => {
    expect(new Date(readDateValue('0000-01-01T00:00:00Z', 'Asia/Tokyo')!).toISOString()).toBe(
      '0000-01-01T00:00:00.000Z',
    );
    expect(readDateValue('0042-07-01T12:00:00+09:00', 'UTC')).toBe(Date.parse('0042-07-01T03:00:00Z'));
  });

  it("measures a zone's offset in the first century and before year 1 as in any other year", () => {
    // Before railway time every zone keeps its local mean time: Tokyo's is +9:18:59.
    const tokyo = (9 * 3600 + 18 * 60 + 59) * 1000;
    expect(zoneOffsetMs(Date.parse('0050-06-15T00:00:00Z'), 'Asia/Tokyo')).toBe(tokyo);
    expect(zoneOffsetMs(Date.parse('-000001-12-31T20:00:00Z'), 'Asia/Tokyo')).toBe(tokyo);
    expect(zoneOffsetMs(Date.parse('0010-01-01T00:00:00Z'), 'UTC')).toBe(0);
  });

  it('finds the instant of a local time in year 0050', () => {
    expect(fromLocalTime(50, 6, 15, 9 * 60, 'UTC')).toBe(Date.parse('0050-06-15T09:00:00Z'));
  });
});
