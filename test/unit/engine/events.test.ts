import { describe, expect, it } from 'vitest';
import { createJourneyState, stepJourney } from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, startInput, wait, waitFor } from './plans.js';
import { actions, run } from './simulate-helpers.js';

const threeTouches = [
  send('first', 't1', 'w1'),
  wait('w1', 3 * DAY, 'second'),
  send('second', 't2', 'w2'),
  wait('w2', 3 * DAY, 'third'),
  send('third', 't3', null),
];

describe('exit and goal events', () => {
  it('ends the journey at once, in the middle of a wait, as exited:<event>', () => {
    const plan = makePlan(threeTouches, { exits: [exitOn('line.unfollowed')] });
    const result = run(plan, { events: [event('e1', 'line.unfollowed', T0 + DAY)] });
    expect(result.outcome).toBe('exited:line.unfollowed');
    expect(result.endMs).toBe(T0 + DAY);
    expect(result.sends.map((s) => s.template)).toEqual(['t1']);
  });

  it('counts an exit goal within the window as converted, attributed to the last message sent', () => {
    const plan = makePlan(threeTouches, { exits: [exitOn('order.completed', true, 2 * DAY)] });
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + 4 * DAY)] });
    expect(result.outcome).toBe('converted');
    expect(result.conversion).toMatchObject({ eventId: 'o1', stepId: 'second', template: 't2', channel: 'email' });
  });

  it('exits without a conversion when the goal comes after its window', () => {
    const plan = makePlan(threeTouches, { exits: [exitOn('order.completed', true, DAY)] });
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + 2 * DAY)] });
    expect(result.outcome).toBe('exited:order.completed');
    expect(result.conversion).toBeNull();
  });

  it('does not credit a goal event that happened before the entry, even if it arrives later', () => {
    const plan = makePlan([wait('w0', DAY, 'first'), ...threeTouches], {
      exits: [exitOn('order.completed', true, null)],
    });
    const entered = T0 + 2 * HOUR;
    let { state } = stepJourney(plan, createJourneyState('test-journey', 'hash'), startInput(entered));
    ({ state } = stepJourney(plan, state, {
      type: 'entry_claimed',
      nowMs: entered,
      correlationId: 'c1',
      granted: true,
    }));
    const late = (timeMs: number) =>
      stepJourney(plan, state, { type: 'event', nowMs: entered + 1, event: event('o1', 'order.completed', timeMs) });
    expect(late(T0 + HOUR).commands.at(-1)).toEqual({
      type: 'complete',
      outcome: 'exited:order.completed',
      conversion: null,
    });
    expect(late(entered).commands.at(-1)).toMatchObject({ type: 'complete', outcome: 'converted' });
  });

  it('attributes a goal that arrives late to the last message sent before it happened', () => {
    const plan = makePlan(threeTouches, { goals: [{ event: 'order.completed', where: null, windowMs: 2 * DAY }] });
    let { state } = stepJourney(plan, createJourneyState('test-journey', 'hash'), startInput());
    const feed = (input: JourneyInput): void => {
      ({ state } = stepJourney(plan, state, input));
    };
    const sent = (nowMs: number, correlationId: string): JourneyInput => ({
      type: 'send_result',
      nowMs,
      correlationId,
      status: 'sent',
      channel: 'email',
      reason: null,
      retryAtMs: null,
    });
    feed({ type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true });
    feed(sent(T0, 'c2'));
    feed({ type: 'timer', nowMs: T0 + 3 * DAY, correlationId: 'c3' });
    feed(sent(T0 + 3 * DAY, 'c4'));
    // Placed a day after the first message, but only reported after the second went out.
    feed({ type: 'event', nowMs: T0 + 3 * DAY + HOUR, event: event('o1', 'order.completed', T0 + DAY) });
    expect(state.conversion).toMatchObject({ eventId: 'o1', stepId: 'first', template: 't1' });
  });

  it('counts a goal that does not end the journey, and ends as converted', () => {
    const plan = makePlan(threeTouches, { goals: [{ event: 'order.completed', where: null, windowMs: null }] });
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + HOUR)] });
    expect(result.sends).toHaveLength(3);
    expect(result.outcome).toBe('converted');
    expect(result.conversion).toMatchObject({ stepId: 'first', template: 't1' });
  });

  it('ends as converted on a goal exit after an earlier conversion by another goal', () => {
    const plan = makePlan(threeTouches, {
      exits: [exitOn('order.completed', true, DAY)],
      goals: [{ event: 'clicked', where: null, windowMs: null }],
    });
    const result = run(plan, {
      events: [event('k1', 'clicked', T0 + HOUR), event('o1', 'order.completed', T0 + 5 * DAY)],
    });
    expect(result.outcome).toBe('converted');
    expect(result.conversion).toMatchObject({ eventId: 'k1', stepId: 'first' });
  });

  it('counts goals of holdout customers, attributed to the message they would have had', () => {
    const plan = makePlan(threeTouches, { exits: [exitOn('order.completed', true, null)] });
    const result = run(plan, { holdout: true, events: [event('o1', 'order.completed', T0 + 4 * DAY)] });
    expect(result.sends).toEqual([]);
    expect(result.outcome).toBe('holdout');
    expect(result.conversion).toMatchObject({ stepId: 'second', channel: null });
  });

  it('applies an exit filter before anything else moves, queueing the timer that fires meanwhile', () => {
    const plan = makePlan(threeTouches, {
      exits: [{ event: 'order.completed', where: { 'event.total': { $gte: 1000 } }, goal: false, goalWindowMs: null }],
    });
    let { state } = stepJourney(plan, createJourneyState('test-journey', 'hash'), startInput());
    ({ state } = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }));
    ({ state } = stepJourney(plan, state, {
      type: 'send_result',
      nowMs: T0,
      correlationId: 'c2',
      status: 'sent',
      channel: 'email',
      reason: null,
      retryAtMs: null,
    }));
    const asked = stepJourney(plan, state, {
      type: 'event',
      nowMs: T0 + 3 * DAY - 1,
      event: event('o1', 'order.completed', T0 + 3 * DAY - 1, { total: 5000 }),
    });
    expect(asked.commands).toEqual([expect.objectContaining({ type: 'evaluate_conditions', stepId: null })]);
    const timer = stepJourney(plan, asked.state, { type: 'timer', nowMs: T0 + 3 * DAY, correlationId: 'c3' });
    expect(timer.commands).toEqual([]);
    const decided = stepJourney(plan, timer.state, {
      type: 'conditions_evaluated',
      nowMs: T0 + 3 * DAY,
      correlationId: 'c4',
      decisions: [true],
    });
    expect(decided.commands.map((c) => c.type)).toEqual(['journal', 'complete']);
    expect(decided.commands.at(-1)).toMatchObject({ outcome: 'exited:order.completed' });
  });

  it('lets the queued timer go on when the exit filter does not match', () => {
    const plan = makePlan(threeTouches, {
      exits: [{ event: 'order.completed', where: { 'event.total': { $gte: 1000 } }, goal: false, goalWindowMs: null }],
    });
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + DAY, { total: 10 })] });
    expect(result.outcome).toBe('completed');
    expect(result.sends).toHaveLength(3);
  });

  it('ignores a duplicate event id, including the entry event', () => {
    const plan = makePlan([
      waitFor('wf', 'clicked', 2 * DAY, 'yes', 'no'),
      send('yes', 'ty', null),
      send('no', 'nudge', null),
    ]);
    const entry = event('e0', 'clicked', T0);
    const result = run(plan, { entryEvent: entry, events: [event('e0', 'clicked', T0 + HOUR)] });
    expect(result.sends.map((s) => s.template)).toEqual(['nudge']);
  });
});

describe('wait_for', () => {
  const plan = makePlan([
    send('s', 'offer', 'wf'),
    waitFor('wf', 'order.completed', 7 * DAY, 'thanks', 'last'),
    send('thanks', 'thank-you', null),
    send('last', 'last-chance', null),
  ]);

  it('takes the event branch when the event arrives before the timeout', () => {
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + 2 * DAY)] });
    expect(result.sends.map((s) => s.template)).toEqual(['offer', 'thank-you']);
    expect(actions(result.journal)).toContain('matched @wf');
  });

  it('takes the timeout branch after the timeout', () => {
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + 8 * DAY)] });
    expect(result.sends.map((s) => [s.template, s.atMs])).toEqual([
      ['offer', T0],
      ['last-chance', T0 + 7 * DAY],
    ]);
  });

  it('does not see an event that happened before the step started, even if it arrives late', () => {
    const early = makePlan([
      wait('w', DAY, 'wf'),
      waitFor('wf', 'order.completed', DAY, 'y', 'n'),
      send('y', 'yes', null),
      send('n', 'no', null),
    ]);
    let { state } = stepJourney(early, createJourneyState('test-journey', 'hash'), startInput());
    ({ state } = stepJourney(early, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }));
    ({ state } = stepJourney(early, state, { type: 'timer', nowMs: T0 + DAY, correlationId: 'c2' }));
    const late = stepJourney(early, state, {
      type: 'event',
      nowMs: T0 + DAY + 1,
      event: event('o1', 'order.completed', T0 + HOUR),
    });
    expect(late.commands).toEqual([]);
    const fresh = stepJourney(early, state, {
      type: 'event',
      nowMs: T0 + DAY + 1,
      event: event('o1', 'order.completed', T0 + DAY + 1),
    });
    expect(fresh.commands.map((c) => c.type)).toEqual(['journal', 'send']);
  });

  it('filters the awaited event with its where condition', () => {
    const filtered = makePlan([
      {
        kind: 'wait_for',
        id: 'wf',
        event: 'postback',
        where: { 'event.answer': 'yes' },
        timeoutMs: DAY,
        onEvent: 'y',
        onTimeout: null,
      },
      send('y', 'thanks', null),
    ]);
    const no = run(filtered, { events: [event('p1', 'postback', T0 + HOUR, { answer: 'no' })] });
    expect(no.sends).toEqual([]);
    const yes = run(filtered, {
      events: [
        event('p1', 'postback', T0 + HOUR, { answer: 'no' }),
        event('p2', 'postback', T0 + 2 * HOUR, { answer: 'yes' }),
      ],
    });
    expect(yes.sends.map((s) => s.atMs)).toEqual([T0 + 2 * HOUR]);
  });
});
