// The simulator reads profile and event dates with definitions/dates.ts: a date-only value is a
// calendar date and an offset-less date-time a wall-clock time, both in the run's zone.
import { describe, expect, it } from 'vitest';
import type { Condition, PolicyPlan, WaitUntilTarget } from '../../definitions/plan.js';
import { DAY, event, makePlan, send } from './engine/plans.js';
import { actions, run } from './engine/simulate-helpers.js';

const at = (iso: string): number => Date.parse(iso);
const byProfile: PolicyPlan = {
  timezone: { source: 'profile', path: 'timezone', fallback: 'Asia/Tokyo' },
  quietHours: null,
  frequencyCap: null,
};
const start = at('2026-11-10T00:00:00Z');
const sevenDaysBefore: WaitUntilTarget = {
  type: 'attribute',
  source: 'profile',
  path: 'renewalDate',
  offsetMs: -7 * DAY,
};

function reminder(target: WaitUntilTarget, timeOfDay: string | null, policy = byProfile) {
  const steps = [
    { kind: 'wait_until' as const, id: 'until', target, timeOfDay, weekdays: null, next: 'remind' },
    send('remind', 'renewal', null),
  ];
  return makePlan(steps, { policy });
}

describe('dates in the simulator', () => {
  it('"7 days before renewalDate at 10:00" for a New York customer with a date-only renewalDate', () => {
    const profile = { email: 'a@x', timezone: 'America/New_York', renewalDate: '2026-12-01' };
    const result = run(reminder(sevenDaysBefore, '10:00'), { profile, startMs: start });
    expect(result.sends[0]?.atMs).toBe(at('2026-11-24T10:00:00-05:00'));
  });

  it('the same with an offset-less date-time, read as New York wall-clock time', () => {
    const profile = { email: 'a@x', timezone: 'America/New_York', renewalDate: '2026-12-01T02:00' };
    const result = run(reminder(sevenDaysBefore, '10:00'), { profile, startMs: start });
    expect(result.sends[0]?.atMs).toBe(at('2026-11-24T10:00:00-05:00'));
    const noTime = run(reminder(sevenDaysBefore, null), { profile, startMs: start });
    expect(noTime.sends[0]?.atMs).toBe(at('2026-11-24T02:00:00-05:00'));
  });

  it('counts "days before" in calendar days, across a daylight-saving change', () => {
    // New York springs forward on 2026-03-08: 7 days before 2026-03-10 is 2026-03-03, not the 2nd at 23:00.
    const profile = { email: 'a@x', timezone: 'America/New_York', renewalDate: '2026-03-10' };
    const spring = run(reminder(sevenDaysBefore, '10:00'), { profile, startMs: at('2026-02-20T00:00:00Z') });
    expect(spring.sends[0]?.atMs).toBe(at('2026-03-03T10:00:00-05:00'));
    // ... and falls back on 2026-11-01: 3 days after 2026-10-30 00:00 is 2026-11-02 00:00, not the 1st at 23:00.
    const after: WaitUntilTarget = { ...sevenDaysBefore, offsetMs: 3 * DAY };
    const autumn = { ...profile, renewalDate: '2026-10-30' };
    const result = run(reminder(after, null), { profile: autumn, startMs: at('2026-10-20T00:00:00Z') });
    expect(result.sends[0]?.atMs).toBe(at('2026-11-02T00:00:00-05:00'));
  });

  it('reads a date-only value in a fixed policy zone, and an instant as it is', () => {
    const tokyo: PolicyPlan = { ...byProfile, timezone: { source: 'fixed', zone: 'Asia/Tokyo' } };
    const profile = { email: 'a@x', timezone: 'America/New_York', renewalDate: '2026-12-01' };
    const fixed = run(reminder(sevenDaysBefore, null, tokyo), { profile, startMs: start });
    expect(fixed.sends[0]?.atMs).toBe(at('2026-11-24T00:00:00+09:00'));
    const instant = { ...profile, renewalDate: '2026-12-01T00:00:00Z' };
    const exact = run(reminder(sevenDaysBefore, null), { profile: instant, startMs: start });
    expect(exact.sends[0]?.atMs).toBe(at('2026-11-24T00:00:00Z'));
  });

  it('reads a date of the entry event in the customer zone', () => {
    const target: WaitUntilTarget = { type: 'attribute', source: 'event', path: 'event.startsAt', offsetMs: -DAY };
    const entryEvent = event('reg', 'seminar.registered', start, { startsAt: '2026-11-20' });
    const profile = { email: 'a@x', timezone: 'America/New_York' };
    const result = run(reminder(target, '09:00'), { profile, entryEvent, startMs: start });
    expect(result.sends[0]?.atMs).toBe(at('2026-11-19T09:00:00-05:00'));
  });

  it('evaluates time operators on profile date text as the dates the store holds', () => {
    const condition: Condition = { lastOrderAt: { $olderThan: 90 * DAY } };
    const steps = [
      { kind: 'if' as const, id: 'lapsed', condition, then: 'yes', else: 'no' },
      send('yes', 'winback', null),
      send('no', 'thanks', null),
    ];
    const plan = makePlan(steps, { policy: byProfile });
    const nowMs = at('2026-11-10T12:00:00Z');
    const timezone = 'America/New_York';
    // 90 days before now is 2026-08-12 12:00 UTC (08:00 in New York): the date's local midnight is older.
    const dateFields = ['lastOrderAt'];
    const profile = { email: 'a@x', timezone, lastOrderAt: '2026-08-12' };
    const older = run(plan, { profile, startMs: nowMs, dateFields });
    expect(actions(older.journal)).toContain('branched:then @lapsed');
    const recent = { ...profile, lastOrderAt: '2026-08-12T09:00' };
    expect(actions(run(plan, { profile: recent, startMs: nowMs, dateFields }).journal)).toContain(
      'branched:else @lapsed',
    );
  });

  it('reads date text as a date only in the fields declared date, as the store does', () => {
    // The store keeps a field not declared `date` as the text it was given: no time operator matches it.
    const condition: Condition = { memo: { $olderThan: DAY } };
    const steps = [
      { kind: 'if' as const, id: 'old-memo', condition, then: 'yes', else: 'no' },
      send('yes', 'winback', null),
      send('no', 'thanks', null),
    ];
    const plan = makePlan(steps, { policy: byProfile });
    const profile = { email: 'a@x', memo: '2020-01-01' };
    const startMs = at('2026-11-10T12:00:00Z');
    const undeclared = run(plan, { profile, startMs, dateFields: ['lastOrderAt'] });
    expect(actions(undeclared.journal)).toContain('branched:else @old-memo');
    expect(actions(run(plan, { profile, startMs }).journal)).toContain('branched:else @old-memo');
    const declared = run(plan, { profile, startMs, dateFields: ['memo'] });
    expect(actions(declared.journal)).toContain('branched:then @old-memo');
  });
});
