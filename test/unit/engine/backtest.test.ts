import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import { formatFunnel } from '../../../cli/simulate-format.js';
import { backtest, mayEnter } from '../../../engine/simulator/backtest.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, wait } from './plans.js';

const plan: Plan = makePlan([send('first', 't1', 'w'), wait('w', 2 * DAY, 'second'), send('second', 't2', null)], {
  entry: { type: 'event', event: 'cart.abandoned', where: { 'event.total': { $gte: 1000 } } },
  reentry: { policy: 'after', afterMs: 7 * DAY },
  exits: [exitOn('order.completed', true, 3 * DAY)],
});

describe('backtest', () => {
  it('enters on each matching entry event the re-entry policy allows, never while a run is going', () => {
    const events = new Map([
      [
        'a',
        [
          event('a1', 'cart.abandoned', T0, { total: 5000 }),
          event('a2', 'cart.abandoned', T0 + DAY, { total: 5000 }), // the first run is still going
          event('a3', 'cart.abandoned', T0 + 4 * DAY, { total: 5000 }), // run over, but re-entry needs 7 days
          event('a4', 'cart.abandoned', T0 + 8 * DAY, { total: 5000 }),
        ],
      ],
      ['b', [event('b1', 'cart.abandoned', T0, { total: 10 })]],
      ['c', [event('c1', 'cart.abandoned', T0, { total: 2000 }), event('c2', 'order.completed', T0 + HOUR)]],
    ]);
    const customers = ['a', 'b', 'c'].map((id) => ({ id, profile: { email: `${id}@example.jp` } }));
    const progress: number[] = [];
    const report = backtest({
      plan,
      customers,
      eventsByCustomer: events,
      startMs: T0,
      untilMs: T0 + 30 * DAY,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect(report).toMatchObject({
      customers: 3,
      notEntered: 1,
      runs: 4,
      converted: 1,
      active: 0,
      outcomes: { completed: 2, 'reentry-denied': 1, converted: 1 },
    });
    const first = report.steps.find((s) => s.stepId === 'first');
    expect(first).toMatchObject({ entered: 3, sent: { 't1 by email': 3 }, conversions: 1 });
    expect(report.steps.find((s) => s.stepId === 'second')).toMatchObject({ entered: 2, sent: { 't2 by email': 2 } });
  });

  it('counts the conversions of holdout customers apart, so the two shares can be compared', () => {
    const customers = Array.from({ length: 40 }, (_, i) => ({ id: `h${i}`, profile: { email: `h${i}@example.jp` } }));
    const eventsByCustomer = new Map(
      customers.map(({ id }) => [
        id,
        [event(`${id}-cart`, 'cart.abandoned', T0, { total: 5000 }), event(`${id}-o`, 'order.completed', T0 + DAY)],
      ]),
    );
    const options = { customers, eventsByCustomer, startMs: T0, untilMs: T0 + 30 * DAY };
    const report = backtest({ ...options, plan: { ...plan, holdoutPercent: 50 } });
    expect(report.holdout).toBeGreaterThan(0);
    expect(report.holdout).toBeLessThan(40);
    expect(report).toMatchObject({ runs: 40, converted: 40, holdoutConverted: report.holdout });
    expect(formatFunnel(report)).toContain(`${report.holdout} in holdout (converted 100.0%, others 100.0%)`);
  });

  it('lets segment members in once, at the start', () => {
    const segment = {
      ...plan,
      entry: { type: 'segment' as const, query: { vip: true }, cron: '0 10 * * *', timezone: 'UTC' },
    };
    const report = backtest({
      plan: segment,
      customers: [
        { id: 'v', profile: { email: 'v@x', vip: true } },
        { id: 'n', profile: { email: 'n@x', vip: false } },
      ],
      eventsByCustomer: new Map(),
      startMs: T0,
      untilMs: T0 + DAY,
    });
    expect(report).toMatchObject({ runs: 1, notEntered: 1, active: 1 });
  });

  it('answers re-entry claims as the ledger would', () => {
    expect(mayEnter({ policy: 'never' }, null, T0)).toBe(true);
    expect(mayEnter({ policy: 'never' }, T0, T0 + 100 * DAY)).toBe(false);
    expect(mayEnter({ policy: 'always' }, T0, T0)).toBe(true);
    expect(mayEnter({ policy: 'after', afterMs: DAY }, T0, T0 + DAY - 1)).toBe(false);
    expect(mayEnter({ policy: 'after', afterMs: DAY }, T0, T0 + DAY)).toBe(true);
  });
});
