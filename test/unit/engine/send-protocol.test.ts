// The send protocol: the cap travels with the send; the executor answers sent, skipped, failed,
// capped or held, and the engine goes on from each as its documentation says.
import { describe, expect, it } from 'vitest';
import type { Plan, PolicyPlan } from '../../../definitions/plan.js';
import type { JourneyCommand, SendCommand } from '../../../engine/commands.js';
import { createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput, SendResultInput } from '../../../engine/inputs.js';
import { backtest } from '../../../engine/simulator/backtest.js';
import { capRetryAt } from '../../../definitions/consent.js';
import { SimulatedWorld, createSendLedger } from '../../../engine/simulator/world.js';
import { DAY, HOUR, T0, makePlan, send, startInput, utcPolicy, wait } from './plans.js';

const capped = (over: 'defer' | 'skip'): PolicyPlan => ({
  ...utcPolicy,
  frequencyCap: { max: 2, perMs: DAY, over },
});

interface Step {
  state: JourneyState;
  commands: JourneyCommand[];
}

function sendOf(commands: JourneyCommand[]): SendCommand {
  const found = commands.find((c): c is SendCommand => c.type === 'send');
  if (found === undefined) throw new Error(`no send in ${JSON.stringify(commands)}`);
  return found;
}

/** Runs `plan` up to its first send. */
function toFirstSend(plan: Plan): Step {
  const { state } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), startInput());
  return stepJourney(plan, state, { type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true });
}

function answer(plan: Plan, at: Step, result: Partial<SendResultInput>, nowMs = T0): Step {
  const input: JourneyInput = {
    type: 'send_result',
    nowMs,
    correlationId: sendOf(at.commands).correlationId,
    status: 'sent',
    channel: 'email',
    reason: null,
    retryAtMs: null,
    ...result,
  };
  return stepJourney(plan, at.state, input);
}

const records = (commands: JourneyCommand[]): string[] =>
  commands.flatMap((c) => (c.type === 'journal' ? [`${c.record.action}:${c.record.reason ?? ''}`] : []));

describe('the send protocol', () => {
  it("carries the policy's frequency cap on the send, and no cap without one", () => {
    const withCap = makePlan([send('s', 't', null)], { policy: capped('defer') });
    expect(sendOf(toFirstSend(withCap).commands).cap).toEqual({ max: 2, perMs: DAY });
    expect(sendOf(toFirstSend(makePlan([send('s', 't', null)])).commands).cap).toBeNull();
  });

  it('defers a capped send until the slot frees, then sends again with the same key', () => {
    const plan = makePlan([send('s', 't', null)], { policy: capped('defer') });
    const first = toFirstSend(plan);
    const out = answer(plan, first, { status: 'capped', reason: 'frequency-cap', retryAtMs: T0 + 5 * HOUR });
    expect(records(out.commands)).toEqual(['deferred:frequency-cap']);
    expect(out.commands.at(-1)).toMatchObject({ type: 'sleep_until', untilMs: T0 + 5 * HOUR });
    const timer = out.commands.at(-1) as { correlationId: string };
    const again = stepJourney(plan, out.state, {
      type: 'timer',
      nowMs: T0 + 5 * HOUR,
      correlationId: timer.correlationId,
    });
    expect(sendOf(again.commands).idempotencyKey).toBe(sendOf(first.commands).idempotencyKey);
  });

  it('defers a capped send by an hour when the retry time is missing or already past', () => {
    const plan = makePlan([send('s', 't', null)], { policy: capped('defer') });
    for (const retryAtMs of [null, T0 - 1]) {
      const out = answer(plan, toFirstSend(plan), { status: 'capped', retryAtMs });
      expect(out.commands.at(-1)).toMatchObject({ type: 'sleep_until', untilMs: T0 + HOUR });
    }
  });

  it('skips a capped send and goes on when the policy says skip', () => {
    const plan = makePlan([send('s', 't', 'w'), wait('w', HOUR, null)], { policy: capped('skip') });
    const out = answer(plan, toFirstSend(plan), { status: 'capped', channel: 'line', retryAtMs: T0 + HOUR });
    expect(records(out.commands)).toEqual(['skipped:frequency-cap', 'waiting:']);
  });

  it('tries the fallback channel once after a skipped or failed delivery, and goes on after the second miss', () => {
    const plan = makePlan([send('s', 't', 'w', { channel: 'line', fallback: 'email' }), wait('w', HOUR, null)]);
    for (const status of ['skipped', 'failed'] as const) {
      const first = toFirstSend(plan);
      const missed = answer(plan, first, { status, channel: 'line', reason: 'monthly-limit' });
      expect(records(missed.commands)).toEqual([`${status}:monthly-limit`, 'proceeded:fallback']);
      const fallback = sendOf(missed.commands);
      expect(fallback.channel).toBe('email');
      expect(fallback.idempotencyKey).not.toBe(sendOf(first.commands).idempotencyKey);
      const again = answer(plan, missed, { status: 'failed', channel: 'email', reason: 'invalid-address' });
      expect(records(again.commands)).toEqual(['failed:invalid-address', 'waiting:']);
    }
  });

  it('holds a send the delivery found paused until resume, then delivers it', () => {
    const plan = makePlan([send('s', 't', null)]);
    const held = answer(plan, toFirstSend(plan), { status: 'held', channel: null });
    expect(records(held.commands)).toEqual(['held:paused']);
    expect(held.state.paused).toBe(true);
    expect(held.commands.at(-1)).toMatchObject({ type: 'wait_for_events', untilMs: null });
    const latePause = stepJourney(plan, held.state, { type: 'pause', nowMs: T0 + 1 });
    expect(latePause.commands).toEqual([]);
    const resumed = stepJourney(plan, latePause.state, { type: 'resume', nowMs: T0 + HOUR });
    expect(records(resumed.commands)).toEqual(['resumed:']);
    expect(sendOf(resumed.commands).nowMs).toBe(T0 + HOUR);
  });

  it('delivers again at once when the pause the delivery saw was already resumed while it was out', () => {
    const plan = makePlan([send('s', 't', null)]);
    const first = toFirstSend(plan);
    let state = stepJourney(plan, first.state, { type: 'pause', nowMs: T0 }).state;
    state = stepJourney(plan, state, { type: 'resume', nowMs: T0 + 1 }).state;
    const out = answer(plan, { state, commands: first.commands }, { status: 'held', channel: null }, T0 + 2);
    expect(out.state.paused).toBe(false);
    expect(sendOf(out.commands).idempotencyKey).toBe(sendOf(first.commands).idempotencyKey);
  });

  it('refuses a send_result with an unknown status', () => {
    const plan = makePlan([send('s', 't', null)]);
    const out = answer(plan, toFirstSend(plan), { status: 'bounced' as never });
    expect(out.commands).toEqual([expect.objectContaining({ type: 'fail', code: 'INVALID_INPUT' })]);
  });
});

describe('the simulated delivery', () => {
  it('keeps at most max sends per channel in any window of perMs, and says when the next slot frees', () => {
    const cap = { max: 2, perMs: DAY };
    expect(capRetryAt([], cap, T0)).toBeNull();
    expect(capRetryAt([T0 - DAY], cap, T0)).toBeNull();
    expect(capRetryAt([T0 - DAY + 1, T0 - HOUR], cap, T0)).toBe(T0 + 1);
    expect(capRetryAt([T0 - DAY + 1, T0 - HOUR], { max: 1, perMs: DAY }, T0)).toBe(T0 + DAY - HOUR);
    expect(capRetryAt([T0 - 2 * HOUR, T0 - HOUR, T0], cap, T0)).toBe(T0 - HOUR + DAY);
  });

  it('answers skipped for an unreachable channel before it counts the cap, and capped with the retry time', () => {
    const ledger = createSendLedger();
    const world = new SimulatedWorld({ email: 'a@example.com', consent: { email: 'subscribed' } }, null, ledger);
    const command = sendOf(toFirstSend(makePlan([send('s', 't', null)], { policy: capped('defer') })).commands);
    const sentAt = (nowMs: number): SendResultInput => world.answer(command, nowMs) as SendResultInput;
    expect(sentAt(T0)).toMatchObject({ status: 'sent', channel: 'email' });
    expect(sentAt(T0 + HOUR)).toMatchObject({ status: 'sent' });
    expect(sentAt(T0 + 2 * HOUR)).toMatchObject({ status: 'capped', channel: 'email', retryAtMs: T0 + DAY });
    expect(ledger.email).toEqual([T0, T0 + HOUR]);
    const line = world.answer({ ...command, channel: 'line' }, T0 + 3 * HOUR);
    expect(line).toMatchObject({ status: 'skipped', channel: 'line', reason: 'no-address' });
  });

  it('counts the cap across the runs of one customer in a backtest', () => {
    const plan = makePlan([send('s', 't', null)], {
      entry: { type: 'event', event: 'cart.updated', where: null },
      policy: { ...utcPolicy, frequencyCap: { max: 1, perMs: DAY, over: 'skip' } },
    });
    const events = [0, 2 * HOUR, 2 * DAY].map((offset, i) => ({
      id: `e${i}`,
      type: 'cart.updated',
      timeMs: T0 + offset,
      properties: {},
    }));
    const report = backtest({
      plan,
      customers: [{ id: 'c1', profile: { email: 'a@example.com', consent: { email: 'subscribed' } } }],
      eventsByCustomer: new Map([['c1', events]]),
      startMs: T0,
      untilMs: T0 + 5 * DAY,
    });
    expect(report.runs).toBe(3);
    expect(report.steps[0]?.sent).toEqual({ 't by email': 2 });
    expect(report.steps[0]?.skipped).toEqual({ 'frequency-cap': 1 });
  });
});
