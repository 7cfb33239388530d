/**
 * `repeat`: run the body up to `times` times, `everyMs` apart. Entering the step from outside
 * starts a loop frame; the body's last step leads back here and counts a run. A stop event (see
 * `events.ts`) leaves the loop for `next` from wherever the body stands.
 */
import type { RepeatStep } from '../../definitions/plan.js';
import { enterStage } from '../cursor.js';
import type { CustomerEvent, JourneyInput } from '../inputs.js';
import { alreadyDue, dueAfter, markMoment } from '../schedule.js';
import { type Flow, type Turn, STOP, failRun, goTo, issue, journal, mismatch } from '../turn.js';

export function enterRepeat(turn: Turn, step: RepeatStep): Flow {
  const { loops } = turn.state;
  const frame = loops.find((f) => f.stepId === step.id);
  if (frame === undefined) {
    loops.push({ stepId: step.id, iteration: 1, sinceMs: turn.nowMs });
    journal(turn, step, 'repeat', null, { iteration: 1, times: step.times });
    return goTo(step.body);
  }
  if (frame.iteration >= step.times) {
    leaveLoop(turn, step);
    journal(turn, step, 'proceeded', 'repeat-done', { times: step.times });
    return goTo(step.next);
  }
  if (step.everyMs === 0) return nextRun(turn, step);
  // Runs of the body keep their cadence from the schedule moment (`schedule.ts`), not from when the
  // last run's delivery was answered.
  const untilMs = dueAfter(turn, step.everyMs);
  if (alreadyDue(turn, untilMs)) {
    markMoment(turn, untilMs);
    return nextRun(turn, step);
  }
  enterStage(turn, step.id, 'sleep', untilMs);
  journal(turn, step, 'waiting', null, { untilMs });
  issue(turn, (correlationId) => ({ type: 'sleep_until', correlationId, untilMs, reason: 'repeat' }));
  return STOP;
}

export function resumeRepeat(turn: Turn, step: RepeatStep, input: JourneyInput): Flow {
  return input.type === 'timer' ? nextRun(turn, step) : mismatch(turn, input);
}

function nextRun(turn: Turn, step: RepeatStep): Flow {
  const frame = turn.state.loops.find((f) => f.stepId === step.id);
  if (frame === undefined) {
    failRun(turn, 'INVALID_STATE', `repeat "${step.id}" has no loop frame`);
    return STOP;
  }
  frame.iteration += 1;
  journal(turn, step, 'repeat', null, { iteration: frame.iteration, times: step.times });
  return goTo(step.body);
}

/**
 * The stop event arrived: drop this loop (and any nested in it) and go on after it. A delivery or
 * profile update of the body still out is answered first: its result is journaled, then the run
 * goes on after the loop (see `resumeAt`).
 */
export function stopRepeat(turn: Turn, step: RepeatStep, event: CustomerEvent): Flow {
  const { state } = turn;
  leaveLoop(turn, step);
  markMoment(turn, event.timeMs);
  journal(turn, step, 'repeat-stopped', event.type, { eventId: event.id });
  const out = state.awaiting?.type;
  if (out === 'send' || out === 'update_profile' || out === 'line_richmenu') {
    state.resumeAt = { next: step.next };
    return STOP;
  }
  state.awaiting = null;
  state.cursor = null;
  return goTo(step.next);
}

function leaveLoop(turn: Turn, step: RepeatStep): void {
  const index = turn.state.loops.findIndex((f) => f.stepId === step.id);
  if (index >= 0) turn.state.loops.splice(index);
}
