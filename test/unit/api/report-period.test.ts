// The routes and stores reports' period: the UTC days a period is read by, and the queries refused.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/http/errors.js';
import { parsePeriod } from '../../../api/reports/period.js';
import { periodDays, utcDay } from '../../../store/route-activity.js';

const NOW = Date.parse('2026-12-10T03:00:00Z');

describe('periodDays', () => {
  it('lists the UTC days that overlap [from, to), edges included, the end excluded', () => {
    const days = periodDays({ from: new Date('2026-11-30T23:30:00+09:00'), to: new Date('2026-12-02T00:00:00Z') });
    expect(days).toEqual(['2026-11-30', '2026-12-01']);
    expect(periodDays({ from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T10:00:01Z') })).toEqual([
      '2026-12-01',
    ]);
  });

  it('refuses an empty period', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(() => periodDays({ from: at, to: at })).toThrow(RangeError);
  });

  it('names the day a row is stored under', () => {
    expect(utcDay(new Date('2026-12-01T08:59:59+09:00'))).toBe('2026-11-30');
  });
});

describe('parsePeriod', () => {
  it('defaults to the 30 days before now, orders within 30 days', () => {
    const p = parsePeriod({}, NOW);
    expect(p.to.toISOString()).toBe('2026-12-10T03:00:00.000Z');
    expect(p.from.toISOString()).toBe('2026-11-10T03:00:00.000Z');
    expect(p.days).toBe(30);
  });

  it('reads dates and date-times with offsets', () => {
    const p = parsePeriod({ from: '2026-12-01', to: '2026-12-08T00:00:00+09:00', days: '7' }, NOW);
    expect([p.from.toISOString(), p.to.toISOString(), p.days]).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-07T15:00:00.000Z',
      7,
    ]);
  });

  const refused: Array<[string, Record<string, string>, string]> = [
    ['from after to', { from: '2026-12-08', to: '2026-12-01' }, 'from'],
    ['from equal to to', { from: '2026-12-01', to: '2026-12-01' }, 'from'],
    ['a period over 366 days', { from: '2025-01-01', to: '2026-12-01' }, 'to'],
    ['a malformed date', { from: '2026-13-01' }, 'from'],
    ['a date without an offset', { to: '2026-12-01T10:00:00' }, 'to'],
    ['days 0', { days: '0' }, 'days'],
    ['days over 365', { days: '366' }, 'days'],
    ['days not a number', { days: 'soon' }, 'days'],
    ['an unknown parameter', { since: '2026-12-01' }, ''],
  ];
  it.each(refused)('answers 400 VALIDATION_FAILED for %s', (_name, query, path) => {
    let thrown: unknown;
    try {
      parsePeriod(query, NOW);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const err = thrown as ApiError;
    expect([err.status, err.code]).toEqual([400, 'VALIDATION_FAILED']);
    const problems = (err.details as { problems: { path: string }[] }).problems;
    expect(problems.map((p) => p.path)).toContain(path);
  });
});
