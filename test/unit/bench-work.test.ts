import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertWork, BenchDidNoWorkError, exactly, some } from '../../bench/assert-work.js';

describe('assertWork', () => {
  it('passes when every claim holds and names every claim that does not', () => {
    expect(() => assertWork('b', { runs: some(3), sends: exactly(4, 4) })).not.toThrow();
    let thrown: unknown;
    try {
      assertWork('b', { runs: some(0), sends: exactly(5, 4), late: { did: 1, atLeast: 2 } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BenchDidNoWorkError);
    expect((thrown as Error).message).toBe(
      'bench b: the figures stand on work not done: runs: 0 (expected ≥ 1); sends: 5 (expected 4); late: 1 (expected ≥ 2)',
    );
  });
});

describe('bench/backtest.ts', () => {
  it('backtests win-back over runs that enter and send (the segment reads lastOrderAt as a date)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/backtest.ts', '--customers', '300'], {
      encoding: 'utf8',
    });
    const figures = JSON.parse(out) as { winback: { runs: number; sends: number; engineSteps: number } };
    expect(figures.winback.runs).toBeGreaterThan(100);
    expect(figures.winback.sends).toBeGreaterThan(figures.winback.runs);
    expect(figures.winback.engineSteps).toBeGreaterThan(figures.winback.runs);
  }, 60_000);
});
