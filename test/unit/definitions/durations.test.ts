import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../definitions/durations.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['45m', 45 * M],
    ['3h', 3 * H],
    ['3d', 3 * D],
    ['2w', 14 * D],
    ['1h30m', 90 * M],
    ['30s', 30_000],
    ['P3D', 3 * D],
    ['PT1H', H],
    ['PT1H30M', 90 * M],
    ['P1W', 7 * D],
    ['P1DT12H', 36 * H],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['3 days', '-3d', '3', 'd', '', 'P', 'PT', 'P1M', '1y', '3d2w', '1.5h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toEqual({ ok: false, problem: 'syntax' });
  });

  it.each(['0m', 'P0D', '0d0h'])('refuses the zero duration %j', (text) => {
    expect(parseDuration(text)).toEqual({ ok: false, problem: 'zero' });
  });
});

describe('formatDuration', () => {
  it.each([
    [14 * D, '2w'],
    [90 * D, '90d'],
    [90 * M, '1h30m'],
    [36 * H, '1d12h'],
    [1500, '1s500ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
