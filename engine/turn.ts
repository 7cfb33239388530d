/**
 * One call of the step function: the plan, a private copy of the state, and the commands issued
 * so far. Step modules change the turn through these helpers only.
 */
import type { Plan, StepId, StepKind, StepPlan } from '../definitions/plan.js';
import type {
  FailureCode,
  JournalAction,
  JournalRecord,
  JourneyCommand,
  RequestCommand,
  WaitCommand,
} from './commands.js';
import type { JourneyInput } from './inputs.js';
import type { JourneyState } from './state.js';

/** Transitions one call may make before the run fails with `NO_PROGRESS`. */
export const MAX_TRANSITIONS_PER_CALL = 1_000;
/** Transitions a whole run may make (a valid plan stays far below: its loops are bounded by `repeat`). */
export const MAX_TRANSITIONS_PER_RUN = 100_000;

export interface Turn {
  readonly plan: Plan;
  readonly state: JourneyState;
  readonly commands: JourneyCommand[];
  readonly nowMs: number;
  transitions: number;
}

/** Where control goes after a step: on to `next` (null = end of the journey), or stop and wait for an input. */
export type Flow = { kind: 'next'; next: StepId | null } | { kind: 'stop' };

export const STOP: Flow = { kind: 'stop' };

export function goTo(next: StepId | null): Flow {
  return { kind: 'next', next };
}

export function createTurn(plan: Plan, state: JourneyState, nowMs: number): Turn {
  return { plan, state, commands: [], nowMs, transitions: 0 };
}

/** Next correlation id: a counter in the state, so a replay issues the same ids. */
export function correlate(turn: Turn): string {
  const id = `c${turn.state.nextCorrelation}`;
  turn.state.nextCorrelation += 1;
  return id;
}

/** Issues the main line's next request or wait; its answer (or timer) resumes the run. */
export function issue(turn: Turn, make: (correlationId: string) => RequestCommand | WaitCommand): void {
  const command = make(correlate(turn));
  turn.state.awaiting = command;
  turn.commands.push(command);
}

export function journal(
  turn: Turn,
  step: StepPlan | null,
  action: JournalAction,
  reason: string | null = null,
  detail: JournalRecord['detail'] = {},
): void {
  const stepId: StepId | null = step?.id ?? null;
  const stepKind: StepKind | null = step?.kind ?? null;
  turn.commands.push({ type: 'journal', record: { atMs: turn.nowMs, stepId, stepKind, action, reason, detail } });
}

/** Ends the run with `outcome` (the caller journals why). */
export function completeRun(turn: Turn, outcome: string): void {
  const { state } = turn;
  state.status = 'done';
  state.outcome = outcome;
  state.cursor = null;
  state.awaiting = null;
  state.eventCheck = null;
  state.inbox = [];
  state.loops = [];
  state.ending = null;
  state.resumeAt = null;
  turn.commands.push({ type: 'complete', outcome, conversion: state.conversion });
}

/** Stops the run on a malformed plan, state or input; no further input moves it. */
export function failRun(turn: Turn, code: FailureCode, message: string): void {
  const { state } = turn;
  state.status = 'failed';
  state.outcome = `failed:${code}`;
  state.cursor = null;
  state.awaiting = null;
  state.eventCheck = null;
  state.inbox = [];
  state.ending = null;
  state.resumeAt = null;
  turn.commands.push({ type: 'fail', code, message });
}

/** Fails the run on an input its current stage cannot take (a driver bug or a malformed state). */
export function mismatch(turn: Turn, input: JourneyInput): Flow {
  const cursor = turn.state.cursor;
  const where = cursor?.phase === 'step' ? `step "${cursor.stepId}" (${cursor.stage})` : (cursor?.phase ?? 'no step');
  failRun(turn, 'INVALID_INPUT', `a ${input.type} input does not fit ${where}`);
  return STOP;
}

/** Counts one transition; fails the run and returns false once a bound is reached. */
export function countTransition(turn: Turn): boolean {
  turn.transitions += 1;
  turn.state.transitions += 1;
  if (turn.transitions > MAX_TRANSITIONS_PER_CALL) {
    failRun(turn, 'NO_PROGRESS', `more than ${MAX_TRANSITIONS_PER_CALL} steps without waiting: the plan loops`);
    return false;
  }
  if (turn.state.transitions > MAX_TRANSITIONS_PER_RUN) {
    failRun(turn, 'NO_PROGRESS', `more than ${MAX_TRANSITIONS_PER_RUN} steps in one run`);
    return false;
  }
  return true;
}

/** Marks the exhaustive end of a `switch`; reaching it at run time means a malformed plan or state. */
export function assertNever(value: never, what: string): never {
  throw new MalformedError(`unknown ${what}: ${JSON.stringify(value)}`);
}

/** Thrown inside a turn only; {@link stepJourney} turns it into a `fail` command. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError';
}
