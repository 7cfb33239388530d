/**
 * Customer events: duplicates dropped, then matched against exits, goals, the current `wait_for`
 * and active `repeat` stop events. Filters (`where`) are evaluated outside in one request; while
 * it is out, main-line inputs queue so nothing is sent before an exit is decided.
 */
import { entryKeyValue } from '../definitions/entry-key.js';
import type { Condition, RepeatStep, WaitForStep } from '../definitions/plan.js';
import { follow } from './advance.js';
import type { CustomerEvent } from './inputs.js';
import { INBOX_LIMIT, SEEN_EVENT_LIMIT, type EventCandidates, type EventCheck } from './state.js';
import { stopRepeat } from './steps/repeat.js';
import { matchWaitFor } from './steps/wait-for.js';
import { endRun } from './in-flight.js';
import { type Turn, correlate, journal } from './turn.js';

/** Takes an event in: ignores a seen id, matches it at once, or asks for its filters' decisions. */
export function receiveEvent(turn: Turn, event: CustomerEvent): void {
  const { state } = turn;
  if (state.seenEventIds.includes(event.id)) return;
  rememberEvent(turn, event.id);
  const candidates = findCandidates(turn, event);
  const conditions: Condition[] = [];
  const slot = (where: Condition | null): number => (where === null ? -1 : conditions.push(where) - 1);
  const { exits, goals } = turn.plan;
  const slots: EventCheck['slots'] = {
    exits: candidates.exits.map((i) => slot(exits[i]?.where ?? null)),
    goals: candidates.goals.map((i) => slot(goals[i]?.where ?? null)),
    waitFor: candidates.waitFor === null ? -1 : slot(waitForStep(turn, candidates.waitFor.stepId)?.where ?? null),
    repeats: candidates.repeats.map((id) => slot(repeatStep(turn, id)?.until?.where ?? null)),
  };
  if (conditions.length === 0) {
    applyEvent(turn, { event, candidates, slots }, []);
    return;
  }
  const command = {
    type: 'evaluate_conditions' as const,
    correlationId: correlate(turn),
    stepId: null,
    conditions,
    event,
    nowMs: turn.nowMs,
    zone: turn.state.zone ?? 'UTC',
  };
  state.eventCheck = { command, event, candidates, slots };
  turn.commands.push(command);
}

/**
 * While another event's filters are out, an event that matches an exit without a filter still
 * ends the run at once (with the goals it meets without a filter), unless the pending check may
 * credit a conversion; returns whether it did.
 */
export function exitAtOnce(turn: Turn, event: CustomerEvent): boolean {
  const { plan, state } = turn;
  const unfiltered = (list: { event: string; where: Condition | null }[]): number[] =>
    list.flatMap((item, i) => (item.event === event.type && item.where === null ? [i] : []));
  const exits = unfiltered(plan.exits);
  if (exits.length === 0 || state.seenEventIds.includes(event.id)) return false;
  // A pending check that may credit a conversion is decided first (the exit waits in the queue,
  // where nothing can be sent meanwhile), so an exit never swallows a goal that happened before it.
  // A full queue would drop the exit: then leaving at once matters more than the goal.
  const queueable = state.inbox.length < INBOX_LIMIT;
  if (state.eventCheck !== null && queueable && mayConvert(turn, state.eventCheck.candidates)) return false;
  rememberEvent(turn, event.id);
  const goals = unfiltered(plan.goals);
  const candidates: EventCandidates = { exits, goals, waitFor: null, repeats: [] };
  const slots: EventCheck['slots'] = {
    exits: exits.map(() => -1),
    goals: goals.map(() => -1),
    waitFor: -1,
    repeats: [],
  };
  applyEvent(turn, { event, candidates, slots }, []);
  return true;
}

function mayConvert(turn: Turn, candidates: EventCandidates): boolean {
  return candidates.goals.length > 0 || candidates.exits.some((i) => turn.plan.exits[i]?.goal === true);
}

/** Applies the decisions of the pending event check. */
export function receiveEventDecisions(turn: Turn, decisions: boolean[]): void {
  const check = turn.state.eventCheck;
  if (check === null) return;
  turn.state.eventCheck = null;
  applyEvent(turn, check, decisions);
}

export function rememberEvent(turn: Turn, id: string): void {
  const seen = turn.state.seenEventIds;
  seen.push(id);
  if (seen.length > SEEN_EVENT_LIMIT) seen.splice(0, seen.length - SEEN_EVENT_LIMIT);
}

function findCandidates(turn: Turn, event: CustomerEvent): EventCandidates {
  const { plan, state } = turn;
  const indices = (list: { event: string }[]): number[] =>
    list.flatMap((item, i) => (item.event === event.type ? [i] : []));
  const cursor = state.cursor;
  const awaiting = state.awaiting;
  let waitFor: EventCandidates['waitFor'] = null;
  if (cursor?.phase === 'step' && cursor.stage === 'wait-event' && awaiting !== null) {
    const step = waitForStep(turn, cursor.stepId);
    if (step?.event === event.type && event.timeMs >= cursor.sinceMs) {
      waitFor = { stepId: step.id, correlationId: awaiting.correlationId };
    }
  }
  // A keyed run's exits and goals are about its key: an event about another key leaves it alone.
  const mine = aboutOtherKey(turn, event) ? [] : null;
  const repeats = state.loops
    .filter((frame) => {
      const until = repeatStep(turn, frame.stepId)?.until;
      return until?.event === event.type && event.timeMs >= frame.sinceMs;
    })
    .map((frame) => frame.stepId);
  return { exits: mine ?? indices(plan.exits), goals: mine ?? indices(plan.goals), waitFor, repeats };
}

type Check = Pick<EventCheck, 'event' | 'candidates' | 'slots'>;

function applyEvent(turn: Turn, check: Check, decisions: boolean[]): void {
  const { plan, state } = turn;
  const { event, candidates, slots } = check;
  const passes = (slotIndex: number): boolean => slotIndex < 0 || decisions[slotIndex] === true;
  const exits = candidates.exits.filter((_, i) => passes(slots.exits[i] ?? -1));
  const goalWindows = [
    ...exits.flatMap((i) => (plan.exits[i]?.goal === true ? [plan.exits[i]?.goalWindowMs ?? null] : [])),
    ...candidates.goals.filter((_, i) => passes(slots.goals[i] ?? -1)).map((i) => plan.goals[i]?.windowMs ?? null),
  ];
  const convertedNow = goalWindows.some((windowMs) => creditConversion(turn, event, windowMs));
  const exit = exits.map((i) => plan.exits[i]).find((e) => e !== undefined);
  if (exit !== undefined) {
    // A goal exit after an earlier conversion (another goal) still ends a converted run; a holdout
    // run that converted ends as `holdout`, its conversion recorded all the same.
    const converted = exit.goal && state.conversion !== null;
    const outcome = converted ? (state.holdout ? 'holdout' : 'converted') : `exited:${event.type}`;
    endRun(turn, outcome, { event: event.type, eventId: event.id, converted: convertedNow });
    return;
  }
  const stopped = candidates.repeats.find((_, i) => passes(slots.repeats[i] ?? -1));
  const loopStep = stopped === undefined ? undefined : repeatStep(turn, stopped);
  if (loopStep !== undefined && state.loops.some((f) => f.stepId === loopStep.id)) {
    follow(turn, stopRepeat(turn, loopStep, event));
    return;
  }
  const wait = candidates.waitFor;
  if (wait !== null && passes(slots.waitFor) && state.awaiting?.correlationId === wait.correlationId) {
    const step = waitForStep(turn, wait.stepId);
    if (step !== undefined) follow(turn, matchWaitFor(turn, step, event));
  }
}

/**
 * Credits the first conversion inside its window, counted from the last message sent before the
 * event happened (or the entry). Events can arrive late, so the message is found by the event's
 * time, not by its arrival: a message sent after the purchase did not bring it about.
 */
function creditConversion(turn: Turn, event: CustomerEvent, windowMs: number | null): boolean {
  const { state } = turn;
  if (state.conversion !== null) return false;
  const touch = state.touches.findLast((t) => t.atMs <= event.timeMs);
  const fromMs = touch?.atMs ?? state.enteredMs;
  if (event.timeMs < state.enteredMs) return false;
  if (windowMs !== null && event.timeMs > fromMs + windowMs) return false;
  state.conversion = {
    eventId: event.id,
    eventType: event.type,
    atMs: event.timeMs,
    stepId: touch?.stepId ?? null,
    template: touch?.template ?? null,
    channel: touch?.channel ?? null,
  };
  journal(turn, null, 'converted', event.type, {
    eventId: event.id,
    attributedTo: touch?.stepId ?? null,
    template: touch?.template ?? null,
  });
  return true;
}

/** The event names a key (`entry.key`) other than the run's; an event without one concerns every key. */
function aboutOtherKey(turn: Turn, event: CustomerEvent): boolean {
  const theirs = entryKeyValue(turn.plan, event.properties);
  const entry = turn.state.entryEvent;
  return theirs !== null && entry !== null && theirs !== entryKeyValue(turn.plan, entry.properties);
}

function waitForStep(turn: Turn, id: string): WaitForStep | undefined {
  const step = turn.plan.steps[id];
  return step?.kind === 'wait_for' ? step : undefined;
}

function repeatStep(turn: Turn, id: string): RepeatStep | undefined {
  const step = turn.plan.steps[id];
  return step?.kind === 'repeat' ? step : undefined;
}
