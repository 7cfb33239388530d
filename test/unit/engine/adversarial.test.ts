// Inputs and plans meant to break the engine: degenerate repeats, self-loops, reused event ids,
// answers that arrive too late, and a state carried through JSON between any two inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JourneyCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import { INBOX_LIMIT } from '../../../engine/state.js';
import type { CustomerEvent, JourneyInput } from '../../../engine/inputs.js';
import { SimulatedWorld, createSendLedger, type Profile } from '../../../engine/simulator/world.js';
import { planArb, profileArb, timelineArb } from './generators.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, startInput, wait, waitFor } from './plans.js';
import { actions, run } from './simulate-helpers.js';

type Step = (
  plan: Plan,
  state: JourneyState,
  input: JourneyInput,
) => { state: JourneyState; commands: JourneyCommand[] };

/** Drives a run on a virtual clock with `step`, recording every call's commands. */
function drive(plan: Plan, profile: Profile, events: CustomerEvent[], step: Step): JourneyCommand[][] {
  const world = new SimulatedWorld(structuredClone(profile), null, createSendLedger());
  const calls: JourneyCommand[][] = [];
  const queue: JourneyInput[] = [startInput(T0)];
  let state = createJourneyState(plan.journeyId, plan.contentHash);
  let timer: { correlationId: string; untilMs: number | null } | null = null;
  let now = T0;
  let next = 0;
  for (let i = 0; i < 2_000; i += 1) {
    const input = queue.shift() ?? pickNext();
    if (input === null) break;
    const out = step(plan, state, input);
    state = out.state;
    calls.push(out.commands);
    for (const c of out.commands) {
      if (c.type === 'complete' || c.type === 'fail') return calls;
      if (c.type === 'sleep_until' || c.type === 'wait_for_events') timer = c;
      else if ('correlationId' in c) queue.push(world.answer(c, now));
    }
  }
  return calls;

  function pickNext(): JourneyInput | null {
    const e = events[next];
    const timerAt = timer?.untilMs ?? Number.POSITIVE_INFINITY;
    if (e !== undefined && e.timeMs <= timerAt) {
      next += 1;
      now = Math.max(now, e.timeMs);
      return { type: 'event', nowMs: now, event: e };
    }
    if (timer === null || timer.untilMs === null) return null;
    now = Math.max(now, timer.untilMs);
    const fired = { type: 'timer' as const, nowMs: now, correlationId: timer.correlationId };
    timer = null;
    return fired;
  }
}

const throughJson: Step = (plan, state, input) =>
  stepJourney(plan, JSON.parse(JSON.stringify(state)) as JourneyState, input);

describe('engine against adversarial plans and inputs', () => {
  it('behaves identically when the state goes through JSON between any two inputs (continue-as-new)', () => {
    fc.assert(
      fc.property(planArb, profileArb, timelineArb, (plan, profile, events) => {
        expect(drive(plan, profile, events, throughJson)).toEqual(drive(plan, profile, events, stepJourney));
      }),
      { numRuns: 200 },
    );
  });

  it('runs a repeat whose body is the repeat itself the given number of times, then goes on', () => {
    const plan = makePlan([
      { kind: 'repeat', id: 'r', times: 3, everyMs: 0, until: null, body: 'r', next: 's' },
      send('s', 't', null),
    ]);
    const result = run(plan);
    expect(result.failure).toBeNull();
    expect(actions(result.journal).filter((a) => a.startsWith('repeat @r'))).toHaveLength(3);
    expect(result.sends).toHaveLength(1);
  });

  it('fails with NO_PROGRESS, not a hang, on a repeat with an empty body and no pause between runs', () => {
    const plan = makePlan([
      { kind: 'repeat', id: 'r', times: 1_000_000, everyMs: 0, until: null, body: 'r', next: null },
    ]);
    expect(run(plan).failure?.code).toBe('NO_PROGRESS');
  });

  it('ends at the exit when a repeat body is only an exit', () => {
    const plan = makePlan([
      { kind: 'repeat', id: 'r', times: 3, everyMs: DAY, until: null, body: 'x', next: null },
      { kind: 'exit', id: 'x', outcome: 'left' },
    ]);
    expect(run(plan).outcome).toBe('left');
  });

  it('refuses a step whose successor is itself', () => {
    for (const plan of [makePlan([send('s', 't', 's')]), makePlan([wait('w', HOUR, 'w')])]) {
      const out = stepJourney(plan, createJourneyState('x', 'y'), startInput());
      expect(out.commands).toEqual([expect.objectContaining({ type: 'fail', code: 'INVALID_PLAN' })]);
    }
  });

  it('takes only the first of two events with the same id, even of different types', () => {
    const plan = makePlan([waitFor('wf', 'clicked', DAY, 'yes', 'no'), send('yes', 'y', null), send('no', 'n', null)], {
      exits: [exitOn('order.completed')],
    });
    const result = run(plan, {
      events: [event('e1', 'clicked', T0 + HOUR), event('e1', 'order.completed', T0 + 2 * HOUR)],
    });
    expect(result.sends.map((s) => s.template)).toEqual(['y']);
    expect(result.outcome).toBe('completed');
  });

  it('exits on an event that arrives while a condition is being evaluated, and ignores the late answer', () => {
    const plan = makePlan(
      [{ kind: 'if', id: 'c', condition: { vip: true }, then: 's', else: null }, send('s', 't', null)],
      {
        exits: [exitOn('order.completed')],
      },
    );
    let state = stepJourney(plan, createJourneyState('x', 'y'), startInput()).state;
    state = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }).state;
    expect(state.awaiting).toMatchObject({ type: 'evaluate_conditions', correlationId: 'c2' });
    const exited = stepJourney(plan, state, { type: 'event', nowMs: T0, event: event('o', 'order.completed', T0) });
    expect(exited.commands.at(-1)).toEqual({ type: 'complete', outcome: 'exited:order.completed', conversion: null });
    const late = stepJourney(plan, exited.state, {
      type: 'conditions_evaluated',
      nowMs: T0,
      correlationId: 'c2',
      decisions: [true],
    });
    expect(late.commands).toEqual([]);
  });

  it('credits a filtered goal still being checked when an unfiltered exit arrives, then exits', () => {
    const plan = makePlan([send('s', 't', 'w'), wait('w', 5 * DAY, null)], {
      exits: [exitOn('customer.unsubscribed')],
      goals: [{ event: 'order.completed', where: { 'event.total': { $gte: 1000 } }, windowMs: null }],
    });
    let state = stepJourney(plan, createJourneyState('x', 'y'), startInput()).state;
    state = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }).state;
    for (let guard = 0; state.awaiting?.type !== 'sleep_until' && guard < 10; guard += 1) {
      const pending = state.awaiting;
      if (pending?.type === 'send') {
        state = stepJourney(plan, state, {
          type: 'send_result',
          nowMs: T0,
          correlationId: pending.correlationId,
          status: 'sent',
          channel: 'email',
          reason: null,
          retryAtMs: null,
        }).state;
      } else break;
    }
    expect(state.awaiting?.type).toBe('sleep_until');
    const order = stepJourney(plan, state, {
      type: 'event',
      nowMs: T0 + HOUR,
      event: { ...event('o', 'order.completed', T0 + HOUR), properties: { total: 5000 } },
    });
    const check = order.commands.find((c) => c.type === 'evaluate_conditions');
    expect(check).toBeDefined();
    const unsubscribed = stepJourney(plan, order.state, {
      type: 'event',
      nowMs: T0 + HOUR,
      event: event('u', 'customer.unsubscribed', T0 + HOUR),
    });
    expect(unsubscribed.commands.some((c) => c.type === 'complete')).toBe(false);
    const decided = stepJourney(plan, unsubscribed.state, {
      type: 'conditions_evaluated',
      nowMs: T0 + HOUR,
      correlationId: check && 'correlationId' in check ? check.correlationId : '',
      decisions: [true],
    });
    const complete = decided.commands.find((c) => c.type === 'complete');
    expect(complete).toMatchObject({ outcome: 'exited:customer.unsubscribed', conversion: { eventId: 'o' } });
  });

  it('exits at once on an unfiltered exit when the queue behind a pending goal check is full', () => {
    const plan = makePlan([wait('w', 5 * DAY, null)], {
      exits: [exitOn('customer.unsubscribed')],
      goals: [{ event: 'order.completed', where: { 'event.total': { $gte: 1000 } }, windowMs: null }],
    });
    let state = stepJourney(plan, createJourneyState('x', 'y'), startInput()).state;
    state = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }).state;
    state = stepJourney(plan, state, { type: 'event', nowMs: T0, event: event('o', 'order.completed', T0) }).state;
    expect(state.eventCheck).not.toBeNull();
    for (let i = 0; i < INBOX_LIMIT; i += 1) {
      state = stepJourney(plan, state, { type: 'event', nowMs: T0, event: event(`v${i}`, 'page.viewed', T0) }).state;
    }
    const out = stepJourney(plan, state, { type: 'event', nowMs: T0, event: event('u', 'customer.unsubscribed', T0) });
    expect(out.commands.at(-1)).toMatchObject({ type: 'complete', outcome: 'exited:customer.unsubscribed' });
  });

  it('ignores the timer of a wait_for that its event already ended', () => {
    const plan = makePlan([waitFor('wf', 'clicked', DAY, 'w', null), wait('w', 5 * DAY, 's'), send('s', 't', null)]);
    let state = stepJourney(plan, createJourneyState('x', 'y'), startInput()).state;
    state = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }).state;
    const waitId = state.awaiting?.correlationId ?? '';
    state = stepJourney(plan, state, {
      type: 'event',
      nowMs: T0 + HOUR,
      event: event('k', 'clicked', T0 + HOUR),
    }).state;
    const stale = stepJourney(plan, state, { type: 'timer', nowMs: T0 + DAY, correlationId: waitId });
    expect(stale.commands).toEqual([]);
    expect(stale.state).toEqual(state);
  });
});
