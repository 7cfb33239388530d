/**
 * The transition loop: enter steps one after another until one must wait for an input, and
 * route a main-line input (timer or command answer) to the step that waits for it. The only
 * `switch` statements over step kinds live here, each ending in `assertNever`.
 */
import type { StepId, StepPlan } from '../definitions/plan.js';
import type { JourneyInput } from './inputs.js';
import { enterDecision, enterSplit, resumeDecision } from './steps/decide.js';
import { enterExit, finishJourney } from './steps/exit.js';
import { enterRepeat, resumeRepeat } from './steps/repeat.js';
import { enterSend, resumeSend } from './steps/send.js';
import { enterUpdateProfile, resumeUpdateProfile } from './steps/update-profile.js';
import { enterLineRichMenu, resumeLineRichMenu } from './steps/line-richmenu.js';
import { enterWaitFor, resumeWaitFor } from './steps/wait-for.js';
import { enterWait, enterWaitUntil, resumeWait, resumeWaitUntil } from './steps/wait.js';
import { type Flow, type Turn, assertNever, countTransition, failRun, mismatch } from './turn.js';

/** Runs from `target` (null = the end) until a step waits, the journey ends, or a bound is hit. */
export function advance(turn: Turn, target: StepId | null): void {
  let next = target;
  while (turn.state.status === 'active' && countTransition(turn)) {
    if (next === null) {
      finishJourney(turn);
      return;
    }
    const step = turn.plan.steps[next];
    if (step === undefined) {
      failRun(turn, 'UNKNOWN_STEP', `step "${next}" is not in the plan`);
      return;
    }
    turn.state.visits[step.id] = (turn.state.visits[step.id] ?? 0) + 1;
    turn.state.cursor = null;
    const flow = enterStep(turn, step);
    if (flow.kind === 'stop') return;
    next = flow.next;
  }
}

/** Continues with the result of `flow`, if it moves on. */
export function follow(turn: Turn, flow: Flow): void {
  if (flow.kind === 'next') advance(turn, flow.next);
}

function enterStep(turn: Turn, step: StepPlan): Flow {
  switch (step.kind) {
    case 'send':
      return enterSend(turn, step);
    case 'wait':
      return enterWait(turn, step);
    case 'wait_until':
      return enterWaitUntil(turn, step);
    case 'wait_for':
      return enterWaitFor(turn, step);
    case 'if':
    case 'branch':
      return enterDecision(turn, step);
    case 'split':
      return enterSplit(turn, step);
    case 'repeat':
      return enterRepeat(turn, step);
    case 'update_profile':
      return enterUpdateProfile(turn, step);
    case 'line_richmenu':
      return enterLineRichMenu(turn, step);
    case 'exit':
      return enterExit(turn, step);
    default:
      return assertNever(step, 'step kind');
  }
}

/** Hands a main-line input to the current step and continues from where it leads. */
export function resumeCurrentStep(turn: Turn, input: JourneyInput): void {
  const cursor = turn.state.cursor;
  const step = cursor?.phase === 'step' ? turn.plan.steps[cursor.stepId] : undefined;
  if (step === undefined) {
    follow(turn, mismatch(turn, input));
    return;
  }
  follow(turn, resumeStep(turn, step, input));
}

function resumeStep(turn: Turn, step: StepPlan, input: JourneyInput): Flow {
  switch (step.kind) {
    case 'send':
      return resumeSend(turn, step, input);
    case 'wait':
      return resumeWait(turn, step, input);
    case 'wait_until':
      return resumeWaitUntil(turn, step, input);
    case 'wait_for':
      return resumeWaitFor(turn, step, input);
    case 'if':
    case 'branch':
      return resumeDecision(turn, step, input);
    case 'repeat':
      return resumeRepeat(turn, step, input);
    case 'update_profile':
      return resumeUpdateProfile(turn, step, input);
    case 'line_richmenu':
      return resumeLineRichMenu(turn, step, input);
    case 'split':
    case 'exit':
      return mismatch(turn, input);
    default:
      return assertNever(step, 'step kind');
  }
}
