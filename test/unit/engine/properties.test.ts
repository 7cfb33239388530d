import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../../definitions/conditions.js';
import type { Plan } from '../../../definitions/plan.js';
import { isQuietTime } from '../../../definitions/time-windows.js';
import { createJourneyState, stepJourney } from '../../../engine/index.js';
import type { CustomerEvent } from '../../../engine/inputs.js';
import { MAX_SIMULATED_INPUTS, simulateCustomer } from '../../../engine/simulator/simulate-customer.js';
import type { Profile } from '../../../engine/simulator/world.js';
import { planArb, profileArb, timelineArb } from './generators.js';
import { DAY, T0, startInput } from './plans.js';

const RUNS = 300;

function simulate(plan: Plan, profile: Profile, events: CustomerEvent[], holdout?: boolean) {
  return simulateCustomer({
    plan,
    customerId: 'cust-1',
    profile,
    entryEvent: null,
    events,
    startMs: T0,
    untilMs: T0 + 60 * DAY,
    ...(holdout === undefined ? {} : { holdout }),
  });
}

/** When the first exit event (first occurrence of its id, filter passed) happened, if any. */
function firstExitAt(plan: Plan, events: CustomerEvent[]): number | null {
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const exits = plan.exits.filter((x) => x.event === e.type);
    if (exits.some((x) => x.where === null || evaluateCondition(x.where, { event: e.properties }, e.timeMs))) {
      return e.timeMs;
    }
  }
  return null;
}

describe('engine properties', () => {
  it('never fails a valid plan, terminates within a bound, and is deterministic', () => {
    fc.assert(
      fc.property(planArb, profileArb, timelineArb, (plan, profile, events) => {
        const a = simulate(plan, profile, events);
        const b = simulate(plan, profile, events);
        expect(a.failure).toBeNull();
        expect(a.engineSteps).toBeLessThan(MAX_SIMULATED_INPUTS);
        expect(b).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });

  it('sends nothing after an exit event', () => {
    fc.assert(
      fc.property(planArb, profileArb, timelineArb, (plan, profile, events) => {
        const exitAt = firstExitAt(plan, events);
        const result = simulate(plan, profile, events);
        if (exitAt === null) return;
        expect(result.sends.filter((s) => s.atMs > exitAt)).toEqual([]);
        expect(result.endMs).toBeLessThanOrEqual(exitAt);
      }),
      { numRuns: RUNS },
    );
  });

  it('sends nothing inside quiet hours and never beyond the frequency cap', () => {
    fc.assert(
      fc.property(planArb, profileArb, timelineArb, (plan, profile, events) => {
        const result = simulate(plan, profile, events);
        const { quietHours, frequencyCap } = plan.policy;
        for (const sent of result.sends) {
          if (quietHours !== null) expect(isQuietTime(sent.atMs, result.zone ?? 'UTC', quietHours)).toBe(false);
          if (frequencyCap === null) continue;
          const window = result.sends.filter(
            (s) => s.channel === sent.channel && s.atMs <= sent.atMs && s.atMs > sent.atMs - frequencyCap.perMs,
          );
          expect(window.length).toBeLessThanOrEqual(frequencyCap.max);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never sends to a holdout customer', () => {
    fc.assert(
      fc.property(planArb, profileArb, timelineArb, (plan, profile, events) => {
        expect(simulate(plan, profile, events, true).sends).toEqual([]);
        expect(simulate({ ...plan, holdoutPercent: 100 }, profile, events).sends).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary inputs fed to a running journey, and returns plain JSON', () => {
    fc.assert(
      fc.property(planArb, fc.array(fc.anything(), { maxLength: 6 }), (plan, inputs) => {
        let { state } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), startInput());
        for (const input of inputs) {
          const out = stepJourney(plan, state, input as never);
          expect(JSON.parse(JSON.stringify(out))).toEqual(out);
          state = out.state;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws or hangs on a corrupted plan', () => {
    fc.assert(
      fc.property(planArb, fc.anything(), fc.string(), (plan, junk, key) => {
        const steps = { ...plan.steps, s0: { ...plan.steps.s0, [key]: junk } } as Plan['steps'];
        const out = stepJourney({ ...plan, steps }, createJourneyState('x', 'y'), startInput());
        expect(Array.isArray(out.commands)).toBe(true);
        const broken = stepJourney({ ...plan, policy: junk } as Plan, createJourneyState('x', 'y'), startInput());
        expect(broken.commands.at(-1)?.type).toMatch(/fail|claim_entry/);
      }),
      { numRuns: RUNS },
    );
  });
});
