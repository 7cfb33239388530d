/**
 * Operator controls (pause, resume, archive). They take effect at once and in arrival order, except
 * that a run that orders controls by generation ignores one not newer than the last it applied: the
 * fan-outs of two actions may overtake each other, and the newer action must win.
 */
import { follow } from './advance.js';
import type { ControlInput, HeadControl } from './inputs.js';
import { endRun } from './in-flight.js';
import { markMoment } from './schedule.js';
import { resumeSend } from './steps/send.js';
import { type Turn, journal } from './turn.js';

/**
 * How long a held send waits before it re-checks the journey (the runtime's and the simulator's): long,
 * since a resume normally reaches the run by signal; the re-check only rescues a run that a control's
 * fan-out missed.
 */
export const HOLD_RECHECK_MS = 6 * 60 * 60 * 1000;

const ACTIONS: Record<HeadControl['status'], ControlInput['type']> = {
  active: 'resume',
  paused: 'pause',
  archived: 'archive',
};

/**
 * Applies a control. Releasing a held send is the one part a resume cannot do while an event's
 * filters are out (an exit may be coming): that release waits in the queue, and finds the run paused
 * again if a later pause came first.
 */
export function control(turn: Turn, input: ControlInput): void {
  const { state } = turn;
  if (state.controlGeneration !== null && input.generation !== undefined) {
    if (input.generation <= state.controlGeneration) return;
    state.controlGeneration = input.generation;
  }
  if (input.type === 'pause') {
    state.paused = true;
    return;
  }
  if (input.type === 'archive') return endRun(turn, 'archived', {});
  if (!state.paused) return;
  state.paused = false;
  const cursor = state.cursor;
  // A delivery out now may still answer `held` for the pause this resume ends.
  if (cursor?.phase === 'step' && cursor.stage === 'send') cursor.resumed = true;
  // One queued release is enough: it reads the pause flag as the latest control left it.
  if (state.eventCheck === null) releaseHold(turn, input);
  else if (!state.inbox.some((queued) => queued.type === 'resume')) state.inbox.push(input);
}

/**
 * The head as the entry claim read it: applied as a control when it is newer than what the run
 * knows, so a run whose entry landed in the ledger after a control's fan-out listed it still obeys.
 */
export function applyHead(turn: Turn, head: HeadControl | undefined): void {
  const known = turn.state.controlGeneration;
  if (head === undefined || known === null || head.generation <= known) return;
  control(turn, { type: ACTIONS[head.status], nowMs: turn.nowMs, generation: head.generation });
}

/**
 * {@link applyHead} for a run whose inputs waited for the claim (`queuedFirst`): they came before the
 * claim's answer, so an archive the head reports goes after them (an order placed before the archive
 * is credited, then the run ends `archived`); a pause or resume applies now (nothing is sent before
 * the queue is applied).
 */
export function applyHeadAfterQueue(turn: Turn, head: HeadControl | undefined): void {
  const known = turn.state.controlGeneration;
  if (head === undefined || known === null || head.generation <= known) return;
  if (head.status !== 'archived') return applyHead(turn, head);
  turn.state.inbox.push({ type: 'archive', nowMs: turn.nowMs, generation: head.generation });
}

/** Sends the held message, unless the run is paused again. */
export function releaseHold(turn: Turn, input: ControlInput): void {
  const { state } = turn;
  const cursor = state.cursor;
  const step = cursor?.phase === 'step' && cursor.stage === 'hold' ? turn.plan.steps[cursor.stepId] : undefined;
  if (state.paused || step?.kind !== 'send') return;
  state.awaiting = null;
  // The journey goes on from the resume: later waits count from here (schedule.ts).
  markMoment(turn, turn.nowMs);
  journal(turn, step, 'resumed');
  follow(turn, resumeSend(turn, step, input));
}
