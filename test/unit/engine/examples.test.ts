// Example timelines of the example journeys: `kizuna simulate` output asserted line by line.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerSimulate, runSimulate, type SimulateIo, type SimulateOptions } from '../../../cli/simulate.js';
import { earliestTime } from '../../../cli/simulate-input.js';

const FIXTURES = 'test/fixtures/simulate';
const JOURNEYS = 'definitions/journeys';

interface Args {
  journey?: string;
  start?: string;
  until: string;
}

function capture(errIsTty = false): SimulateIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    errIsTty,
  };
}

function scenario(name: string): { journey: string; options: SimulateOptions; expected: string } {
  const dir = join(FIXTURES, name);
  const { journey, ...args } = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as Args;
  return {
    journey: join(JOURNEYS, `${journey ?? name}.yaml`),
    options: { profile: join(dir, 'profile.json'), events: join(dir, 'events.jsonl'), ...args },
    expected: readFileSync(join(dir, 'expected.txt'), 'utf8').trimEnd(),
  };
}

const scenarios = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'profile.json')));

describe('kizuna simulate on the example journeys', () => {
  it('has an example timeline for every example journey', () => {
    const covered = new Set(scenarios.map((name) => scenario(name).journey));
    const journeys = readdirSync(JOURNEYS).map((f) => join(JOURNEYS, f));
    expect(journeys.length).toBeGreaterThanOrEqual(6);
    expect(journeys.filter((j) => !covered.has(j))).toEqual([]);
  });

  it.each(scenarios)('prints the expected timeline for %s', (name) => {
    const { journey, options, expected } = scenario(name);
    const io = capture();
    expect(runSimulate(journey, options, io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout.join('\n')).toBe(expected);
  });

  it('prints the same run as JSON, with the sends', () => {
    const { journey, options } = scenario('winback');
    const io = capture();
    expect(runSimulate(journey, { ...options, json: true }, io)).toBe(0);
    const out = JSON.parse(io.stdout.join('\n')) as {
      outcome: string;
      sends: { template: string; channel: string; at: string }[];
    };
    expect(out.outcome).toBe('converted');
    expect(out.sends).toEqual([
      expect.objectContaining({ template: 'winback-1', channel: 'line', at: '2026-11-02T01:00:00.000Z' }),
      expect.objectContaining({ template: 'winback-vip-coupon', channel: 'email', at: '2026-11-05T01:00:00.000Z' }),
    ]);
  });

  it('backtests a population: the funnel per step, progress only on stderr', () => {
    const dir = join(FIXTURES, 'backtest-winback');
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as Args;
    const options = { customers: join(dir, 'customers.jsonl'), events: join(dir, 'events.jsonl'), ...args };
    const text = capture();
    expect(runSimulate(join(JOURNEYS, 'winback.yaml'), options, text)).toBe(0);
    expect(text.stdout.join('\n')).toBe(readFileSync(join(dir, 'expected.txt'), 'utf8').trimEnd());
    expect(text.stderr).toEqual([]);
    const json = capture(true);
    expect(runSimulate(join(JOURNEYS, 'winback.yaml'), { ...options, json: true }, json)).toBe(0);
    const report = JSON.parse(json.stdout.join('\n')) as { runs: number; converted: number; outcomes: object };
    expect(report).toMatchObject({
      runs: 4,
      converted: 1,
      outcomes: { 'exited:customer.unsubscribed': 1 },
      conversion: {
        treated: { runs: 4, converted: 1, rate: 0.25 },
        holdout: { runs: 0, converted: 0, rate: null },
        uplift: null,
      },
    });
    expect(json.stderr.join('')).toContain('6/6 customers');
  });

  it('reports a bad input file with its line, and exits 1', () => {
    const io = capture();
    const code = runSimulate(
      join(JOURNEYS, 'winback.yaml'),
      {
        profile: join(FIXTURES, 'winback', 'args.json'),
        events: join(FIXTURES, 'winback', 'profile.json'),
        until: '30d',
      },
      io,
    );
    expect(code).toBe(1);
    expect(io.stderr.join('')).toMatch(/profile\.json:1: not JSON/);
  });

  it('names a missing or unreadable file instead of calling it bad JSON', () => {
    const { journey, options } = scenario('winback');
    for (const [file, says] of [
      [join(FIXTURES, 'nope.json'), 'nope.json: no such file'],
      [FIXTURES, 'is a directory'],
    ]) {
      const io = capture();
      expect(runSimulate(journey, { ...options, profile: file }, io)).toBe(1);
      expect(io.stderr.join('')).toContain(says);
    }
    const io = capture();
    expect(runSimulate(join(JOURNEYS, 'nope.yaml'), options, io)).toBe(1);
    expect(io.stderr.join('')).toContain('nope.yaml: no such file');
  });

  it('takes --start only as ISO 8601 with its offset, so the run does not depend on the machine', () => {
    const { journey, options } = scenario('winback');
    for (const start of ['1', '2026-11-02T10:00', 'November 2, 2026']) {
      const io = capture();
      expect(runSimulate(journey, { ...options, start }, io)).toBe(1);
      expect(io.stderr.join('')).toContain(`--start: "${start}" is not an ISO 8601 time with its offset`);
    }
  });

  it('starts a backtest at its earliest event, however many events the population has', () => {
    const events = Array.from({ length: 300_000 }, (_, i) => ({
      id: `e${i}`,
      type: 'order.completed',
      timeMs: 2_000_000 - i,
      properties: {},
    }));
    expect(earliestTime(events)).toBe(2_000_000 - 299_999);
    expect(earliestTime([])).toBeNull();
  });

  it('takes only the profile’s own lines from a population’s events file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuna-simulate-'));
    const population = join(FIXTURES, 'backtest-winback');
    const c2 = readFileSync(join(population, 'customers.jsonl'), 'utf8').split('\n')[1] ?? '';
    writeFileSync(join(dir, 'c2.json'), c2);
    const io = capture();
    const options = { profile: join(dir, 'c2.json'), events: join(population, 'events.jsonl'), json: true };
    const code = runSimulate(
      join(JOURNEYS, 'winback.yaml'),
      { ...options, start: '2026-11-02T10:00:00+09:00', until: '30d' },
      io,
    );
    expect(code).toBe(0);
    // c4 unsubscribes and c1 orders in that file; neither is c2's doing.
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ customer: 'c2', outcome: 'completed', conversion: null });
  });

  it('refuses a malformed duration', () => {
    const { journey, options } = scenario('winback');
    const io = capture();
    expect(runSimulate(journey, { ...options, until: 'soon' }, io)).toBe(1);
    expect(io.stderr.join('')).toContain('--until');
  });
});

describe('the simulate command', () => {
  it('is registered with its options and prints the timeline on stdout', async () => {
    const program = new Command('kizuna').exitOverride();
    registerSimulate(program);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const dir = join(FIXTURES, 'line-survey');
      await program.parseAsync(
        [
          'simulate',
          join(JOURNEYS, 'line-survey.yaml'),
          '--profile',
          join(dir, 'profile.json'),
          '--events',
          join(dir, 'events.jsonl'),
        ],
        { from: 'user' },
      );
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toBe(`${readFileSync(join(FIXTURES, 'line-survey', 'expected.txt'), 'utf8').trimEnd()}\n`);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
