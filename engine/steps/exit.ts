/** `exit` steps and the natural end of a journey. */
import type { ExitStep } from '../../definitions/plan.js';
import { type Flow, type Turn, STOP, completeRun, journal } from '../turn.js';

export function enterExit(turn: Turn, step: ExitStep): Flow {
  journal(turn, step, 'exited', step.outcome);
  completeRun(turn, step.outcome);
  return STOP;
}

/**
 * The journey ran out of steps: `holdout` for holdout customers (converted or not: the conversion
 * is in the run's `conversion`), else `converted` if a goal was reached, else `completed`.
 */
export function finishJourney(turn: Turn): void {
  const { state } = turn;
  const outcome = state.holdout ? 'holdout' : state.conversion !== null ? 'converted' : 'completed';
  journal(turn, null, 'completed', outcome);
  completeRun(turn, outcome);
}
