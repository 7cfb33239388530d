// Operator controls (pause, resume, archive) take effect in the order they arrive, even while an
// event's filters are being evaluated and other inputs wait behind them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JourneyCommand, RequestCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
import { SimulatedWorld, createSendLedger } from '../../../engine/simulator/world.js';
import { HOUR, T0, event, makePlan, send, startInput, wait } from './plans.js';

const plan: Plan = makePlan([wait('w', HOUR, 's'), send('s', 't1', null)], {
  goals: [{ event: 'order.completed', where: { 'event.total': { $gte: 100 } }, windowMs: null }],
});

/** Feeds inputs one by one; returns the final state and every command issued. */
function feed(state: JourneyState, inputs: JourneyInput[]): { state: JourneyState; commands: JourneyCommand[] } {
  const commands: JourneyCommand[] = [];
  for (const input of inputs) {
    const out = stepJourney(plan, state, input);
    state = out.state;
    commands.push(...out.commands);
  }
  return { state, commands };
}

/** A run held before its send by a pause, with an order's goal filter being evaluated. */
function heldWithCheckOut(): { state: JourneyState; checkId: string } {
  let { state } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), startInput());
  ({ state } = feed(state, [
    { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true },
    { type: 'pause', nowMs: T0 + 1 },
    { type: 'timer', nowMs: T0 + HOUR, correlationId: 'c2' },
    { type: 'event', nowMs: T0 + HOUR + 1, event: event('o1', 'order.completed', T0 + HOUR, { total: 50 }) },
  ]));
  expect(state.cursor).toMatchObject({ stage: 'hold' });
  expect(state.eventCheck).not.toBeNull();
  return { state, checkId: state.eventCheck?.command.correlationId ?? '' };
}

describe('control inputs', () => {
  it('pause -> resume -> pause while a filter is out ends paused, with nothing sent', () => {
    const { state, checkId } = heldWithCheckOut();
    const out = feed(state, [
      { type: 'resume', nowMs: T0 + HOUR + 2 },
      { type: 'pause', nowMs: T0 + HOUR + 3 },
      { type: 'conditions_evaluated', nowMs: T0 + HOUR + 4, correlationId: checkId, decisions: [false] },
    ]);
    expect(out.state.paused).toBe(true);
    expect(out.commands.filter((c) => c.type === 'send')).toEqual([]);
    expect(out.state.cursor).toMatchObject({ stage: 'hold' });
  });

  it('a resume while a filter is out releases the held send once the filter is decided', () => {
    const { state, checkId } = heldWithCheckOut();
    const resumed = feed(state, [{ type: 'resume', nowMs: T0 + HOUR + 2 }]);
    expect(resumed.commands.filter((c) => c.type === 'send')).toEqual([]);
    const out = feed(resumed.state, [
      { type: 'conditions_evaluated', nowMs: T0 + HOUR + 4, correlationId: checkId, decisions: [false] },
    ]);
    expect(out.state.paused).toBe(false);
    expect(out.commands.filter((c) => c.type === 'send')).toHaveLength(1);
  });

  it('a pause is never overtaken by an earlier resume, under any interleaving of controls, events and answers', () => {
    // The run waits, then sends; each order.completed event has its goal filter evaluated (an answer
    // the driver gives late), so controls often arrive while a filter is out. After a pause, nothing
    // may be sent until a later resume, and once no filter is out the run is paused exactly when the
    // last control was a pause.
    const twoSends = makePlan(
      [wait('w', HOUR, 's'), send('s', 't1', 'w2'), wait('w2', HOUR, 's2'), send('s2', 't2', null)],
      {
        goals: [{ event: 'order.completed', where: { 'event.total': { $gte: 100 } }, windowMs: null }],
      },
    );
    const actionArb = fc.constantFrom('answer', 'answer', 'event', 'timer', 'pause', 'resume');
    fc.assert(
      fc.property(
        fc.array(actionArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(50, 150), { minLength: 1 }),
        (actions, totals) => {
          const world = new SimulatedWorld({ email: 'a@example.com' }, null, createSendLedger());
          let state = createJourneyState(twoSends.journeyId, twoSends.contentHash);
          const pending: RequestCommand[] = [];
          let timer: { correlationId: string; untilMs: number | null } | null = null;
          let now = T0;
          let events = 0;
          let lastControl: 'pause' | 'resume' | null = null;
          const feedOne = (input: JourneyInput): void => {
            const out = stepJourney(twoSends, state, input);
            state = out.state;
            for (const command of out.commands) {
              if (command.type === 'send' && lastControl === 'pause')
                expect.fail(`a send after a pause: ${input.type}`);
              if (command.type === 'sleep_until' || command.type === 'wait_for_events') timer = command;
              else if ('correlationId' in command) pending.push(command);
            }
          };
          feedOne(startInput(now));
          for (const action of actions) {
            if (state.status === 'done') break;
            if (action === 'answer' && pending.length > 0) feedOne(world.answer(pending.shift()!, now));
            if (action === 'event') {
              now += 1;
              events += 1;
              const total = totals[events % totals.length]!;
              feedOne({ type: 'event', nowMs: now, event: event(`o${events}`, 'order.completed', now, { total }) });
            }
            const armed = timer as { correlationId: string; untilMs: number | null } | null;
            if (action === 'timer' && armed !== null && armed.untilMs !== null && pending.length === 0) {
              timer = null;
              now = Math.max(now, armed.untilMs);
              feedOne({ type: 'timer', nowMs: now, correlationId: armed.correlationId });
            }
            if (action === 'pause' || action === 'resume') {
              lastControl = action;
              feedOne({ type: action, nowMs: now });
            }
          }
          if (state.status !== 'done' && state.eventCheck === null && lastControl !== null) {
            expect(state.paused).toBe(lastControl === 'pause');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
