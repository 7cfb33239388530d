// The schedule moment: `wait`, `wait_for` and `repeat` count from when the journey meant to be at a
// step (the entry, a timer's instant, an awaited event, a resume), not from when a busy worker got
// there. Each test drives the engine with the delays a loaded runtime adds: a first task that comes
// late, slow answers, timers that fire late.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JournalRecord, JourneyCommand, RequestCommand, WaitCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
import { SCHEDULE_SLACK_MS } from '../../../engine/schedule.js';
import { DAY, HOUR, MINUTE, T0, event, makePlan, send, utcPolicy, wait, waitFor } from './plans.js';

const SECOND = 1000;
type Out = RequestCommand | WaitCommand;
type Fed = JourneyInput extends infer T ? (T extends unknown ? Omit<T, 'nowMs'> : never) : never;

/** One run, driven by hand: every input carries the time the test gives it. */
class Run {
  state: JourneyState;
  readonly commands: JourneyCommand[] = [];

  constructor(readonly plan: Plan) {
    this.state = createJourneyState(plan.journeyId, plan.contentHash);
  }

  feed(nowMs: number, input: Fed): void {
    const result = stepJourney(this.plan, this.state, { ...input, nowMs });
    this.state = result.state;
    this.commands.push(...result.commands);
  }

  /** The run's first task at `nowMs`, for an entry at `enteredMs`; the claim answered `claimLagMs` later. */
  enter(nowMs: number, enteredMs: number, keepSchedule: boolean | null = true, claimLagMs = SECOND): void {
    // `null`: a start input from before the flag existed.
    const flags = keepSchedule === null ? {} : { keepSchedule };
    this.feed(nowMs, { type: 'start', customerId: 'c1', entryEvent: null, enteredMs, ...flags });
    this.feed(nowMs + claimLagMs, { type: 'entry_claimed', correlationId: this.out().correlationId, granted: true });
  }

  out(): Out {
    const out = this.state.awaiting;
    if (out === null) throw new Error(`nothing awaited after ${JSON.stringify(this.commands.slice(-3))}`);
    return out;
  }

  /** The instant the current wait's timer is armed for. */
  untilMs(): number | null {
    const out = this.out();
    if (out.type !== 'sleep_until' && out.type !== 'wait_for_events') throw new Error(`not a wait: ${out.type}`);
    return out.untilMs;
  }

  /** Fires the current wait's timer at `nowMs` (its instant, or later). */
  fire(nowMs: number): void {
    this.feed(nowMs, { type: 'timer', correlationId: this.out().correlationId });
  }

  /** Answers the delivery out as sent, at `nowMs`. */
  sent(nowMs: number): void {
    const out = this.out();
    expect(out.type).toBe('send');
    this.feed(nowMs, {
      type: 'send_result',
      correlationId: out.correlationId,
      status: 'sent',
      channel: 'email',
      reason: null,
      retryAtMs: null,
    });
  }

  /** When each delivery was asked for, in order. */
  sendsAt(): number[] {
    return this.commands.flatMap((c) => (c.type === 'send' ? [c.nowMs] : []));
  }

  journal(): string[] {
    return this.commands
      .filter((c): c is { type: 'journal'; record: JournalRecord } => c.type === 'journal')
      .map(
        ({ record }) => `${record.stepId ?? '-'} ${record.action}${record.reason === null ? '' : `:${record.reason}`}`,
      );
  }
}

const reminder = makePlan([wait('later', 30 * SECOND, 'push'), send('push', 'reminder', null)]);

describe('the schedule moment', () => {
  it('sends at entry + 30 s when the run’s first task comes 5 s after the entry event', () => {
    const run = new Run(reminder);
    run.enter(T0 + 5 * SECOND, T0);
    expect(run.untilMs()).toBe(T0 + 30 * SECOND);
    run.fire(T0 + 30 * SECOND);
    expect(run.sendsAt()).toEqual([T0 + 30 * SECOND]);
  });

  it('keeps the old count in runs from before (no schedule moment): from the turn that reaches the wait', () => {
    const run = new Run(reminder);
    run.enter(T0 + 5 * SECOND, T0, null);
    expect(run.state.scheduleMs ?? null).toBeNull();
    expect(run.untilMs()).toBe(T0 + 36 * SECOND);
  });

  it('goes on at once, journaled, when the wait’s instant passed before the run got there', () => {
    const run = new Run(reminder);
    run.enter(T0 + 40 * SECOND, T0);
    expect(run.sendsAt()).toEqual([T0 + 41 * SECOND]);
    expect(run.journal()).toEqual(['- entered', 'later proceeded:moment-passed']);
  });

  it('catches up at most five minutes: an entry event a day old does not bunch the messages up', () => {
    const plan = makePlan([
      send('s1', 'one', 'w1'),
      wait('w1', HOUR, 's2'),
      send('s2', 'two', 'w2'),
      wait('w2', HOUR, 's3'),
      send('s3', 'three', null),
    ]);
    const run = new Run(plan);
    run.enter(T0 + DAY, T0);
    run.sent(T0 + DAY + SECOND);
    expect(run.untilMs()).toBe(T0 + DAY + SECOND - SCHEDULE_SLACK_MS + HOUR);
    // A worker down for three hours: the timer fires late, the next wait counts from five minutes before.
    const late = T0 + DAY + 4 * HOUR;
    run.fire(late);
    run.sent(late + SECOND);
    expect(run.untilMs()).toBe(late + SECOND - SCHEDULE_SLACK_MS + HOUR);
  });

  it('keeps a cadence of waits however slow the answers and however late the timers', () => {
    const plan = makePlan([
      wait('w1', 30 * SECOND, 's1'),
      send('s1', 'one', 'w2'),
      wait('w2', HOUR, 's2'),
      send('s2', 'two', 'w3'),
      wait('w3', DAY, 's3'),
      send('s3', 'three', null),
    ]);
    const run = new Run(plan);
    run.enter(T0 + 3 * SECOND, T0);
    run.fire(T0 + 32 * SECOND); // two seconds late
    run.sent(T0 + 36 * SECOND); // a slow delivery
    expect(run.untilMs()).toBe(T0 + 30 * SECOND + HOUR);
    run.fire(T0 + 30 * SECOND + HOUR + 7 * SECOND);
    run.sent(T0 + 30 * SECOND + HOUR + 9 * SECOND);
    expect(run.untilMs()).toBe(T0 + 30 * SECOND + HOUR + DAY);
    // The state carries the moment through continue-as-new (plain JSON).
    run.state = JSON.parse(JSON.stringify(run.state)) as JourneyState;
    run.fire(T0 + 30 * SECOND + HOUR + DAY);
    expect(run.sendsAt()).toEqual([
      T0 + 32 * SECOND,
      T0 + 30 * SECOND + HOUR + 7 * SECOND,
      T0 + 30 * SECOND + HOUR + DAY,
    ]);
  });

  it('counts a wait after a held send from the resume', () => {
    const plan = makePlan([
      wait('w1', MINUTE, 's1'),
      send('s1', 'one', 'w2'),
      wait('w2', 10 * MINUTE, 's2'),
      send('s2', 'two', null),
    ]);
    const run = new Run(plan);
    run.enter(T0, T0);
    run.feed(T0 + 30 * SECOND, { type: 'pause' });
    run.fire(T0 + MINUTE);
    expect(run.journal().at(-1)).toBe('s1 held:paused');
    run.feed(T0 + 2 * HOUR, { type: 'resume' });
    run.sent(T0 + 2 * HOUR + 4 * SECOND);
    expect(run.untilMs()).toBe(T0 + 2 * HOUR + 10 * MINUTE);
  });

  it('counts a wait after a send deferred by quiet hours from the window’s opening', () => {
    // Quiet 21:00–09:00 UTC; T0 is 01:00 UTC.
    const policy = { ...utcPolicy, quietHours: { startMinute: 21 * 60, endMinute: 9 * 60 } };
    const plan = makePlan([send('s1', 'one', 'w'), wait('w', DAY, 's2'), send('s2', 'two', null)], { policy });
    const run = new Run(plan);
    run.enter(T0, T0);
    const opening = Date.parse('2026-11-02T09:00:00Z');
    expect(run.untilMs()).toBe(opening);
    run.fire(opening + 20 * SECOND);
    run.sent(opening + 25 * SECOND);
    expect(run.untilMs()).toBe(opening + DAY);
  });

  it('counts a wait after a send deferred by the frequency cap from the slot it waited for', () => {
    const policy = { ...utcPolicy, frequencyCap: { max: 1, perMs: DAY, over: 'defer' as const } };
    const plan = makePlan([send('s1', 'one', 'w'), wait('w', HOUR, 's2'), send('s2', 'two', null)], { policy });
    const run = new Run(plan);
    run.enter(T0, T0);
    const slot = T0 + 5 * HOUR;
    const out = run.out();
    run.feed(T0 + 2 * SECOND, {
      type: 'send_result',
      correlationId: out.correlationId,
      status: 'capped',
      channel: 'email',
      reason: null,
      retryAtMs: slot,
    });
    expect(run.untilMs()).toBe(slot);
    run.fire(slot + 9 * SECOND);
    run.sent(slot + 12 * SECOND);
    expect(run.untilMs()).toBe(slot + HOUR);
  });

  it('keeps a repeat’s runs on their cadence', () => {
    const plan = makePlan([
      { kind: 'repeat', id: 'loop', times: 3, everyMs: DAY, until: null, body: 'nudge', next: null },
      send('nudge', 'nudge', 'loop'),
    ]);
    const run = new Run(plan);
    run.enter(T0 + 2 * SECOND, T0);
    run.sent(T0 + 5 * SECOND);
    expect(run.untilMs()).toBe(T0 + DAY);
    run.fire(T0 + DAY + 3 * SECOND);
    run.sent(T0 + DAY + 8 * SECOND);
    expect(run.untilMs()).toBe(T0 + 2 * DAY);
  });

  it('counts from an awaited event’s time, and a wait_for timeout from the moment before it', () => {
    const plan = makePlan([
      waitFor('reply', 'line.replied', HOUR, 'thanks', 'nudge'),
      wait('thanks', 10 * MINUTE, 'thank'),
      send('thank', 'thank-you', null),
      send('nudge', 'nudge', null),
    ]);
    const answered = new Run(plan);
    answered.enter(T0 + 4 * SECOND, T0);
    expect(answered.untilMs()).toBe(T0 + HOUR);
    // The reply happened at +20 min and reached the run 6 s later.
    answered.feed(T0 + 20 * MINUTE + 6 * SECOND, {
      type: 'event',
      event: event('r1', 'line.replied', T0 + 20 * MINUTE),
    });
    expect(answered.untilMs()).toBe(T0 + 30 * MINUTE);
    // An event stamped ahead of the run's clock does not pull the schedule into the future.
    const ahead = new Run(plan);
    ahead.enter(T0, T0);
    ahead.feed(T0 + MINUTE, { type: 'event', event: event('r2', 'line.replied', T0 + 5 * MINUTE) });
    expect(ahead.untilMs()).toBe(T0 + MINUTE + 10 * MINUTE);
  });

  it('times a wait_for out at once when its timeout passed before the run got there', () => {
    const plan = makePlan([waitFor('reply', 'line.replied', 30 * SECOND, null, 'nudge'), send('nudge', 'nudge', null)]);
    const run = new Run(plan);
    run.enter(T0 + 45 * SECOND, T0);
    expect(run.journal()).toEqual(['- entered', 'reply timed-out:moment-passed']);
    expect(run.sendsAt()).toEqual([T0 + 46 * SECOND]);
  });

  it('moves the moment to a wait_until instant that passed, so the next wait counts from it', () => {
    const at = new Date(T0 + 2 * SECOND).toISOString();
    const plan = makePlan([
      { kind: 'wait_until', id: 'until', target: { type: 'absolute', at }, timeOfDay: null, weekdays: null, next: 'w' },
      wait('w', MINUTE, 'push'),
      send('push', 'reminder', null),
    ]);
    const run = new Run(plan);
    run.enter(T0 + 5 * SECOND, T0);
    expect(run.untilMs()).toBe(T0 + 2 * SECOND + MINUTE);
  });
});
