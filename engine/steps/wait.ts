/** `wait` (a duration) and `wait_until` (a moment, snapped to a local time and allowed weekdays). */
import { shiftByOffset } from '../../definitions/dates.js';
import type { WaitStep, WaitUntilStep } from '../../definitions/plan.js';
import { parseTimeOfDay, snapToLocalTime } from '../../definitions/time-windows.js';
import { enterStage, stepCursor } from '../cursor.js';
import type { JourneyInput } from '../inputs.js';
import { alreadyDue, dueAfter, markMoment } from '../schedule.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

/**
 * Sleeps until `durationMs` after the schedule moment (`schedule.ts`): a run that reached the step late
 * (its first task queued, a slow answer) still wakes when the journey meant it to. When that instant
 * has passed already, the run goes on at once, as if its timer had fired on time.
 */
export function enterWait(turn: Turn, step: WaitStep): Flow {
  const untilMs = dueAfter(turn, step.durationMs);
  if (alreadyDue(turn, untilMs)) {
    markMoment(turn, untilMs);
    journal(turn, step, 'proceeded', 'moment-passed', { untilMs });
    return goTo(step.next);
  }
  return sleep(turn, step, untilMs);
}

export function resumeWait(turn: Turn, step: WaitStep, input: JourneyInput): Flow {
  return input.type === 'timer' ? goTo(step.next) : mismatch(turn, input);
}

function sleep(turn: Turn, step: WaitStep | WaitUntilStep, untilMs: number): Flow {
  enterStage(turn, step.id, 'sleep', untilMs);
  journal(turn, step, 'waiting', null, { untilMs });
  issue(turn, (correlationId) => ({ type: 'sleep_until', correlationId, untilMs, reason: step.kind }));
  return STOP;
}

export function enterWaitUntil(turn: Turn, step: WaitUntilStep): Flow {
  const { target } = step;
  if (target.type === 'absolute') return waitUntilMoment(turn, step, Date.parse(target.at));
  enterStage(turn, step.id, 'resolve', null);
  const path = target.source === 'event' && target.path.startsWith('event.') ? target.path.slice(6) : target.path;
  issue(turn, (correlationId) => ({
    type: 'resolve_date',
    correlationId,
    stepId: step.id,
    source: target.source,
    path,
    entryEventId: turn.state.entryEvent?.id ?? null,
    zone: turn.state.zone ?? 'UTC',
  }));
  return STOP;
}

export function resumeWaitUntil(turn: Turn, step: WaitUntilStep, input: JourneyInput): Flow {
  const stage = stepCursor(turn).stage;
  if (stage === 'resolve' && input.type === 'date_resolved') {
    const base = input.atMs;
    const offset = step.target.type === 'attribute' ? step.target.offsetMs : 0;
    const zone = turn.state.zone ?? 'UTC';
    return waitUntilMoment(turn, step, base === null ? Number.NaN : shiftByOffset(base, offset, zone));
  }
  if (stage === 'sleep' && input.type === 'timer') return goTo(step.next);
  return mismatch(turn, input);
}

/** The target instant after snapping, or NaN when the date is missing or malformed. */
export function targetMoment(step: WaitUntilStep, baseMs: number, zone: string): number {
  if (!Number.isFinite(baseMs)) return Number.NaN;
  const minuteOfDay = step.timeOfDay === null ? null : parseTimeOfDay(step.timeOfDay);
  if (minuteOfDay === null && step.timeOfDay !== null) return Number.NaN;
  if (minuteOfDay === null && step.weekdays === null) return baseMs;
  return snapToLocalTime(baseMs, zone, minuteOfDay, step.weekdays);
}

function waitUntilMoment(turn: Turn, step: WaitUntilStep, baseMs: number): Flow {
  const untilMs = targetMoment(step, baseMs, turn.state.zone ?? 'UTC');
  if (Number.isNaN(untilMs)) {
    journal(turn, step, 'proceeded', 'no-date');
    return goTo(step.next);
  }
  if (untilMs <= turn.nowMs) {
    // The journey meant to be at this moment: later waits count from it (never from before the last one).
    markMoment(turn, untilMs);
    journal(turn, step, 'proceeded', 'moment-passed', { untilMs });
    return goTo(step.next);
  }
  return sleep(turn, step, untilMs);
}
