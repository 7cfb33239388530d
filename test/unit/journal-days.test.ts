// The day counters: which rows move which day's counter, and the sums over a window.
import { describe, expect, it } from 'vitest';
import { dayMoves, sumDays, utcDay } from '../../store/journal-days.js';

const at = Date.parse('2026-12-07T23:30:00Z');
const row = (over: { stepId?: string | null; action: string; atMs?: number; at?: Date }) => ({
  stepId: null,
  atMs: at,
  ...over,
});

describe('dayMoves', () => {
  it('counts entries, run ends and new conversion marks, by the UTC day of the row', () => {
    const converted = row({ action: 'converted', atMs: at + 60 * 60 * 1000 });
    const moves = dayMoves(
      [
        row({ action: 'entered' }),
        row({ action: 'entry-denied' }),
        row({ stepId: 'mail', action: 'sent' }),
        row({ stepId: 'wait', action: 'completed' }),
        row({ action: 'completed', at: new Date(at) }),
        row({ action: 'exited' }),
        converted,
        row({ action: 'entered', atMs: undefined }),
      ],
      [
        { row: converted, counter: 'converted' },
        { row: converted, counter: 'runs' },
      ],
    );
    expect(moves.map((m) => m.key)).toEqual([
      'day:2026-12-07|entered',
      'day:2026-12-07|ended',
      'day:2026-12-07|ended',
      'day:2026-12-08|converted',
    ]);
  });
});

describe('sumDays', () => {
  it('adds the facts of the days from the first day of the window on', () => {
    const counts = new Map([
      ['day:2026-11-01|entered', 5],
      ['day:2026-12-01|entered', 2],
      ['day:2026-12-07|ended', 1],
      ['day:2026-12-07|converted', 3],
      ['runs', 100],
      ['by:homeStore=x|day:2026-12-07|ended', 9],
    ]);
    expect(sumDays(counts, '2026-12-01')).toEqual({ entered: 2, ended: 1, converted: 3 });
    expect(sumDays(counts, '')).toEqual({ entered: 7, ended: 1, converted: 3 });
    expect(utcDay(at)).toBe('2026-12-07');
  });
});
