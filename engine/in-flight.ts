/**
 * Requests with an effect outside the run (a delivery, a profile update) are always answered into
 * the journal. A `repeat` stopped while one is out goes on only once its answer is journaled; an
 * exit (or archive) decided while one is out ends the run only then, so the journal never misses a
 * message that went out and a later goal is credited to it.
 */
import type { JournalRecord, LineRichMenuCommand, SendCommand, UpdateProfileCommand } from './commands.js';
import type { JourneyInput } from './inputs.js';
import { INBOX_LIMIT, type Ending, type JourneyState } from './state.js';
import { recordSendResult } from './steps/send.js';
import { journalProfileUpdate } from './steps/update-profile.js';
import { journalRichMenuResult } from './steps/line-richmenu.js';
import { type Turn, completeRun, journal, mismatch } from './turn.js';

/** Requests whose effect reaches outside the run: their answers are always journaled. */
export type EffectRequest = SendCommand | UpdateProfileCommand | LineRichMenuCommand;

/** The delivery, profile update or rich menu link the main line waits on, if any. */
export function effectInFlight(state: JourneyState): EffectRequest | null {
  const out = state.awaiting;
  return out?.type === 'send' || out?.type === 'update_profile' || out?.type === 'line_richmenu' ? out : null;
}

/**
 * Ends the run with `outcome` (journaled as `exited`): now, or, with a delivery or profile update
 * out, once its answer is journaled. The answer may already wait in the inbox behind an event check.
 */
export function endRun(turn: Turn, outcome: string, detail: JournalRecord['detail']): void {
  const { state } = turn;
  const request = effectInFlight(state);
  if (request === null) {
    journal(turn, null, 'exited', outcome, detail);
    completeRun(turn, outcome);
    return;
  }
  const queued = state.inbox.find((i) => 'correlationId' in i && i.correlationId === request.correlationId);
  state.ending = { outcome, detail, waited: 0 };
  state.eventCheck = null;
  state.inbox = [];
  if (queued !== undefined) whileEnding(turn, queued);
}

/**
 * An input while the run waits to end: the awaited answer is journaled and ends the run; events
 * are counted, and past {@link INBOX_LIMIT} of them the run ends without the answer (the delivery
 * ledger still has it); everything else is ignored.
 */
export function whileEnding(turn: Turn, input: JourneyInput): void {
  const { state } = turn;
  const ending = state.ending;
  const request = effectInFlight(state);
  if (ending === null) return;
  if (request !== null && input.type !== 'timer' && 'correlationId' in input) {
    if (input.correlationId !== request.correlationId) return;
    recordAnswer(turn, input);
    if (state.status === 'active') finish(turn, ending, {});
    return;
  }
  if (input.type !== 'event') return;
  if (ending.waited < INBOX_LIMIT) {
    state.ending = { ...ending, waited: ending.waited + 1 };
    return;
  }
  finish(turn, ending, { unanswered: request?.type ?? null });
}

/** The answer to a request a stopped `repeat` left out: journaled, then on after the loop. */
export function resumeAfterStop(turn: Turn, input: JourneyInput): { next: string | null } | null {
  const at = turn.state.resumeAt;
  turn.state.resumeAt = null;
  recordAnswer(turn, input);
  return turn.state.status === 'active' ? at : null;
}

function finish(turn: Turn, ending: Ending, extra: JournalRecord['detail']): void {
  journal(turn, null, 'exited', ending.outcome, { ...ending.detail, ...extra });
  completeRun(turn, ending.outcome);
}

/** Journals the answer without the step's usual follow-up (no fallback, no deferral, no next step). */
function recordAnswer(turn: Turn, input: JourneyInput): void {
  const cursor = turn.state.cursor;
  const step = cursor?.phase === 'step' ? turn.plan.steps[cursor.stepId] : undefined;
  turn.state.awaiting = null;
  if (step?.kind === 'send' && input.type === 'send_result') return recordSendResult(turn, step, input);
  if (step?.kind === 'update_profile' && input.type === 'profile_updated') return journalProfileUpdate(turn, step);
  if (step?.kind === 'line_richmenu' && input.type === 'richmenu_result')
    return journalRichMenuResult(turn, step, input);
  mismatch(turn, input);
}
