/**
 * The run's schedule moment (`JourneyState.scheduleMs`): when the journey's last scheduled thing was
 * due. It starts at the entry moment; a fired timer moves it to the instant the timer was armed for,
 * an awaited event (a `wait_for` match, a `repeat`'s stop event) to the event's time, and the release
 * of a held send to the resume. Answers to the run's own requests (claim, time zone, conditions,
 * dates, deliveries, profile updates) leave it where it is, so `wait`, `wait_for` and `repeat` count
 * from when the journey meant to be there, not from when a busy worker got there.
 */
import type { Turn } from './turn.js';

/**
 * How far behind its schedule a run catches up. Delays of seconds (a first task queued behind a burst,
 * a slow delivery) are absorbed; a run further behind (a worker down for an hour, an entry event that
 * arrives a day late, a delivery retried for hours) counts its next wait from this long before now, so
 * the messages of a journey never bunch up as it catches up with a schedule long past.
 */
export const SCHEDULE_SLACK_MS = 5 * 60_000;

/**
 * When a span of `durationMs` that starts at the schedule moment ends (at most
 * {@link SCHEDULE_SLACK_MS} before now); in runs from before the moment existed (`scheduleMs` null),
 * the span starts now, as it always did.
 */
export function dueAfter(turn: Turn, durationMs: number): number {
  const { scheduleMs } = turn.state;
  const from = scheduleMs === null ? turn.nowMs : Math.max(scheduleMs, turn.nowMs - SCHEDULE_SLACK_MS);
  return from + durationMs;
}

/**
 * Whether the run keeps a schedule moment and `untilMs` is already past: the step goes on at once,
 * as if its timer had fired on time (runs from before always arm their timer).
 */
export function alreadyDue(turn: Turn, untilMs: number): boolean {
  return turn.state.scheduleMs !== null && untilMs <= turn.nowMs;
}

/**
 * Moves the schedule moment to `atMs`, bounded by now (an event stamped ahead of the run's clock does
 * not pull the schedule into the future) and never backwards (a late event does not undo a wait).
 */
export function markMoment(turn: Turn, atMs: number): void {
  const { state } = turn;
  if (state.scheduleMs === null || !Number.isFinite(atMs)) return;
  state.scheduleMs = Math.max(state.scheduleMs, Math.min(atMs, turn.nowMs));
}
