/**
 * Entry: the start, the re-entry claim and the time zone, before the first step. Inputs that arrive
 * while the claim is out wait in the inbox: they are applied once the entry is granted and dropped
 * (journaled) when it is denied, so nothing happens to a run that may not exist. Runs that start with
 * `queuedFirst` apply them before the first step is entered (earlier runs just after).
 */
import { entryKeyValue } from '../definitions/entry-key.js';
import { isValidTimeZone } from '../definitions/time-windows.js';
import { advance } from './advance.js';
import { applyHead, applyHeadAfterQueue } from './control.js';
import { isInHoldout } from './hash.js';
import type { EntryClaimedInput, StartInput } from './inputs.js';
import { rememberEvent } from './events.js';
import { type Turn, completeRun, failRun, issue, journal } from './turn.js';
import { validatePlan } from './validate-plan.js';

export function start(turn: Turn, input: StartInput): void {
  const { plan, state } = turn;
  if (state.status !== 'new') return;
  const problems = validatePlan(plan);
  if (problems.length > 0) return failRun(turn, 'INVALID_PLAN', problems.join('; '));
  state.status = 'active';
  state.journeyId = plan.journeyId;
  state.contentHash = plan.contentHash;
  state.customerId = input.customerId;
  state.entryEvent = input.entryEvent;
  state.entryKey = input.entryEvent?.id ?? input.startKey ?? `start:${input.nowMs}`;
  // The entry moment never lies after the first turn: an event time from a skewed clock is bounded.
  state.enteredMs = Math.min(input.enteredMs ?? input.nowMs, input.nowMs);
  state.scheduleMs = input.keepSchedule === true ? state.enteredMs : null;
  state.controlGeneration = input.controlGeneration ?? null;
  state.holdRecheckMs = input.holdRecheckMs ?? null;
  state.queueUntilClaimed = input.queueUntilClaimed ?? false;
  state.queuedFirst = input.queuedFirst ?? false;
  state.holdout = input.holdout ?? isInHoldout(plan.journeyId, input.customerId, plan.holdoutPercent);
  if (input.entryEvent !== null) rememberEvent(turn, input.entryEvent.id);
  state.cursor = { phase: 'claim' };
  const scope = input.entryEvent === null ? null : entryKeyValue(plan, input.entryEvent.properties);
  issue(turn, (correlationId) => ({
    type: 'claim_entry',
    correlationId,
    journeyId: plan.journeyId,
    customerId: input.customerId,
    entryKey: state.entryKey,
    ...(scope === null ? {} : { scope }),
    reentry: plan.reentry,
    nowMs: input.nowMs,
  }));
}

export function claimed(turn: Turn, input: EntryClaimedInput): void {
  const { plan, state } = turn;
  if (!input.granted) {
    journal(turn, null, 'entry-denied', 'reentry');
    dropWaiting(turn);
    return completeRun(turn, 'reentry-denied');
  }
  journal(turn, null, 'entered', state.holdout ? 'holdout' : null, { holdout: state.holdout });
  const queued = state.queuedFirst && state.inbox.length > 0;
  if (queued) applyHeadAfterQueue(turn, input.head);
  else applyHead(turn, input.head);
  if (state.status !== 'active' || state.ending !== null) return;
  const zone = plan.policy.timezone;
  if (zone.source === 'fixed' && queued) {
    // The queue is applied first (the step function drains it after this input), then the first step
    // (beginAfterQueue). A profile's zone is read first: the queue is applied while it is out.
    state.zone = zone.zone;
    state.cursor = { phase: 'entered' };
    return;
  }
  if (zone.source === 'fixed') return zoned(turn, zone.zone);
  state.cursor = { phase: 'timezone' };
  issue(turn, (correlationId) => ({ type: 'resolve_timezone', correlationId, path: zone.path }));
}

/**
 * Enters the first step of a granted run whose queued inputs are all applied: none is left, no event's
 * filters are out, and none of them ended the run. Called after every input.
 */
export function beginAfterQueue(turn: Turn): void {
  const { plan, state } = turn;
  if (state.cursor?.phase !== 'entered' || state.status !== 'active') return;
  if (state.eventCheck !== null || state.inbox.length > 0 || state.ending !== null) return;
  const zone = plan.policy.timezone;
  zoned(turn, zone.source === 'fixed' ? zone.zone : state.zone);
}

export function zoned(turn: Turn, zone: string | null): void {
  const policy = turn.plan.policy.timezone;
  const fallback = policy.source === 'profile' ? policy.fallback : policy.zone;
  turn.state.zone = isValidTimeZone(zone) ? zone : fallback;
  turn.state.cursor = null;
  advance(turn, turn.plan.start);
}

/** The inputs that waited for a denied claim: each event is journaled as dropped, so the journal says what became of it. */
function dropWaiting(turn: Turn): void {
  for (const queued of turn.state.inbox) {
    if (queued.type !== 'event') continue;
    journal(turn, null, 'dropped', 'entry-denied', { event: queued.event.type, eventId: queued.event.id });
  }
  turn.state.inbox = [];
}
