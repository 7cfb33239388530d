/**
 * `line_richmenu`: link a rich menu to the customer's LINE user, or unlink it. The request goes out and
 * the run goes on with its answer, whatever it is: a rich menu that could not be linked (no LINE user,
 * a menu not published) is journaled with its reason and never stops the journey. Holdout customers
 * pass without a request: like a message, a menu is something they would see.
 */
import type { LineRichMenuStep } from '../../definitions/plan.js';
import { enterStage } from '../cursor.js';
import type { JourneyInput, RichMenuResultInput } from '../inputs.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

export function enterLineRichMenu(turn: Turn, step: LineRichMenuStep): Flow {
  if (turn.state.holdout) {
    journal(turn, step, 'skipped', 'holdout', { menu: step.link });
    return goTo(step.next);
  }
  enterStage(turn, step.id, 'richmenu', null);
  issue(turn, (correlationId) => ({ type: 'line_richmenu', correlationId, stepId: step.id, link: step.link }));
  return STOP;
}

export function resumeLineRichMenu(turn: Turn, step: LineRichMenuStep, input: JourneyInput): Flow {
  if (input.type !== 'richmenu_result') return mismatch(turn, input);
  journalRichMenuResult(turn, step, input);
  return goTo(step.next);
}

/** Journals what became of the request: linked, unlinked, or skipped / failed with the reason. */
export function journalRichMenuResult(turn: Turn, step: LineRichMenuStep, input: RichMenuResultInput): void {
  const detail = { menu: step.link };
  if (input.status === 'done') {
    journal(turn, step, step.link === null ? 'richmenu-unlinked' : 'richmenu-linked', null, detail);
    return;
  }
  journal(turn, step, input.status, input.reason, detail);
}
