/** Helpers over the run's cursor: where it stands inside the current step. */
import type { StepId } from '../definitions/plan.js';
import type { Cursor, StepStage } from './state.js';
import { MalformedError, type Turn } from './turn.js';

export type StepCursor = Extract<Cursor, { phase: 'step' }>;

/** Places the cursor at the start of `stepId`, in `stage`, from now. */
export function enterStage(turn: Turn, stepId: StepId, stage: StepStage, untilMs: number | null): StepCursor {
  const cursor: StepCursor = {
    phase: 'step',
    stepId,
    stage,
    sinceMs: turn.nowMs,
    untilMs,
    attempt: 0,
    channel: null,
    resumed: false,
  };
  turn.state.cursor = cursor;
  return cursor;
}

/**
 * The cursor of the current step.
 *
 * @throws MalformedError when the run is not inside a step (a malformed state).
 */
export function stepCursor(turn: Turn): StepCursor {
  const cursor = turn.state.cursor;
  if (cursor?.phase !== 'step') throw new MalformedError('the run is not inside a step');
  return cursor;
}
