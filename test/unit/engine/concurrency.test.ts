// Inputs that race each other in a live runtime: controls overtaken by older ones, a control whose
// fan-out missed a run entering meanwhile, events before the entry claim is answered, and an entry
// event that happened before the run's first turn.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JourneyCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput, StartInput } from '../../../engine/inputs.js';
import { HOUR, T0, event, exitOn, makePlan, send, wait } from './plans.js';

const plan: Plan = makePlan([wait('w', HOUR, 's'), send('s', 't1', null)], {
  exits: [exitOn('subscription.cancelled')],
  goals: [{ event: 'order.completed', where: null, windowMs: null }],
});

const RECHECK = 6 * HOUR;

function start(extra: Partial<StartInput> = {}): StartInput {
  return {
    type: 'start',
    nowMs: T0,
    customerId: 'cust-1',
    entryEvent: null,
    controlGeneration: 1,
    holdRecheckMs: RECHECK,
    queueUntilClaimed: true,
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
const granted = (
  nowMs = T0,
  head?: { status: 'active' | 'paused' | 'archived'; generation: number },
): JourneyInput => ({
  type: 'entry_claimed',
  nowMs,
  correlationId: 'c1',
  granted: true,
  ...(head ? { head } : {}),
});
const sends = (commands: JourneyCommand[]) => commands.filter((c) => c.type === 'send');
const journalActions = (commands: JourneyCommand[]) =>
  commands.flatMap((c) => (c.type === 'journal' ? [`${c.record.action}:${c.record.reason ?? ''}`] : []));

describe('controls ordered by generation', () => {
  it('resume -> pause -> timer (the pause is the older action) does not leave the run paused with nothing pending', () => {
    const out = feed(begin().state, [
      granted(),
      { type: 'resume', nowMs: T0 + 1, generation: 3 },
      { type: 'pause', nowMs: T0 + 2, generation: 2 },
      { type: 'timer', nowMs: T0 + HOUR, correlationId: 'c2' },
    ]);
    expect(out.state.paused).toBe(false);
    expect(sends(out.commands)).toHaveLength(1);
  });

  it('a repeated control (same generation) is ignored, a newer one applies', () => {
    const out = feed(begin().state, [
      granted(),
      { type: 'pause', nowMs: T0 + 1, generation: 2 },
      { type: 'resume', nowMs: T0 + 2, generation: 3 },
      { type: 'pause', nowMs: T0 + 3, generation: 2 },
    ]);
    expect(out.state.paused).toBe(false);
    expect(feed(out.state, [{ type: 'pause', nowMs: T0 + 4, generation: 4 }]).state.paused).toBe(true);
  });

  it('a run that started paused is released by the head its claim read (a resume that raced the claim)', () => {
    let { state } = begin();
    ({ state } = feed(state, [{ type: 'pause', nowMs: T0 }]));
    const out = feed(state, [
      granted(T0, { status: 'active', generation: 2 }),
      { type: 'timer', nowMs: T0 + HOUR, correlationId: 'c2' },
    ]);
    expect(out.state.paused).toBe(false);
    expect(sends(out.commands)).toHaveLength(1);
  });

  it('a run whose claim reads an archived head ends archived, not completed', () => {
    const out = feed(begin().state, [granted(T0, { status: 'archived', generation: 2 })]);
    expect(out.state.outcome).toBe('archived');
    expect(out.commands.at(-1)).toMatchObject({ type: 'complete', outcome: 'archived' });
  });

  it('a head no newer than the run knows changes nothing', () => {
    const out = feed(begin({ controlGeneration: 5 }).state, [granted(T0, { status: 'paused', generation: 5 })]);
    expect(out.state.paused).toBe(false);
  });

  it('a hold re-checks the journey on a long timer: a delivery that finds it active sends, a paused one holds again', () => {
    let { state } = begin();
    ({ state } = feed(state, [granted(), { type: 'pause', nowMs: T0 + 1, generation: 2 }]));
    const held = feed(state, [{ type: 'timer', nowMs: T0 + HOUR, correlationId: 'c2' }]);
    const wait = held.state.awaiting;
    expect(wait).toMatchObject({ type: 'wait_for_events', reason: 'paused', untilMs: T0 + HOUR + RECHECK });
    const recheck = feed(held.state, [
      { type: 'timer', nowMs: T0 + HOUR + RECHECK, correlationId: wait?.correlationId ?? '' },
    ]);
    const delivery = sends(recheck.commands);
    expect(delivery).toHaveLength(1);
    const again = feed(recheck.state, [
      {
        type: 'send_result',
        nowMs: T0 + HOUR + RECHECK + 1,
        correlationId: delivery[0]?.correlationId ?? '',
        status: 'held',
        channel: null,
        reason: 'paused',
        retryAtMs: null,
      },
    ]);
    expect(again.state.paused).toBe(true);
    expect(again.state.awaiting).toMatchObject({ untilMs: T0 + HOUR + RECHECK + 1 + RECHECK });
  });
});

describe('inputs while the entry claim is out', () => {
  it('an exit event waits for the claim: the run does not end before its entry is answered', () => {
    const early = feed(begin().state, [
      { type: 'event', nowMs: T0 + 1, event: event('x1', 'subscription.cancelled', T0 + 1) },
    ]);
    expect(early.state.status).toBe('active');
    expect(early.commands.filter((c) => c.type === 'complete')).toEqual([]);
    const out = feed(early.state, [granted(T0 + 2)]);
    expect(out.state.outcome).toBe('exited:subscription.cancelled');
    // Applied in arrival order once the entry stands, as if it had arrived just after.
    expect(journalActions(out.commands)).toEqual(['entered:', 'waiting:', 'exited:exited:subscription.cancelled']);
  });

  it('a goal before a denied claim is dropped and journaled as such, with no conversion', () => {
    const out = feed(begin().state, [
      { type: 'event', nowMs: T0 + 1, event: event('o1', 'order.completed', T0 + 1) },
      { type: 'entry_claimed', nowMs: T0 + 2, correlationId: 'c1', granted: false },
    ]);
    expect(out.state.outcome).toBe('reentry-denied');
    expect(out.state.conversion).toBeNull();
    expect(journalActions(out.commands)).toEqual(['entry-denied:reentry', 'dropped:entry-denied']);
  });

  it('an archive waits for the claim, then ends the granted run archived', () => {
    const early = feed(begin().state, [{ type: 'archive', nowMs: T0 + 1 }]);
    expect(early.state.status).toBe('active');
    expect(feed(early.state, [granted(T0 + 2)]).state.outcome).toBe('archived');
  });
});

describe('the entry moment', () => {
  it("is the entry event's time: an order 0.5 s after the entry event converts though the first turn ran 1.5 s later", () => {
    const entry = event('e1', 'cart.abandoned', T0 - 1_500);
    let { state } = begin({ entryEvent: entry, enteredMs: entry.timeMs });
    ({ state } = feed(state, [granted()]));
    const out = feed(state, [{ type: 'event', nowMs: T0 + 10, event: event('o1', 'order.completed', T0 - 1_000) }]);
    expect(out.state.conversion).toMatchObject({ eventId: 'o1' });
  });

  it('is never later than the first turn (a producer clock ahead of ours)', () => {
    const { state } = begin({ enteredMs: T0 + 60_000 });
    expect(state.enteredMs).toBe(T0);
  });
});
