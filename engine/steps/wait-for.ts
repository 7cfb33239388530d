/**
 * `wait_for`: wait for an event until a timeout. Only events from the moment the step starts
 * count; the match itself is decided in `events.ts`, which calls {@link matchWaitFor}.
 */
import type { WaitForStep } from '../../definitions/plan.js';
import { enterStage } from '../cursor.js';
import type { CustomerEvent, JourneyInput } from '../inputs.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

export function enterWaitFor(turn: Turn, step: WaitForStep): Flow {
  const untilMs = turn.nowMs + step.timeoutMs;
  enterStage(turn, step.id, 'wait-event', untilMs);
  journal(turn, step, 'waiting', null, { event: step.event, untilMs });
  issue(turn, (correlationId) => ({
    type: 'wait_for_events',
    correlationId,
    eventTypes: [step.event],
    untilMs,
    reason: 'wait_for',
  }));
  return STOP;
}

export function resumeWaitFor(turn: Turn, step: WaitForStep, input: JourneyInput): Flow {
  if (input.type !== 'timer') return mismatch(turn, input);
  journal(turn, step, 'timed-out', null, { event: step.event });
  return goTo(step.onTimeout);
}

/** The awaited event arrived (and passed its filter): leave by `onEvent`. */
export function matchWaitFor(turn: Turn, step: WaitForStep, event: CustomerEvent): Flow {
  turn.state.awaiting = null;
  turn.state.received[step.id] = event;
  journal(turn, step, 'matched', null, { event: event.type, eventId: event.id });
  return goTo(step.onEvent);
}
