// The report pages' pure parts: whole days in the shop's time zone (daylight saving included), the
// period a page reads and what it refuses, the stores derived from the routes report, and charts that
// are images with a title and a description, every label escaped.
import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from '../../api/console/reports/charts.js';
import { MAX_PAGE_DAYS, parsePagePeriod, zonedDay, zonedMidnight } from '../../api/console/reports/period.js';

describe('zonedMidnight and zonedDay', () => {
  it.each([
    ['2026-12-07', 'Asia/Tokyo', '2026-12-06T15:00:00.000Z'],
    ['2026-12-07', 'UTC', '2026-12-07T00:00:00.000Z'],
    // New York: EDT (-4) in summer, EST (-5) in winter, both sides of the November change.
    ['2026-07-01', 'America/New_York', '2026-07-01T04:00:00.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'],
    ['2026-11-02', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
  ])('midnight starting %s in %s is %s', (day, zone, iso) => {
    expect(zonedMidnight(day, zone).toISOString()).toBe(iso);
    expect(zonedDay(Date.parse(iso), zone)).toBe(day);
  });
});

describe('parsePagePeriod', () => {
  const now = Date.parse('2026-12-07T16:30:00Z'); // 2026-12-08 01:30 in Tokyo

  it('defaults to the last 30 days, today included, in the shop zone', () => {
    const period = parsePagePeriod({}, now, 'Asia/Tokyo');
    expect(period).toMatchObject({ fromDay: '2026-11-09', toDay: '2026-12-08', days: 30 });
    expect(period.from.toISOString()).toBe('2026-11-08T15:00:00.000Z');
    expect(period.to.toISOString()).toBe('2026-12-08T15:00:00.000Z');
    expect(period.dayList).toHaveLength(30);
    expect(period.dayList[1]!.start.getTime()).toBe(period.dayList[0]!.end.getTime());
  });

  it('reads from, to and days', () => {
    const period = parsePagePeriod({ from: '2026-11-01', to: '2026-11-01', days: '7' }, now, 'UTC');
    expect(period.dayList.map((d) => d.day)).toEqual(['2026-11-01']);
    expect(period.days).toBe(7);
  });

  it.each([
    [{ from: '2026-13-01' }, 'is not a date'],
    [{ from: 'yesterday' }, 'is not a date'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'must not be after'],
    [{ from: '2026-01-01', to: '2026-12-01' }, `at most ${MAX_PAGE_DAYS} days`],
    [{ days: '0' }, 'from 1 to 365'],
    [{ days: '2.5' }, 'from 1 to 365'],
  ])('refuses %j with a 400', (query, message) => {
    expect(() => parsePagePeriod(query, now, 'UTC')).toThrow(message);
    try {
      parsePagePeriod(query, now, 'UTC');
    } catch (err) {
      expect(err).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
  });
});

describe('charts', () => {
  it('draws a bar chart as an image named by its title and description, labels escaped', () => {
    const svg = barChart({ id: 'c1', title: 'Arrivals <by> route', desc: 'People & routes' }, [
      { label: '<script>alert(1)</script>', value: 10, text: '10' },
      { label: 'none', value: 0, text: '0' },
    ]).value;
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="c1-title c1-desc"');
    expect(svg).toContain('<title id="c1-title">Arrivals &lt;by&gt; route</title>');
    expect(svg).toContain('<desc id="c1-desc">People &amp; routes</desc>');
    expect(svg).not.toContain('<script>');
    expect(svg).not.toMatch(/style=/);
    expect([...svg.matchAll(/<rect class="bar"[^>]* width="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([370, 0]);
  });

  it('draws a line per series through every point, from 0 to the largest figure', () => {
    const svg = lineChart(
      { id: 'd', title: 'Daily', desc: 'Per day' },
      ['2026-12-01', '2026-12-02', '2026-12-03'],
      [
        { name: 'Arrivals', values: [0, 4, 2] },
        { name: 'Conversions', values: [0, 1, 0] },
      ],
    ).value;
    const lines = [...svg.matchAll(/<polyline class="line" points="([^"]+)"/g)].map((m) => m[1]!.split(' '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual(['50,190', '335,20', '620,105']);
    expect(svg).toContain('>2026-12-01<');
    expect(svg).toContain('>2026-12-03<');
  });
});
