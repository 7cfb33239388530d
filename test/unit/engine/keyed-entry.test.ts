// Keyed entries (`entry.key`): one run per customer and key value; exits and goals of a run only see
// events about its key (or about no key); the compiler, the claim and the simulator agree.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
import { backtest } from '../../../engine/simulator/backtest.js';
import { compileTestJourney } from '../../support/test-journeys.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, wait } from './plans.js';

const plan: Plan = makePlan([wait('w', DAY, 's'), send('s', 't1', null)], {
  entry: { type: 'event', event: 'seminar.registered', where: null, key: 'seminarId' },
  exits: [exitOn('seminar.cancelled'), exitOn('customer.unsubscribed')],
});

function runFor(seminarId: string): JourneyState {
  const entry = event(`r-${seminarId}`, 'seminar.registered', T0, { seminarId });
  const start: JourneyInput = { type: 'start', nowMs: T0, customerId: 'c1', entryEvent: entry };
  let { state } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), start);
  ({ state } = stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }));
  return state;
}

const feedEvent = (state: JourneyState, id: string, type: string, properties: Record<string, string> = {}) =>
  stepJourney(plan, state, { type: 'event', nowMs: T0 + HOUR, event: event(id, type, T0 + HOUR, properties) }).state;

describe('keyed entries', () => {
  it('compiles entry.key into the plan and keeps the property on the entry, exit and goal events', () => {
    const compiled = compileTestJourney(`
journey: t-keyed
name: keyed
entry: { event: seminar.registered, key: seminarId, reentry: always }
exit:
  - on: seminar.cancelled
goals:
  - { on: seminar.attended }
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
`);
    expect(compiled.entry).toMatchObject({ type: 'event', event: 'seminar.registered', key: 'seminarId' });
    for (const type of ['seminar.registered', 'seminar.cancelled', 'seminar.attended']) {
      expect(compiled.eventFields[type]).toContain('seminarId');
    }
  });

  it("claims the entry per key, so the re-entry policy counts one seminar's entries", () => {
    const entry = event('r-a', 'seminar.registered', T0, { seminarId: 'A' });
    const start: JourneyInput = { type: 'start', nowMs: T0, customerId: 'c1', entryEvent: entry };
    const { commands } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), start);
    expect(commands.find((c) => c.type === 'claim_entry')).toMatchObject({ scope: 'A' });
  });

  it('an exit about another key leaves the run alone; one about its key, or about no key, ends it', () => {
    const run = runFor('A');
    expect(feedEvent(run, 'x-b', 'seminar.cancelled', { seminarId: 'B' }).status).toBe('active');
    expect(feedEvent(run, 'x-a', 'seminar.cancelled', { seminarId: 'A' }).outcome).toBe('exited:seminar.cancelled');
    expect(feedEvent(run, 'x-u', 'customer.unsubscribed').outcome).toBe('exited:customer.unsubscribed');
  });

  it("the simulator runs one run per key: two seminars, two runs; cancelling B leaves A's message", () => {
    const events = new Map([
      [
        'c1',
        [
          event('r-a', 'seminar.registered', T0, { seminarId: 'A' }),
          event('r-b', 'seminar.registered', T0 + HOUR, { seminarId: 'B' }),
          event('x-b', 'seminar.cancelled', T0 + 2 * HOUR, { seminarId: 'B' }),
        ],
      ],
    ]);
    const report = backtest({
      plan: { ...plan, reentry: { policy: 'never' } },
      customers: [{ id: 'c1', profile: { email: 'c1@example.jp', consent: { email: 'subscribed' } } }],
      eventsByCustomer: events,
      startMs: T0,
      untilMs: T0 + 3 * DAY,
    });
    expect(report.runs).toBe(2);
    expect(report.outcomes).toEqual({ completed: 1, 'exited:seminar.cancelled': 1 });
    expect(report.steps.find((s) => s.stepId === 's')?.sent).toEqual({ 't1 by email': 1 });
  });
});
