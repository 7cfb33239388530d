// Operator controls (pause, resume, archive) take effect in the order they arrive, even while an
// event's filters are being evaluated and other inputs wait behind them.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JourneyCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
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
});
