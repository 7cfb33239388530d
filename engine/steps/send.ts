/**
 * `send`: hold while paused, defer through quiet hours, then deliver. The delivery reserves the
 * frequency-cap slot itself, atomically with the message, and answers what became of it (see
 * `SendResultInput`): a permanent miss tries the fallback channel once, a full cap defers or
 * skips, a pause the run had not heard of yet holds it. Holdout customers pass without a message.
 */
import type { DeliveryChannel, SendChannel, SendStep } from '../../definitions/plan.js';
import { nextAllowedMoment } from '../../definitions/time-windows.js';
import type { JourneyInput, SendResultInput } from '../inputs.js';
import { enterStage, stepCursor } from '../cursor.js';
import { markMoment } from '../schedule.js';
import { TOUCH_LIMIT } from '../state.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

/** How long a `capped` answer without a usable retry time defers the send: never a wake-up without progress. */
const CAP_RETRY_FLOOR_MS = 3_600_000;

export function enterSend(turn: Turn, step: SendStep): Flow {
  if (turn.state.holdout) {
    journal(turn, step, 'skipped', 'holdout', { template: step.template });
    recordTouch(turn, step, null);
    return goTo(step.next);
  }
  enterStage(turn, step.id, 'send', null);
  return gate(turn, step);
}

/** The checks before a delivery attempt, in order: pause, quiet hours (the cap is the delivery's). */
function gate(turn: Turn, step: SendStep): Flow {
  if (turn.state.paused) return hold(turn, step);
  const quiet = turn.plan.policy.quietHours;
  const allowedAt = quiet === null ? turn.nowMs : nextAllowedMoment(turn.nowMs, turn.state.zone ?? 'UTC', quiet);
  if (allowedAt > turn.nowMs) return defer(turn, step, 'quiet', 'quiet-hours', allowedAt);
  return deliver(turn, step, requestedChannel(step, stepCursor(turn).attempt));
}

/**
 * Holds the send until a `resume`, or, in runs that re-check, until the re-check timer: a control
 * lost on its way (its fan-out missed the run) must not hold the run for ever.
 */
function hold(turn: Turn, step: SendStep): Flow {
  const recheck = turn.state.holdRecheckMs;
  const untilMs = recheck === null ? null : turn.nowMs + recheck;
  const cursor = stepCursor(turn);
  cursor.stage = 'hold';
  cursor.untilMs = untilMs;
  journal(turn, step, 'held', 'paused', { template: step.template });
  issue(turn, (correlationId) => ({
    type: 'wait_for_events',
    correlationId,
    eventTypes: [],
    untilMs,
    reason: 'paused',
  }));
  return STOP;
}

/**
 * The re-check timer of a hold fired: the delivery reads the journey's head before anything goes out,
 * so it is the re-check (after quiet hours, as any send). A head still paused answers `held` and the
 * run holds again; an active one sends.
 */
function recheckHold(turn: Turn, step: SendStep): Flow {
  turn.state.paused = false;
  return gate(turn, step);
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
  cursor.untilMs = null;
  cursor.resumed = false;
  const visit = state.visits[step.id] ?? 1;
  const idempotencyKey = `${state.journeyId}/${state.customerId}/${state.entryKey}/${step.id}/${visit}/${cursor.attempt}`;
  const cap = turn.plan.policy.frequencyCap;
  issue(turn, (correlationId) => ({
    type: 'send',
    correlationId,
    stepId: step.id,
    template: step.template,
    channel,
    idempotencyKey,
    entryEventId: state.entryEvent?.id ?? null,
    cap: cap === null ? null : { max: cap.max, perMs: cap.perMs },
    nowMs: turn.nowMs,
  }));
  return STOP;
}

/** Moves a `send` on with the input its stage waits for. */
export function resumeSend(turn: Turn, step: SendStep, input: JourneyInput): Flow {
  const cursor = stepCursor(turn);
  switch (cursor.stage) {
    case 'hold':
      if (input.type === 'timer') return recheckHold(turn, step);
      return input.type === 'resume' ? gate(turn, step) : mismatch(turn, input);
    case 'quiet':
    case 'cap-wait':
      return input.type === 'timer' ? gate(turn, step) : mismatch(turn, input);
    case 'send':
      return input.type === 'send_result' ? onSendResult(turn, step, input) : mismatch(turn, input);
    default:
      return mismatch(turn, input);
  }
}

function onSendResult(turn: Turn, step: SendStep, input: SendResultInput): Flow {
  stepCursor(turn).channel = input.channel;
  switch (input.status) {
    case 'sent':
      recordSendResult(turn, step, input);
      return goTo(step.next);
    case 'skipped':
    case 'failed':
      return afterMiss(turn, step, input);
    case 'capped':
      return afterCap(turn, step, input);
    case 'held':
      return afterHeld(turn, step);
    default:
      return mismatch(turn, input);
  }
}

/**
 * Journals what became of a delivery, and nothing more: used as is when the run leaves the step
 * while the delivery was out (a stopped repeat, an exit), so no fallback and no deferral follow.
 */
export function recordSendResult(turn: Turn, step: SendStep, input: SendResultInput): void {
  const detail = { template: step.template, channel: input.channel };
  switch (input.status) {
    case 'sent':
      // `possible-duplicate`: an email resent after an attempt that may have been accepted as well.
      journal(turn, step, 'sent', input.reason, detail);
      recordTouch(turn, step, input.channel);
      return;
    case 'skipped':
    case 'failed':
      journal(turn, step, input.status, input.reason ?? input.status, detail);
      return;
    case 'capped':
      journal(turn, step, 'skipped', 'frequency-cap', detail);
      return;
    case 'held':
      // The pause the delivery saw holds the rest of the run too, unless a resume came since.
      if (!stepCursor(turn).resumed) turn.state.paused = true;
      journal(turn, step, 'skipped', 'paused', detail);
      return;
    default:
      mismatch(turn, input);
  }
}

/** Remembers a message for goal attribution; a new list, so the caller's state stays untouched. */
function recordTouch(turn: Turn, step: SendStep, channel: DeliveryChannel | null): void {
  const touch = { stepId: step.id, template: step.template, channel, atMs: turn.nowMs };
  turn.state.touches = [...turn.state.touches, touch].slice(-TOUCH_LIMIT);
}

/** Nothing went out (`skipped`, `failed`): journaled; the fallback channel is tried once if it differs. */
function afterMiss(turn: Turn, step: SendStep, input: SendResultInput): Flow {
  const cursor = stepCursor(turn);
  const action = input.status === 'skipped' ? 'skipped' : 'failed';
  journal(turn, step, action, input.reason ?? input.status, { template: step.template, channel: input.channel });
  if (cursor.attempt === 0 && step.fallback !== null && step.fallback !== input.channel) {
    cursor.attempt = 1;
    cursor.channel = null;
    journal(turn, step, 'proceeded', 'fallback', { template: step.template, channel: step.fallback });
    return gate(turn, step);
  }
  return goTo(step.next);
}

/** The cap had no free slot: wait for one (`defer`) or go on without the message (`skip`). */
function afterCap(turn: Turn, step: SendStep, input: SendResultInput): Flow {
  const cap = turn.plan.policy.frequencyCap;
  if (cap === null || cap.over === 'skip') {
    journal(turn, step, 'skipped', 'frequency-cap', { template: step.template, channel: input.channel });
    return goTo(step.next);
  }
  // A retry time at or before now would wake the run without progress.
  const retryAtMs =
    input.retryAtMs !== null && input.retryAtMs > turn.nowMs ? input.retryAtMs : turn.nowMs + CAP_RETRY_FLOOR_MS;
  return defer(turn, step, 'cap-wait', 'frequency-cap', retryAtMs);
}

/**
 * The delivery found the journey paused before the run heard of the pause: hold as if paused.
 * When a `resume` already arrived while the delivery was out, the pause it saw is over: try again
 * (the delivery checks the journey's status anew, so a pause still in force answers `held` again).
 */
function afterHeld(turn: Turn, step: SendStep): Flow {
  const { state } = turn;
  if (!state.paused && stepCursor(turn).resumed) {
    // The resume came while the delivery was out: the journey goes on from here.
    markMoment(turn, turn.nowMs);
    return gate(turn, step);
  }
  state.paused = true;
  return hold(turn, step);
}
