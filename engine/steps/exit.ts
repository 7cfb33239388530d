/** `exit` steps and the natural end of a journey. */
import type { ExitStep } from '../../definitions/plan.js';
import { type Flow, type Turn, STOP, completeRun, journal } from '../turn.js';

export function enterExit(turn: Turn, step: ExitStep): Flow {
  journal(turn, step, 'exited', step.outcome);
  completeRun(turn, step.outcome);
  return STOP;
}

/** The journey ran out of steps: `converted` if a goal was reached, `holdout` for holdout customers, else `completed`. */
export function finishJourney(turn: Turn): void {
  const { state } = turn;
  const outcome = state.conversion !== null ? 'converted' : state.holdout ? 'holdout' : 'completed';
  journal(turn, null, 'completed', outcome);
  completeRun(turn, outcome);
}
