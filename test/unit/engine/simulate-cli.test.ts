// `kizuna simulate` on the cases a marketer trips over: no start for a segment journey, exits,
// repeated event ids, an entry filter that keeps the customer out, a zone that is not IANA.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulate, type SimulateIo, type SimulateOptions } from '../../../cli/simulate.js';

const JOURNEYS = 'definitions/journeys';

function capture(): SimulateIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), errIsTty: false };
}

/** Writes a profile and JSON Lines events into a fresh folder; returns the options pointing at them. */
function files(profile: object, events: object[], extra: Partial<SimulateOptions> = {}): SimulateOptions {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-simulate-'));
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n'));
  return { profile: join(dir, 'profile.json'), events: join(dir, 'events.jsonl'), until: '30d', ...extra };
}

const hanako = {
  id: 'cust-0042',
  email: 'hanako@example.jp',
  timezone: 'Asia/Tokyo',
  consent: { email: 'subscribed' },
  lastOrderAt: '2026-07-15T12:00:00+09:00',
  tags: [],
};

describe('kizuna simulate', () => {
  it('requires --start for a segment journey rather than reading the clock, and says why', () => {
    const io = capture();
    expect(runSimulate(join(JOURNEYS, 'winback.yaml'), files(hanako, []), io)).toBe(1);
    expect(io.stderr.join('')).toContain('--start is required for a segment journey');
    const started = capture();
    const options = files(hanako, [], { start: '2026-11-02T10:00:00+09:00' });
    expect(runSimulate(join(JOURNEYS, 'winback.yaml'), options, started)).toBe(0);
    expect(started.stdout.join('\n')).toContain('2026-11-02 10:00 +09:00');
  });

  it('prints an exit once, without a doubled prefix', () => {
    const events = [
      {
        id: 'r1',
        type: 'seminar.registered',
        time: '2026-11-02T15:00:00+09:00',
        properties: { startsAt: '2026-11-20T19:00:00+09:00' },
      },
      { id: 'x1', type: 'seminar.cancelled', time: '2026-11-03T09:00:00+09:00', properties: {} },
    ];
    const io = capture();
    expect(runSimulate(join(JOURNEYS, 'event-reminder.yaml'), files(hanako, events), io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('exited: seminar.cancelled');
    expect(text).not.toContain('exited: exited:');
  });

  it('says plainly that the customer would not enter when the only entry event fails the entry filter', () => {
    const events = [
      { id: 'cart-1', type: 'cart.abandoned', time: '2026-11-02T20:30:00+09:00', properties: { total: 10 } },
    ];
    const io = capture();
    expect(runSimulate(join(JOURNEYS, 'cart-abandonment.yaml'), files(hanako, events), io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('not entered: cart.abandoned cart-1');
    expect(text).toContain("does not match the entry's where");
    expect(text).not.toContain('sent');
    const json = capture();
    expect(runSimulate(join(JOURNEYS, 'cart-abandonment.yaml'), { ...files(hanako, events), json: true }, json)).toBe(
      0,
    );
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ outcome: 'not-entered', sends: [], timeline: [] });
  });

  it('names a profile zone that is not an IANA zone, and the fallback used instead', () => {
    const events = [
      { id: 'cart-1', type: 'cart.abandoned', time: '2026-11-02T20:30:00+09:00', properties: { total: 5000 } },
    ];
    const io = capture();
    const options = files({ ...hanako, timezone: 'Tokyo' }, events);
    expect(runSimulate(join(JOURNEYS, 'cart-abandonment.yaml'), options, io)).toBe(0);
    expect(io.stdout.join('\n')).toContain(
      'note: the profile\'s timezone "Tokyo" is not an IANA time zone: times use the fallback Asia/Tokyo',
    );
  });

  it('counts an entry event id once in a backtest, however many times the file repeats it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuna-backtest-'));
    writeFileSync(join(dir, 'customers.jsonl'), JSON.stringify(hanako));
    const registered = {
      id: 'r1',
      customerId: 'cust-0042',
      type: 'seminar.registered',
      time: '2026-11-02T15:00:00+09:00',
      properties: {},
    };
    writeFileSync(
      join(dir, 'events.jsonl'),
      [registered, registered, registered].map((e) => JSON.stringify(e)).join('\n'),
    );
    const io = capture();
    const options = { customers: join(dir, 'customers.jsonl'), events: join(dir, 'events.jsonl'), until: '30d' };
    expect(runSimulate(join(JOURNEYS, 'event-reminder.yaml'), { ...options, json: true }, io)).toBe(0);
    const report = JSON.parse(io.stdout.join('\n')) as { runs: number; steps: { stepId: string; entered: number }[] };
    expect(report.runs).toBe(1);
    expect(report.steps.find((s) => s.stepId === 'confirmation')?.entered).toBe(1);
  });

  it('requires --start for a backtest whose events file has no events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuna-backtest-'));
    writeFileSync(join(dir, 'customers.jsonl'), JSON.stringify(hanako));
    writeFileSync(join(dir, 'events.jsonl'), '');
    const io = capture();
    const options = { customers: join(dir, 'customers.jsonl'), events: join(dir, 'events.jsonl'), until: '30d' };
    expect(runSimulate(join(JOURNEYS, 'winback.yaml'), options, io)).toBe(1);
    expect(io.stderr.join('')).toContain('--start is required');
  });
});
