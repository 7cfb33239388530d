// Inputs that arrive while the entry claim is out, in a journey whose first step is a send: they are
// applied before the first step is entered (`queuedFirst`), so an exit that came with the entry stops
// the first message. Runs from before (no `queuedFirst`) apply them just after, as they were recorded.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JourneyCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput, StartInput } from '../../../engine/inputs.js';
import { simulateCustomer } from '../../../engine/simulator/simulate-customer.js';
import { HOUR, T0, event, exitOn, makePlan, send, wait } from './plans.js';

const plan: Plan = makePlan([send('hello', 't1', 'w'), wait('w', HOUR, 'again'), send('again', 't2', null)], {
  exits: [
    exitOn('subscription.cancelled'),
    { event: 'order.completed', where: { total: { $gte: 100 } }, goal: true, goalWindowMs: null },
  ],
  goals: [{ event: 'review.posted', where: null, windowMs: null }],
});

function start(extra: Partial<StartInput> = {}): StartInput {
  return {
    type: 'start',
    nowMs: T0,
    customerId: 'cust-1',
    entryEvent: null,
    queueUntilClaimed: true,
    queuedFirst: true,
    ...extra,
  };
}

function feed(state: JourneyState, inputs: JourneyInput[]): { state: JourneyState; commands: JourneyCommand[] } {
  const commands: JourneyCommand[] = [];
  for (const input of inputs) {
    const out = stepJourney(plan, state, input);
    state = out.state;
    commands.push(...out.commands);
  }
  return { state, commands };
}

const begin = (extra: Partial<StartInput> = {}) =>
  feed(createJourneyState(plan.journeyId, plan.contentHash), [start(extra)]);
const granted: JourneyInput = { type: 'entry_claimed', nowMs: T0 + 2, correlationId: 'c1', granted: true };
const sends = (commands: JourneyCommand[]) => commands.filter((c) => c.type === 'send');
const actions = (commands: JourneyCommand[]) =>
  commands.flatMap((c) => (c.type === 'journal' ? [`${c.record.stepId ?? '-'} ${c.record.action}`] : []));
const cancel = (at: number) => ({
  type: 'event' as const,
  nowMs: at,
  event: event('x1', 'subscription.cancelled', at),
});
const order = (at: number, total: number) => ({
  type: 'event' as const,
  nowMs: at,
  event: event('o1', 'order.completed', at, { total }),
});

describe('inputs that waited for the entry claim, before a first-step send', () => {
  it('an exit ends the run before the first step: no send goes out', () => {
    const out = feed(begin().state, [cancel(T0 + 1), granted]);
    expect(sends(out.commands)).toEqual([]);
    expect(out.state.outcome).toBe('exited:subscription.cancelled');
    expect(actions(out.commands)).toEqual(['- entered', '- exited']);
  });

  it('an archive ends the run before the first step', () => {
    const out = feed(begin().state, [{ type: 'archive', nowMs: T0 + 1 }, granted]);
    expect(sends(out.commands)).toEqual([]);
    expect(out.state.outcome).toBe('archived');
  });

  it('a filtered exit holds the first step until its filter is decided: met, the run ends unsent', () => {
    const claimed = feed(begin().state, [order(T0 + 1, 500), granted]);
    expect(sends(claimed.commands)).toEqual([]);
    const check = claimed.commands.find((c) => c.type === 'evaluate_conditions');
    expect(check).toBeDefined();
    expect(claimed.state.cursor).toEqual({ phase: 'entered' });
    const out = feed(claimed.state, [
      { type: 'conditions_evaluated', nowMs: T0 + 3, correlationId: check!.correlationId, decisions: [true] },
    ]);
    expect(sends(out.commands)).toEqual([]);
    expect(out.state.outcome).toBe('converted');
  });

  it('a filtered exit not met lets the first step go on once decided', () => {
    const claimed = feed(begin().state, [order(T0 + 1, 5), granted]);
    const check = claimed.commands.find((c) => c.type === 'evaluate_conditions')!;
    const out = feed(claimed.state, [
      { type: 'conditions_evaluated', nowMs: T0 + 3, correlationId: check.correlationId, decisions: [false] },
    ]);
    expect(sends(out.commands)).toMatchObject([{ stepId: 'hello' }]);
    expect(out.state.status).toBe('active');
  });

  it('a goal is credited to the entry, then the first step sends', () => {
    const goal = { type: 'event' as const, nowMs: T0 + 1, event: event('r1', 'review.posted', T0 + 1) };
    const out = feed(begin().state, [goal, granted]);
    expect(actions(out.commands)).toEqual(['- entered', '- converted']);
    expect(sends(out.commands)).toMatchObject([{ stepId: 'hello' }]);
    expect(out.state.conversion).toMatchObject({ eventId: 'r1', stepId: null });
  });

  it('an archive the claim read from the head goes after the inputs that waited: an order before it converts', () => {
    const review = { type: 'event' as const, nowMs: T0 + 1, event: event('r1', 'review.posted', T0 + 1) };
    const archivedHead: JourneyInput = { ...granted, head: { status: 'archived', generation: 2 } };
    const out = feed(begin({ controlGeneration: 1 }).state, [review, archivedHead]);
    expect(out.state.outcome).toBe('archived');
    expect(out.state.conversion).toMatchObject({ eventId: 'r1' });
    expect(actions(out.commands)).toEqual(['- entered', '- converted', '- exited']);
    expect(sends(out.commands)).toEqual([]);
  });

  it('a paused head applies at once: the first send holds', () => {
    const review = { type: 'event' as const, nowMs: T0 + 1, event: event('r1', 'review.posted', T0 + 1) };
    const pausedHead: JourneyInput = { ...granted, head: { status: 'paused', generation: 2 } };
    const out = feed(begin({ controlGeneration: 1 }).state, [review, pausedHead]);
    expect(out.state.paused).toBe(true);
    expect(sends(out.commands)).toEqual([]);
    expect(out.state.cursor).toMatchObject({ stepId: 'hello', stage: 'hold' });
  });

  it('with nothing queued, the first step is entered with the grant, as before', () => {
    const out = feed(begin().state, [granted]);
    expect(sends(out.commands)).toMatchObject([{ stepId: 'hello' }]);
  });

  it('runs from before (no queuedFirst) enter the first step and then apply the exit, as recorded', () => {
    const out = feed(begin({ queuedFirst: false }).state, [cancel(T0 + 1), granted]);
    expect(sends(out.commands)).toMatchObject([{ stepId: 'hello' }]);
  });
});

describe('the simulator, given when the claim is answered', () => {
  const simulate = (claimAnsweredMs?: number) =>
    simulateCustomer({
      plan,
      customerId: 'cust-1',
      profile: { email: 'a@example.jp', consent: { email: 'subscribed', line: 'unknown' } },
      entryEvent: null,
      events: [event('x1', 'subscription.cancelled', T0 + 1)],
      startMs: T0,
      untilMs: T0 + 2 * HOUR,
      ...(claimAnsweredMs === undefined ? {} : { claimAnsweredMs }),
    });

  it('an exit before the answer ends the run before the first send, as the runtime does', () => {
    const sim = simulate(T0 + 2);
    expect(sim.sends).toEqual([]);
    expect(sim.journal.map((r) => `${r.stepId ?? '-'} ${r.action}`)).toEqual(['- entered', '- exited']);
  });

  it('answered at once (the default), the first send goes before the exit', () => {
    const sim = simulate();
    expect(sim.sends).toMatchObject([{ stepId: 'hello' }]);
    expect(sim.outcome).toBe('exited:subscription.cancelled');
  });
});
