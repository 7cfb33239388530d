import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import { formatFunnel } from '../../../cli/simulate-format.js';
import { isInHoldout } from '../../../engine/index.js';
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
    const customers = ['a', 'b', 'c'].map((id) => ({
      id,
      profile: { email: `${id}@example.jp`, consent: { email: 'subscribed' } },
    }));
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

  it('reports treated and holdout conversion apart, and the uplift between them', () => {
    const customers = Array.from({ length: 40 }, (_, i) => ({ id: `h${i}`, profile: { email: `h${i}@example.jp` } }));
    // Every customer with an even number converts, in the holdout or not.
    const eventsByCustomer = new Map(
      customers.map(({ id }, i) => [
        id,
        [
          event(`${id}-cart`, 'cart.abandoned', T0, { total: 5000 }),
          ...(i % 2 === 0 ? [event(`${id}-o`, 'order.completed', T0 + DAY)] : []),
        ],
      ]),
    );
    const holdoutPlan = { ...plan, holdoutPercent: 50 };
    const report = backtest({ plan: holdoutPlan, customers, eventsByCustomer, startMs: T0, untilMs: T0 + 30 * DAY });
    const inHoldout = customers.map((c, i) => ({
      holdout: isInHoldout(plan.journeyId, c.id, 50),
      converts: i % 2 === 0,
    }));
    const held = inHoldout.filter((c) => c.holdout);
    const treated = inHoldout.filter((c) => !c.holdout);
    expect(held.length).toBeGreaterThan(5);
    expect(treated.length).toBeGreaterThan(5);
    const heldConverted = held.filter((c) => c.converts).length;
    const treatedConverted = treated.filter((c) => c.converts).length;
    expect(report).toMatchObject({
      runs: 40,
      holdout: held.length,
      converted: treatedConverted,
      holdoutConverted: heldConverted,
      outcomes: { holdout: held.length, converted: treatedConverted, completed: treated.length - treatedConverted },
    });
    const rates = { treated: treatedConverted / treated.length, holdout: heldConverted / held.length };
    expect(report.conversion).toEqual({
      treated: { runs: treated.length, converted: treatedConverted, rate: rates.treated },
      holdout: { runs: held.length, converted: heldConverted, rate: rates.holdout },
      uplift: rates.treated - rates.holdout,
    });
    const pct = (n: number): string => `${(100 * n).toFixed(1)}%`;
    const points = Math.abs(100 * (rates.treated - rates.holdout)).toFixed(1);
    expect(formatFunnel(report).split('\n')[1]).toBe(
      `conversion: treated ${treatedConverted} of ${treated.length} (${pct(rates.treated)}), ` +
        `holdout ${heldConverted} of ${held.length} (${pct(rates.holdout)}), ` +
        `uplift ${rates.treated >= rates.holdout ? '+' : '-'}${points} points`,
    );
  });

  it('reports the holdout rate even when no run was in it', () => {
    const report = backtest({
      plan,
      customers: [{ id: 'a', profile: { email: 'a@x' } }],
      eventsByCustomer: new Map([['a', [event('a1', 'cart.abandoned', T0, { total: 5000 })]]]),
      startMs: T0,
      untilMs: T0 + 30 * DAY,
    });
    expect(report.conversion).toEqual({
      treated: { runs: 1, converted: 0, rate: 0 },
      holdout: { runs: 0, converted: 0, rate: null },
      uplift: null,
    });
    expect(formatFunnel(report)).toContain('conversion: treated 0 of 1 (0.0%), holdout 0 of 0 (no runs), uplift -');
    expect(formatFunnel(report).split('\n')[0]).toBe(
      `${plan.journeyId}: 1 customer, 1 run, 0 never entered, 0 in holdout, 0 still active`,
    );
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
