import { describe, expect, it } from 'vitest';
import { nextAllowedMoment } from '../../../definitions/time-windows.js';
import { createJourneyState, stepJourney } from '../../../engine/index.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, startInput, wait } from './plans.js';
import { actions, run } from './simulate-helpers.js';

const tokyo = { source: 'fixed', zone: 'Asia/Tokyo' } as const;

describe('send', () => {
  it('sends on the preferred channel: LINE when the customer follows the account, else email', () => {
    const plan = makePlan([send('s', 'hello', null, { channel: 'preferred' })]);
    const consent = (line: string) => ({ email: 'subscribed', line });
    const profile = (line: string) => ({ email: 'a@x.jp', lineUserId: 'U1', consent: consent(line) });
    expect(run(plan, { profile: profile('following') }).sends[0]?.channel).toBe('line');
    expect(run(plan, { profile: { email: 'a@x.jp', consent: consent('following') } }).sends[0]?.channel).toBe('email');
    expect(run(plan, { profile: profile('blocked') }).sends[0]?.channel).toBe('email');
    // One field says whether the customer follows: consent.line, not the copy conditions read.
    expect(run(plan, { profile: { ...profile('unknown'), lineFollowing: true } }).sends[0]?.channel).toBe('email');
  });

  it('falls back to the other channel once when the first cannot reach the customer, and journals both', () => {
    const plan = makePlan([send('s', 'hello', null, { channel: 'line', fallback: 'email' })]);
    const result = run(plan, { profile: { email: 'a@x.jp', lineUserId: 'U1', consent: { email: 'subscribed' } } });
    expect(result.sends).toEqual([{ atMs: T0, stepId: 's', template: 'hello', channel: 'email' }]);
    expect(actions(result.journal)).toEqual([
      'entered',
      'skipped:not-following @s',
      'proceeded:fallback @s',
      'sent @s',
      'completed:completed',
    ]);
  });

  it('goes on without a message when no channel reaches the customer', () => {
    const plan = makePlan([send('s', 'hello', null, { channel: 'email', fallback: 'line' })]);
    const result = run(plan, { profile: { lineUserId: 'U1' } });
    expect(result.sends).toEqual([]);
    expect(actions(result.journal)).toContain('skipped:no-address @s');
    expect(actions(result.journal)).toContain('skipped:not-following @s');
    expect(result.outcome).toBe('completed');
  });

  it('defers a send inside quiet hours (crossing midnight) to the end of the window in the customer zone', () => {
    const plan = makePlan([send('s', 'hello', null)], {
      policy: { timezone: tokyo, quietHours: { startMinute: 21 * 60, endMinute: 9 * 60 }, frequencyCap: null },
    });
    const startMs = Date.parse('2026-11-02T13:30:00Z'); // 22:30 in Tokyo
    const result = run(plan, { startMs });
    expect(actions(result.journal).slice(0, 3)).toEqual(['entered', 'deferred:quiet-hours @s', 'sent @s']);
    expect(result.sends[0]?.atMs).toBe(Date.parse('2026-11-03T00:00:00Z')); // 09:00 the next day in Tokyo
  });

  it('defers once, to the end of the window, when quiet hours span the autumn clock change', () => {
    // New York falls back from 02:00 EDT to 01:00 EST on 2026-11-01; 01:15 EST is 06:15 UTC, and the
    // window's end, 01:30, happens twice: 05:30 UTC (EDT, already past) and 06:30 UTC (EST).
    const quietHours = { startMinute: 30, endMinute: 90 };
    const policy = { timezone: { source: 'fixed', zone: 'America/New_York' }, quietHours, frequencyCap: null } as const;
    const startMs = Date.parse('2026-11-01T06:15:00Z');
    expect(nextAllowedMoment(startMs, 'America/New_York', quietHours)).toBe(Date.parse('2026-11-01T06:30:00Z'));
    const result = run(makePlan([send('s', 'hello', null)], { policy }), { startMs });
    expect(actions(result.journal)).toEqual(['entered', 'deferred:quiet-hours @s', 'sent @s', 'completed:completed']);
    expect(result.sends[0]?.atMs).toBe(Date.parse('2026-11-01T06:30:00Z'));
  });

  it('reads the time zone from the profile, with the fallback for a missing or unknown zone', () => {
    const policy = {
      timezone: { source: 'profile', path: 'timezone', fallback: 'Asia/Tokyo' },
      quietHours: { startMinute: 21 * 60, endMinute: 9 * 60 },
      frequencyCap: null,
    } as const;
    const plan = makePlan([send('s', 'hello', null)], { policy });
    const startMs = Date.parse('2026-11-02T13:30:00Z'); // 22:30 Tokyo, 13:30 London
    expect(run(plan, { startMs, profile: { email: 'a@x', timezone: 'Europe/London' } }).sends[0]?.atMs).toBe(startMs);
    expect(run(plan, { startMs, profile: { email: 'a@x', timezone: 'Mars/Olympus' } }).sends[0]?.atMs).toBeGreaterThan(
      startMs,
    );
    expect(run(plan, { startMs, profile: { email: 'a@x' } }).zone).toBe('Asia/Tokyo');
  });

  it('defers a send over the frequency cap until the cap frees a slot', () => {
    const plan = makePlan([send('a', 't1', 'b'), send('b', 't2', null)], {
      policy: { ...makePlan([]).policy, frequencyCap: { max: 1, perMs: DAY, over: 'defer' } },
    });
    const result = run(plan);
    expect(result.sends.map((s) => [s.template, s.atMs])).toEqual([
      ['t1', T0],
      ['t2', T0 + DAY],
    ]);
    expect(actions(result.journal)).toContain('deferred:frequency-cap @b');
  });

  it('skips a send over the frequency cap when the policy says skip', () => {
    const plan = makePlan([send('a', 't1', 'w'), wait('w', HOUR, 'b'), send('b', 't2', null)], {
      policy: { ...makePlan([]).policy, frequencyCap: { max: 1, perMs: DAY, over: 'skip' } },
    });
    const result = run(plan);
    expect(result.sends.map((s) => s.template)).toEqual(['t1']);
    expect(actions(result.journal)).toContain('skipped:frequency-cap @b');
  });

  it('sends nothing to a holdout customer, who still walks the journey and ends as holdout', () => {
    const plan = makePlan([send('a', 't1', 'w'), wait('w', DAY, 'b'), send('b', 't2', null)]);
    const result = run(plan, { holdout: true });
    expect(result.sends).toEqual([]);
    expect(actions(result.journal)).toEqual([
      'entered:holdout',
      'skipped:holdout @a',
      'waiting @w',
      'skipped:holdout @b',
      'completed:holdout',
    ]);
    expect(result.outcome).toBe('holdout');
  });

  it('ends a holdout run that converts as holdout, with its conversion recorded', () => {
    const plan = makePlan([send('a', 't1', 'w'), wait('w', DAY, null)], {
      goals: [{ event: 'order.completed', where: null, windowMs: null }],
      exits: [exitOn('cart.paid', true)],
    });
    const order = event('o1', 'order.completed', T0 + HOUR);
    const goal = run(plan, { holdout: true, events: [order] });
    expect(goal.outcome).toBe('holdout');
    expect(goal.conversion).toMatchObject({ eventId: 'o1', stepId: 'a', template: 't1', channel: null });
    expect(actions(goal.journal).slice(-2)).toEqual(['converted:order.completed', 'completed:holdout']);
    const exit = run(plan, { holdout: true, events: [event('p1', 'cart.paid', T0 + HOUR)] });
    expect(exit.outcome).toBe('holdout');
    expect(exit.conversion).toMatchObject({ eventId: 'p1' });
    expect(run(plan, { holdout: false, events: [order] }).outcome).toBe('converted');
  });

  it('puts a stable share of customers in the holdout', () => {
    const plan = makePlan([send('a', 't1', null)], { holdoutPercent: 10 });
    const held = Array.from({ length: 2000 }, (_, i) => run(plan, { customerId: `c${i}` })).filter(
      (r) => r.outcome === 'holdout',
    ).length;
    expect(held).toBeGreaterThan(140);
    expect(held).toBeLessThan(260);
    expect(run(plan, { customerId: 'c7' }).outcome).toBe(run(plan, { customerId: 'c7' }).outcome);
  });

  it('holds before a send while paused and sends when resumed', () => {
    const plan = makePlan([wait('w', HOUR, 's'), send('s', 't1', null)]);
    let { state } = stepJourney(plan, createJourneyState('test-journey', 'hash'), startInput());
    ({ state } = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }));
    ({ state } = stepJourney(plan, state, { type: 'pause', nowMs: T0 + 1 }));
    const held = stepJourney(plan, state, { type: 'timer', nowMs: T0 + HOUR, correlationId: 'c2' });
    expect(held.commands.map((c) => c.type)).toEqual(['journal', 'wait_for_events']);
    expect(held.commands[0]).toMatchObject({ record: { action: 'held', reason: 'paused' } });
    const resumed = stepJourney(plan, held.state, { type: 'resume', nowMs: T0 + 2 * HOUR });
    expect(resumed.commands.map((c) => c.type)).toEqual(['journal', 'send']);
  });

  it('gives each send of a repeated step its own idempotency key, the same on every replay', () => {
    const plan = makePlan([
      { kind: 'repeat', id: 'r', times: 2, everyMs: DAY, until: null, body: 's', next: null },
      send('s', 't1', 'r'),
    ]);
    const keys = (): string[] => {
      let { state } = stepJourney(plan, createJourneyState('test-journey', 'hash'), startInput());
      const out = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true });
      state = out.state;
      const first = out.commands.find((c) => c.type === 'send');
      const second = stepJourney(plan, state, {
        type: 'send_result',
        nowMs: T0,
        correlationId: first?.type === 'send' ? first.correlationId : '',
        status: 'sent',
        channel: 'email',
        reason: null,
        retryAtMs: null,
      });
      const timer = second.commands.find((c) => c.type === 'sleep_until');
      const third = stepJourney(plan, second.state, {
        type: 'timer',
        nowMs: T0 + DAY,
        correlationId: timer?.type === 'sleep_until' ? timer.correlationId : '',
      });
      return [first, ...third.commands].flatMap((c) => (c?.type === 'send' ? [c.idempotencyKey] : []));
    };
    const once = keys();
    expect(once).toHaveLength(2);
    expect(new Set(once).size).toBe(2);
    expect(keys()).toEqual(once);
  });
});
