/**
 * The journey engine's single entry point. See {@link stepJourney} for the driver loop.
 */
import type { Plan } from '../definitions/plan.js';
import { advance, resumeCurrentStep } from './advance.js';
import type { JourneyCommand, RequestCommand, WaitCommand } from './commands.js';
import { control, releaseHold } from './control.js';
import { beginAfterQueue, claimed, start, zoned } from './entry.js';
import { exitAtOnce, receiveEvent, receiveEventDecisions } from './events.js';
import { resumeAfterStop, whileEnding } from './in-flight.js';
import type { JourneyInput } from './inputs.js';
import { INBOX_LIMIT, STATE_VERSION, createJourneyState, type JourneyState } from './state.js';
import { markMoment } from './schedule.js';
import { MalformedError, type Turn, createTurn, failRun, journal } from './turn.js';
import { checkInput, isJourneyInput } from './validate-input.js';

/** What one call of {@link stepJourney} returns: the next state and the commands to execute, in order. */
export interface StepResult {
  state: JourneyState;
  commands: JourneyCommand[];
}

/**
 * Moves one journey run forward by one input. Pure and deterministic: no clock (time is
 * `input.nowMs`), no randomness, no I/O, and `state` is not modified (a new state is returned).
 * The same plan, state and input always give the same state and commands, so a Temporal
 * workflow driving it replays identically.
 *
 * The driver loop (the Temporal workflow, the simulator):
 * ```ts
 * let { state, commands } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), start);
 * for (;;) {
 *   for (const command of commands) {
 *     // journal                      -> record it (fire-and-forget)
 *     // claim_entry, resolve_timezone, evaluate_conditions, resolve_date, send, update_profile
 *     //                              -> run it; its answer becomes the input with the same correlationId
 *     // sleep_until, wait_for_events -> arm the run's one timer at untilMs (none when null),
 *     //                                 replacing the previous one; firing feeds { type: 'timer', correlationId }
 *     // complete, fail               -> the run is over
 *   }
 *   const input = await nextInput(); // an answer, the timer, a customer event, pause / resume / archive
 *   ({ state, commands } = stepJourney(plan, state, { ...input, nowMs: now() }));
 * }
 * ```
 * Inputs are fed one at a time; any number of customer events may arrive while a request is out.
 * An answer or timer whose correlation id is no longer awaited is ignored. After continue-as-new,
 * pass `state` on and re-issue {@link outstandingCommands}.
 *
 * Sending: a `send` command carries the policy's frequency cap (`cap`, or `null`). The executor
 * checks the journey is active, resolves `preferred`, checks consent, reserves the cap slot
 * atomically with the delivery claim and delivers; it answers `send_result` with `status`:
 * - `sent` -> journaled; goals are attributed to it from then on;
 * - `skipped` / `failed` (with `reason`) -> journaled, then the step's fallback channel once if it
 *   has one that differs, else the next step;
 * - `capped` (with `retryAtMs`) -> deferred until `retryAtMs`, or skipped when `frequencyCap.over`
 *   is `skip`;
 * - `held` -> the executor found the journey paused before the run heard of it: the run holds as
 *   if paused until `resume` (or delivers again at once when a `resume` already arrived meanwhile).
 *
 * Controls (`pause`, `resume`, `archive`) take effect in arrival order; a `resume` that arrives
 * while an event's filters are out releases a held send only once they are decided, and only if no
 * later `pause` came. A send (or profile update) that is out when a repeat's stop event or an exit
 * arrives is still answered into the journal: the run leaves the loop, or ends, once its answer is
 * journaled (an exit waits at most for {@link INBOX_LIMIT} further events). See docs/engine-protocol.md.
 *
 * Never throws and never loops: a malformed plan, state or input yields a `fail` command (codes
 * `INVALID_PLAN`, `INVALID_STATE`, `INVALID_INPUT`, `UNKNOWN_STEP`, `NO_PROGRESS`); a call makes
 * at most {@link MAX_TRANSITIONS_PER_CALL} transitions. A finished run ignores every input.
 */
export function stepJourney(plan: Plan, state: JourneyState, input: JourneyInput): StepResult {
  if (!isJourneyState(state)) {
    const failed = createJourneyState('', '');
    const turn = createTurn(plan, failed, 0);
    failRun(turn, 'INVALID_STATE', 'the state is not a journey state of this version');
    return { state: failed, commands: turn.commands };
  }
  const nowMs = isJourneyInput(input) ? input.nowMs : 0;
  const turn = createTurn(plan, cloneState(state), nowMs);
  if (turn.state.status === 'done' || turn.state.status === 'failed') return { state, commands: [] };
  try {
    dispatch(turn, input);
    drainInbox(turn);
    beginAfterQueue(turn);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failRun(turn, error instanceof MalformedError ? 'INVALID_STATE' : 'INVALID_PLAN', message);
  }
  return { state: turn.state, commands: turn.commands };
}

/** The request or wait a run is waiting on, to re-issue after continue-as-new (empty when none). */
export function outstandingCommands(state: JourneyState): (RequestCommand | WaitCommand)[] {
  const pending: (RequestCommand | WaitCommand)[] = [];
  if (state.awaiting !== null) pending.push(state.awaiting);
  if (state.eventCheck !== null) pending.push(state.eventCheck.command);
  return pending;
}

function dispatch(turn: Turn, input: JourneyInput): void {
  const { state } = turn;
  const problem = checkInput(input);
  if (problem !== null) return failRun(turn, 'INVALID_INPUT', problem);
  if (input.type === 'start') return start(turn, input);
  if (state.status === 'new') return failRun(turn, 'INVALID_INPUT', `a ${input.type} input arrived before start`);
  if (state.ending !== null) return whileEnding(turn, input);
  if (waitsForClaim(state) && (input.type === 'event' || input.type === 'archive')) return enqueue(turn, input);
  if (input.type === 'pause' || input.type === 'resume' || input.type === 'archive') return control(turn, input);
  if (input.type === 'conditions_evaluated' && state.eventCheck?.command.correlationId === input.correlationId) {
    return receiveEventDecisions(turn, input.decisions);
  }
  if (state.eventCheck !== null) {
    if (input.type === 'event' && exitAtOnce(turn, input.event)) return;
    return enqueue(turn, input);
  }
  if (input.type === 'event') return receiveEvent(turn, input.event);
  const awaited = state.awaiting;
  if (awaited === null || awaited.correlationId !== input.correlationId) return;
  state.awaiting = null;
  // A timer fired: the journey's schedule moves to the instant it was armed for, however late it ran.
  const timed = awaited.type === 'sleep_until' || awaited.type === 'wait_for_events' ? awaited.untilMs : null;
  if (input.type === 'timer' && timed !== null) markMoment(turn, timed);
  const cursor = state.cursor;
  if (cursor?.phase === 'claim') return input.type === 'entry_claimed' ? claimed(turn, input) : bad(turn, input);
  if (cursor?.phase === 'timezone')
    return input.type === 'timezone_resolved' ? zoned(turn, input.zone) : bad(turn, input);
  if (state.resumeAt !== null) {
    const at = resumeAfterStop(turn, input);
    if (at !== null) advance(turn, at.next);
    return;
  }
  resumeCurrentStep(turn, input);
}

function bad(turn: Turn, input: JourneyInput): void {
  failRun(turn, 'INVALID_INPUT', `a ${input.type} input does not fit ${turn.state.cursor?.phase ?? 'the run'}`);
}

function enqueue(turn: Turn, input: JourneyInput): void {
  const { inbox } = turn.state;
  if (inbox.length >= INBOX_LIMIT && input.type === 'event') {
    journal(turn, null, 'dropped', 'inbox-full', { event: input.event.type, eventId: input.event.id });
    return;
  }
  inbox.push(input);
}

/** Feeds inputs queued behind an event check, in arrival order, until another check goes out. */
function drainInbox(turn: Turn): void {
  const { state } = turn;
  while (state.eventCheck === null && !waitsForClaim(state) && state.inbox.length > 0 && state.status === 'active') {
    const next = state.inbox.shift();
    // A queued resume has already cleared the pause; what is left of it is the release.
    if (next?.type === 'resume') releaseHold(turn, next);
    else if (next !== undefined) dispatch(turn, next);
  }
}

/** The entry claim is out in a run that holds its inputs until it is answered (see `entry.ts`). */
function waitsForClaim(state: JourneyState): boolean {
  return state.queueUntilClaimed && state.cursor?.phase === 'claim';
}

function isJourneyState(value: unknown): value is JourneyState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<JourneyState>;
  return (
    s.stateVersion === STATE_VERSION &&
    typeof s.status === 'string' &&
    Array.isArray(s.seenEventIds) &&
    Array.isArray(s.inbox) &&
    Array.isArray(s.loops) &&
    Array.isArray(s.touches) &&
    typeof s.visits === 'object' &&
    typeof s.nextCorrelation === 'number'
  );
}

// Copies exactly the parts a turn changes in place (cursor, loop frames, lists and tables); every
// other part of the state is replaced, never mutated, so sharing it keeps the caller's state intact.
// A JSON round trip did the same at several times the cost.
function cloneState(state: JourneyState): JourneyState {
  return {
    ...state,
    cursor: state.cursor === null ? null : { ...state.cursor },
    inbox: [...state.inbox],
    // A state from before these fields existed reads as having neither.
    ending: state.ending ?? null,
    resumeAt: state.resumeAt ?? null,
    controlGeneration: state.controlGeneration ?? null,
    holdRecheckMs: state.holdRecheckMs ?? null,
    queueUntilClaimed: state.queueUntilClaimed ?? false,
    scheduleMs: state.scheduleMs ?? null,
    queuedFirst: state.queuedFirst ?? false,
    loops: state.loops.map((frame) => ({ ...frame })),
    visits: { ...state.visits },
    received: { ...state.received },
    seenEventIds: [...state.seenEventIds],
  };
}
