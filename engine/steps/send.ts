/**
 * `send`: hold while paused, defer through quiet hours, ask the frequency cap, deliver, and fall
 * back to the other channel after a permanent failure. Holdout customers pass without a message.
 */
import type { DeliveryChannel, SendChannel, SendStep } from '../../definitions/plan.js';
import { nextAllowedMoment } from '../../definitions/time-windows.js';
import type { FrequencyCheckedInput, JourneyInput, SendResultInput } from '../inputs.js';
import { enterStage, stepCursor } from '../cursor.js';
import { TOUCH_LIMIT } from '../state.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

/** Resolves `preferred`: LINE when the customer follows the account, else email. */
export function resolveSendChannel(channel: SendChannel, followsLine: boolean): DeliveryChannel {
  if (channel === 'preferred') return followsLine ? 'line' : 'email';
  return channel;
}

export function enterSend(turn: Turn, step: SendStep): Flow {
  if (turn.state.holdout) {
    journal(turn, step, 'skipped', 'holdout', { template: step.template });
    recordTouch(turn, step, null);
    return goTo(step.next);
  }
  enterStage(turn, step.id, 'send', null);
  return gate(turn, step);
}

/** The checks before a delivery attempt, in order: pause, quiet hours, frequency cap. */
function gate(turn: Turn, step: SendStep): Flow {
  const cursor = stepCursor(turn);
  if (turn.state.paused) {
    cursor.stage = 'hold';
    journal(turn, step, 'held', 'paused', { template: step.template });
    issue(turn, (correlationId) => ({
      type: 'wait_for_events',
      correlationId,
      eventTypes: [],
      untilMs: null,
      reason: 'paused',
    }));
    return STOP;
  }
  const quiet = turn.plan.policy.quietHours;
  const allowedAt = quiet === null ? turn.nowMs : nextAllowedMoment(turn.nowMs, turn.state.zone ?? 'UTC', quiet);
  if (allowedAt > turn.nowMs) return defer(turn, step, 'quiet', 'quiet-hours', allowedAt);
  const cap = turn.plan.policy.frequencyCap;
  const channel = requestedChannel(step, cursor.attempt);
  if (cap !== null) {
    cursor.stage = 'cap';
    issue(turn, (correlationId) => ({
      type: 'check_frequency_cap',
      correlationId,
      stepId: step.id,
      channel,
      max: cap.max,
      perMs: cap.perMs,
      nowMs: turn.nowMs,
    }));
    return STOP;
  }
  return deliver(turn, step, channel);
}

function requestedChannel(step: SendStep, attempt: number): SendChannel {
  return attempt > 0 && step.fallback !== null ? step.fallback : step.channel;
}

function defer(turn: Turn, step: SendStep, stage: 'quiet' | 'cap-wait', reason: string, untilMs: number): Flow {
  const cursor = stepCursor(turn);
  cursor.stage = stage;
  cursor.untilMs = untilMs;
  journal(turn, step, 'deferred', reason, { template: step.template, untilMs });
  issue(turn, (correlationId) => ({ type: 'sleep_until', correlationId, untilMs, reason }));
  return STOP;
}

function deliver(turn: Turn, step: SendStep, channel: SendChannel): Flow {
  const { state } = turn;
  const cursor = stepCursor(turn);
  cursor.stage = 'send';
  const visit = state.visits[step.id] ?? 1;
  const idempotencyKey = `${state.journeyId}/${state.customerId}/${state.entryKey}/${step.id}/${visit}/${cursor.attempt}`;
  issue(turn, (correlationId) => ({
    type: 'send',
    correlationId,
    stepId: step.id,
    template: step.template,
    channel,
    idempotencyKey,
    entryEventId: state.entryEvent?.id ?? null,
    nowMs: turn.nowMs,
  }));
  return STOP;
}

/** Moves a `send` on with the input its stage waits for. */
export function resumeSend(turn: Turn, step: SendStep, input: JourneyInput): Flow {
  const cursor = stepCursor(turn);
  switch (cursor.stage) {
    case 'hold':
      return input.type === 'resume' ? gate(turn, step) : mismatch(turn, input);
    case 'quiet':
    case 'cap-wait':
      return input.type === 'timer' ? gate(turn, step) : mismatch(turn, input);
    case 'cap':
      return input.type === 'frequency_checked' ? onCapAnswer(turn, step, input) : mismatch(turn, input);
    case 'send':
      return input.type === 'send_result' ? onSendResult(turn, step, input) : mismatch(turn, input);
    default:
      return mismatch(turn, input);
  }
}

function onCapAnswer(turn: Turn, step: SendStep, input: FrequencyCheckedInput): Flow {
  const cap = turn.plan.policy.frequencyCap;
  if (input.channel === null) return afterFailure(turn, step, null, 'no-channel');
  if (input.allowed || cap === null) {
    stepCursor(turn).channel = input.channel;
    // A pause that arrived while the cap was being checked still holds this send.
    return turn.state.paused ? gate(turn, step) : deliver(turn, step, input.channel);
  }
  if (cap.over === 'skip') {
    journal(turn, step, 'skipped', 'frequency-cap', { template: step.template, channel: input.channel });
    return goTo(step.next);
  }
  // A retry time at or before now would wake the run without progress; an hour is the floor.
  const retryAtMs = input.retryAtMs !== null && input.retryAtMs > turn.nowMs ? input.retryAtMs : turn.nowMs + 3_600_000;
  return defer(turn, step, 'cap-wait', 'frequency-cap', retryAtMs);
}

function onSendResult(turn: Turn, step: SendStep, input: SendResultInput): Flow {
  if (input.status === 'sent') {
    journal(turn, step, 'sent', null, { template: step.template, channel: input.channel });
    recordTouch(turn, step, input.channel);
    return goTo(step.next);
  }
  return afterFailure(turn, step, input.channel, input.reason ?? 'failed');
}

/** Remembers a message for goal attribution; a new list, so the caller's state stays untouched. */
function recordTouch(turn: Turn, step: SendStep, channel: DeliveryChannel | null): void {
  const touch = { stepId: step.id, template: step.template, channel, atMs: turn.nowMs };
  turn.state.touches = [...turn.state.touches, touch].slice(-TOUCH_LIMIT);
}

/** A permanent failure: journaled; the fallback channel is tried once if it differs. */
function afterFailure(turn: Turn, step: SendStep, channel: DeliveryChannel | null, reason: string): Flow {
  const cursor = stepCursor(turn);
  journal(turn, step, 'failed', reason, { template: step.template, channel });
  if (cursor.attempt === 0 && step.fallback !== null && step.fallback !== channel) {
    cursor.attempt = 1;
    cursor.channel = null;
    journal(turn, step, 'proceeded', 'fallback', { template: step.template, channel: step.fallback });
    return gate(turn, step);
  }
  return goTo(step.next);
}
