import { describe, expect, it } from 'vitest';
import type { JourneyCommand, RequestCommand } from '../../../engine/commands.js';
import {
  INBOX_LIMIT,
  SEEN_EVENT_LIMIT,
  createJourneyState,
  describeState,
  outstandingCommands,
  stepJourney,
  type JourneyState,
} from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
import { DAY, T0, event, exitOn, makePlan, send, startInput, wait, waitFor } from './plans.js';

const plan = makePlan([send('hello', 'hello-1', 'pause'), wait('pause', DAY, 'bye'), send('bye', 'bye-1', null)], {
  exits: [exitOn('order.completed')],
});

function request(commands: JourneyCommand[]): RequestCommand {
  const found = commands.find(
    (c): c is RequestCommand => 'correlationId' in c && c.type !== 'sleep_until' && c.type !== 'wait_for_events',
  );
  if (found === undefined) throw new Error(`no request in ${JSON.stringify(commands)}`);
  return found;
}

function started(): { state: JourneyState; commands: JourneyCommand[] } {
  return stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), startInput());
}

describe('stepJourney', () => {
  it('claims the entry first, then sends once the claim is granted', () => {
    const first = started();
    expect(first.commands).toEqual([
      {
        type: 'claim_entry',
        correlationId: 'c1',
        journeyId: 'test-journey',
        customerId: 'cust-1',
        entryKey: `start:${T0}`,
        reentry: { policy: 'always' },
        nowMs: T0,
      },
    ]);
    const second = stepJourney(plan, first.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c1',
      granted: true,
    });
    expect(second.commands.map((c) => c.type)).toEqual(['journal', 'send']);
    expect(request(second.commands)).toMatchObject({
      type: 'send',
      template: 'hello-1',
      channel: 'email',
      stepId: 'hello',
    });
  });

  it('completes with reentry-denied when the ledger refuses the entry', () => {
    const first = started();
    const denied = stepJourney(plan, first.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c1',
      granted: false,
    });
    expect(denied.commands.at(-1)).toEqual({ type: 'complete', outcome: 'reentry-denied', conversion: null });
    expect(denied.state.status).toBe('done');
  });

  it('does not modify the state it is given', () => {
    const first = started();
    const snapshot = JSON.stringify(first.state);
    stepJourney(plan, first.state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true });
    expect(JSON.stringify(first.state)).toBe(snapshot);
  });

  it('ignores an answer whose correlation id is not awaited', () => {
    const first = started();
    const stale = stepJourney(plan, first.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c9',
      granted: true,
    });
    expect(stale.commands).toEqual([]);
    expect(stale.state).toEqual(first.state);
  });

  it('fails with INVALID_INPUT when an awaited answer has the wrong kind', () => {
    const first = started();
    const wrong = stepJourney(plan, first.state, { type: 'profile_updated', nowMs: T0, correlationId: 'c1' });
    expect(wrong.commands).toEqual([expect.objectContaining({ type: 'fail', code: 'INVALID_INPUT' })]);
  });

  it('fails with INVALID_PLAN on a plan whose successor is missing', () => {
    const broken = makePlan([send('a', 't', 'nowhere')]);
    const out = stepJourney(broken, createJourneyState('x', 'y'), startInput());
    expect(out.commands).toEqual([expect.objectContaining({ type: 'fail', code: 'INVALID_PLAN' })]);
    expect(out.commands[0]).toMatchObject({ message: expect.stringContaining('"nowhere"') as string });
  });

  it('fails with INVALID_PLAN on a loop that does not go through a repeat', () => {
    const looping = makePlan([
      { kind: 'if', id: 'a', condition: {}, then: 'b', else: 'b' },
      { kind: 'if', id: 'b', condition: {}, then: 'a', else: null },
    ]);
    const out = stepJourney(looping, createJourneyState('x', 'y'), startInput());
    expect(out.commands[0]).toMatchObject({ type: 'fail', code: 'INVALID_PLAN' });
  });

  it('fails with INVALID_STATE on a state that is not a journey state', () => {
    const out = stepJourney(plan, { stateVersion: 99 } as unknown as JourneyState, startInput());
    expect(out.commands).toEqual([expect.objectContaining({ type: 'fail', code: 'INVALID_STATE' })]);
  });

  it('fails with INVALID_STATE when the cursor points at a step the plan lacks', () => {
    const first = started();
    const granted = stepJourney(plan, first.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c1',
      granted: true,
    });
    const corrupt: JourneyState = {
      ...granted.state,
      cursor: { ...granted.state.cursor!, stepId: 'gone' } as JourneyState['cursor'],
    };
    const sendCommand = request(granted.commands);
    const out = stepJourney(plan, corrupt, {
      type: 'send_result',
      nowMs: T0,
      correlationId: sendCommand.correlationId,
      status: 'sent',
      channel: 'email',
      reason: null,
      retryAtMs: null,
    });
    expect(out.commands.at(-1)).toMatchObject({ type: 'fail' });
  });

  it('fails an input that arrives before start, and ignores every input after the end', () => {
    const early = stepJourney(plan, createJourneyState('x', 'y'), { type: 'timer', nowMs: T0, correlationId: 'c1' });
    expect(early.commands[0]).toMatchObject({ type: 'fail', code: 'INVALID_INPUT' });
    const first = started();
    const archived = stepJourney(plan, first.state, { type: 'archive', nowMs: T0 });
    expect(archived.commands.at(-1)).toEqual({ type: 'complete', outcome: 'archived', conversion: null });
    const after = stepJourney(plan, archived.state, {
      type: 'event',
      nowMs: T0,
      event: event('e1', 'order.completed', T0),
    });
    expect(after.commands).toEqual([]);
  });

  it('lists the outstanding command to re-issue after continue-as-new', () => {
    const first = started();
    expect(outstandingCommands(first.state)).toEqual([first.commands[0]]);
  });

  it('keeps the state plain JSON', () => {
    let { state, commands } = started();
    const inputs: JourneyInput[] = [{ type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }];
    for (const input of inputs) ({ state, commands } = stepJourney(plan, state, input));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(commands.length).toBeGreaterThan(0);
  });
});

describe('describeState', () => {
  it('says where a run stands, in the customer zone', () => {
    const waiting = makePlan([waitFor('wf', 'order.completed', DAY, null, null)], {
      policy: { timezone: { source: 'fixed', zone: 'Asia/Tokyo' }, quietHours: null, frequencyCap: null },
    });
    const first = stepJourney(waiting, createJourneyState('test-journey', 'hash'), startInput());
    expect(describeState(waiting, first.state)).toBe('claiming the entry');
    const granted = stepJourney(waiting, first.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c1',
      granted: true,
    });
    expect(describeState(waiting, granted.state)).toBe('wf: waiting for order.completed until 2026-11-03 10:00 +09:00');
    const archived = stepJourney(waiting, granted.state, { type: 'archive', nowMs: T0 });
    expect(describeState(waiting, archived.state)).toBe('done: archived');
  });
});

describe('bounds', () => {
  it('fails with NO_PROGRESS instead of looping when a call would make too many transitions', () => {
    const spinning = makePlan([
      { kind: 'repeat', id: 'r', times: 100_000, everyMs: 0, until: null, body: 'coin', next: null },
      { kind: 'split', id: 'coin', variants: [{ name: 'only', weight: 1, next: 'r' }] },
    ]);
    const first = stepJourney(spinning, createJourneyState('x', 'y'), startInput());
    const out = stepJourney(spinning, first.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c1',
      granted: true,
    });
    expect(out.commands.at(-1)).toMatchObject({ type: 'fail', code: 'NO_PROGRESS' });
    expect(out.state.status).toBe('failed');
  });

  it('drops events beyond the inbox limit while an event filter is being evaluated, and says so', () => {
    const filtered = makePlan([wait('w', DAY, null)], {
      exits: [{ event: 'order.completed', where: { 'event.total': { $gte: 1 } }, goal: false, goalWindowMs: null }],
    });
    let { state } = stepJourney(filtered, createJourneyState('x', 'y'), startInput());
    ({ state } = stepJourney(filtered, state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: 'c1',
      granted: true,
    }));
    const feed = (i: number) =>
      stepJourney(filtered, state, { type: 'event', nowMs: T0 + i, event: event(`e${i}`, 'order.completed', T0 + i) });
    ({ state } = feed(0));
    expect(state.eventCheck).not.toBeNull();
    for (let i = 1; i <= INBOX_LIMIT; i += 1) ({ state } = feed(i));
    expect(state.inbox).toHaveLength(INBOX_LIMIT);
    const dropped = feed(INBOX_LIMIT + 1);
    expect(dropped.commands).toEqual([
      expect.objectContaining({ type: 'journal', record: expect.objectContaining({ action: 'dropped' }) as unknown }),
    ]);
    expect(dropped.state.inbox).toHaveLength(INBOX_LIMIT);
  });

  it('remembers at most the last SEEN_EVENT_LIMIT event ids', () => {
    const plain = makePlan([wait('w', DAY, null)]);
    let { state } = stepJourney(plain, createJourneyState('x', 'y'), startInput());
    for (let i = 0; i < SEEN_EVENT_LIMIT + 20; i += 1) {
      ({ state } = stepJourney(plain, state, { type: 'event', nowMs: T0, event: event(`e${i}`, 'page.viewed', T0) }));
    }
    expect(state.seenEventIds).toHaveLength(SEEN_EVENT_LIMIT);
    expect(state.seenEventIds.at(-1)).toBe(`e${SEEN_EVENT_LIMIT + 19}`);
  });
});
