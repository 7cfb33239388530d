// The simulator hears the operator's pauses, resumes and archives as the runtime's runs do: a send
// while paused holds (and re-checks after HOLD_RECHECK_MS), a resume releases it, an archive ends the
// run, and a run that enters a paused journey starts held.
import { describe, expect, it } from 'vitest';
import { HOLD_RECHECK_MS } from '../../../engine/control.js';
import { simulateCustomer, type OperatorControl } from '../../../engine/simulator/simulate-customer.js';
import { HOUR, T0, makePlan, send, wait } from './plans.js';

const plan = makePlan([wait('wait-1', HOUR, 'first'), send('first', 'winback-1', null)]);

function simulate(controls: OperatorControl[]) {
  const result = simulateCustomer({
    plan,
    customerId: 'c-1',
    profile: { email: 'c-1@example.jp', consent: { email: 'subscribed' } },
    entryEvent: null,
    events: [],
    startMs: T0,
    untilMs: T0 + 48 * HOUR,
    controls,
  });
  return {
    rows: result.journal.filter((r) => r.stepId === 'first').map((r) => [r.action, r.reason, r.atMs - T0]),
    outcome: result.outcome,
  };
}

describe('the simulator with operator controls', () => {
  it('sends on time without controls', () => {
    expect(simulate([]).rows).toContainEqual(['sent', null, HOUR]);
  });

  it('holds a send while paused and sends at the resume', () => {
    const { rows } = simulate([
      { type: 'pause', atMs: T0 + HOUR / 2 },
      { type: 'resume', atMs: T0 + 3 * HOUR },
    ]);
    expect(rows).toEqual([
      ['held', 'paused', HOUR],
      ['resumed', null, 3 * HOUR],
      ['sent', null, 3 * HOUR],
    ]);
  });

  it('re-checks a long hold and holds again while the journey stays paused', () => {
    const resumeAt = HOUR + HOLD_RECHECK_MS + HOUR;
    const { rows } = simulate([
      { type: 'pause', atMs: T0 + HOUR / 2 },
      { type: 'resume', atMs: T0 + resumeAt },
    ]);
    expect(rows.filter((r) => r[0] === 'held').map((r) => r[2])).toEqual([HOUR, HOUR + HOLD_RECHECK_MS]);
    expect(rows.at(-1)).toEqual(['sent', null, resumeAt]);
  });

  it('starts held when the journey was paused before the entry', () => {
    const { rows } = simulate([{ type: 'pause', atMs: T0 - HOUR }]);
    expect(rows[0]).toEqual(['held', 'paused', HOUR]);
    expect(rows.some((r) => r[0] === 'sent')).toBe(false);
  });

  it('ends the run when the journey is archived', () => {
    const { rows, outcome } = simulate([{ type: 'archive', atMs: T0 + HOUR / 2 }]);
    expect(outcome).toBe('archived');
    expect(rows).toEqual([]);
  });
});
