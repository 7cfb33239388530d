import { describe, expect, it } from 'vitest';
import type { PolicyPlan, WaitUntilTarget } from '../../../definitions/plan.js';
import { DAY, T0, event, makePlan, send } from './plans.js';
import { actions, run } from './simulate-helpers.js';

const policy: PolicyPlan = {
  timezone: { source: 'profile', path: 'timezone', fallback: 'Asia/Tokyo' },
  quietHours: null,
  frequencyCap: null,
};

function planFor(target: WaitUntilTarget, timeOfDay: string | null, weekdays: number[] | null = null) {
  return makePlan(
    [{ kind: 'wait_until', id: 'until', target, timeOfDay, weekdays, next: 'remind' }, send('remind', 'renewal', null)],
    { policy },
  );
}

describe('wait_until', () => {
  it('waits until 3 days before a profile date, at 10:00 local time', () => {
    const plan = planFor({ type: 'attribute', source: 'profile', path: 'renewalDate', offsetMs: -3 * DAY }, '10:00');
    const result = run(plan, { profile: { email: 'a@x', renewalDate: '2026-12-01T00:00:00+09:00' } });
    expect(result.sends[0]?.atMs).toBe(Date.parse('2026-11-28T10:00:00+09:00'));
  });

  it('uses the zone of the profile', () => {
    const plan = planFor({ type: 'attribute', source: 'profile', path: 'renewalDate', offsetMs: -3 * DAY }, '10:00');
    const profile = { email: 'a@x', renewalDate: '2026-12-01T12:00:00Z', timezone: 'America/New_York' };
    expect(run(plan, { profile }).sends[0]?.atMs).toBe(Date.parse('2026-11-28T10:00:00-05:00'));
  });

  it('reads a date of the entry event, with an offset', () => {
    const plan = planFor({ type: 'attribute', source: 'event', path: 'event.startsAt', offsetMs: -60 * 60_000 }, null);
    const entry = event('reg', 'event.registered', T0, { startsAt: '2026-11-20T19:00:00+09:00' });
    expect(run(plan, { entryEvent: entry }).sends[0]?.atMs).toBe(Date.parse('2026-11-20T18:00:00+09:00'));
  });

  it('moves forward to an allowed weekday', () => {
    // 2026-11-07 is a Saturday; weekdays only -> Monday the 9th.
    const plan = planFor({ type: 'absolute', at: '2026-11-07T05:00:00Z' }, '09:30', [1, 2, 3, 4, 5]);
    expect(run(plan).sends[0]?.atMs).toBe(Date.parse('2026-11-09T09:30:00+09:00'));
  });

  it('keeps the local time across daylight saving time changes in the policy zone', () => {
    const profile = { email: 'a@x', timezone: 'America/New_York' };
    const startMs = Date.parse('2026-03-01T00:00:00Z');
    // 2026-03-07 is a Saturday; clocks go forward on Sunday the 8th, so Monday 10:00 is at -04:00.
    const monday = planFor({ type: 'absolute', at: '2026-03-07T15:00:00Z' }, '10:00', [1]);
    expect(run(monday, { profile, startMs }).sends[0]?.atMs).toBe(Date.parse('2026-03-09T10:00:00-04:00'));
    // 02:30 does not exist on the 8th: the wait ends just after the jump.
    const gap = planFor({ type: 'absolute', at: '2026-03-08T12:00:00Z' }, '02:30');
    expect(run(gap, { profile, startMs }).sends[0]?.atMs).toBe(Date.parse('2026-03-08T03:30:00-04:00'));
    // Clocks go back on 2026-11-01: three days before the 4th, 10:00 is at -05:00.
    const before = planFor({ type: 'attribute', source: 'profile', path: 'renewalDate', offsetMs: -3 * DAY }, '10:00');
    const renewal = { ...profile, renewalDate: '2026-11-04T12:00:00Z' };
    const autumn = run(before, { profile: renewal, startMs: Date.parse('2026-10-20T00:00:00Z') });
    expect(autumn.sends[0]?.atMs).toBe(Date.parse('2026-11-01T10:00:00-05:00'));
  });

  it('proceeds at once when the moment has passed, and the journal says so', () => {
    const plan = planFor({ type: 'attribute', source: 'profile', path: 'renewalDate', offsetMs: -3 * DAY }, '10:00');
    const result = run(plan, { profile: { email: 'a@x', renewalDate: '2026-11-03T00:00:00+09:00' } });
    expect(result.sends[0]?.atMs).toBe(T0);
    expect(actions(result.journal)).toContain('proceeded:moment-passed @until');
  });

  it('proceeds at once when the date is missing', () => {
    const plan = planFor({ type: 'attribute', source: 'profile', path: 'renewalDate', offsetMs: 0 }, '10:00');
    const result = run(plan, { profile: { email: 'a@x', renewalDate: 'soon' } });
    expect(actions(result.journal)).toContain('proceeded:no-date @until');
    expect(result.sends).toHaveLength(1);
  });
});
