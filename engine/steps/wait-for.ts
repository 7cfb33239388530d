/**
 * `wait_for`: wait for an event until a timeout. Only events from the moment the step starts
 * count; the match itself is decided in `events.ts`, which calls {@link matchWaitFor}.
 */
import type { WaitForStep } from '../../definitions/plan.js';
import { enterStage } from '../cursor.js';
import type { CustomerEvent, JourneyInput } from '../inputs.js';
import { alreadyDue, dueAfter, markMoment } from '../schedule.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

/**
 * Waits for the event until `timeoutMs` after the schedule moment (`schedule.ts`); only events from now
 * on count. A timeout already past times the step out at once, as its timer would have.
 */
export function enterWaitFor(turn: Turn, step: WaitForStep): Flow {
  const untilMs = dueAfter(turn, step.timeoutMs);
  if (alreadyDue(turn, untilMs)) {
    markMoment(turn, untilMs);
    journal(turn, step, 'timed-out', 'moment-passed', { event: step.event, untilMs });
    return goTo(step.onTimeout);
  }
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
  markMoment(turn, event.timeMs);
  journal(turn, step, 'matched', null, { event: event.type, eventId: event.id });
  return goTo(step.onEvent);
}
