/**
 * `if`, `branch` and `split`. Conditions are evaluated outside the engine (decisions only come
 * back, so profile data stays out of the history); a split arm is a stable hash of customer and step.
 */
import type { BranchStep, IfStep, SplitStep } from '../../definitions/plan.js';
import { enterStage } from '../cursor.js';
import { stableBucket } from '../hash.js';
import type { CustomerEvent, JourneyInput } from '../inputs.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

export function enterDecision(turn: Turn, step: IfStep | BranchStep): Flow {
  const conditions = step.kind === 'if' ? [step.condition] : step.cases.map((c) => c.condition);
  if (conditions.length === 0) return decide(turn, step, []);
  enterStage(turn, step.id, 'evaluate', null);
  issue(turn, (correlationId) => ({
    type: 'evaluate_conditions',
    correlationId,
    stepId: step.id,
    conditions,
    event: scopeEvent(turn, step),
    nowMs: turn.nowMs,
    zone: turn.state.zone ?? 'UTC',
  }));
  return STOP;
}

/** The event `event.*` paths read: the one a `wait_for` received (`eventFrom`), else the entry event. */
function scopeEvent(turn: Turn, step: IfStep | BranchStep): CustomerEvent | null {
  if (step.eventFrom === undefined) return turn.state.entryEvent;
  return turn.state.received[step.eventFrom] ?? null;
}

export function resumeDecision(turn: Turn, step: IfStep | BranchStep, input: JourneyInput): Flow {
  return input.type === 'conditions_evaluated' ? decide(turn, step, input.decisions) : mismatch(turn, input);
}

function decide(turn: Turn, step: IfStep | BranchStep, decisions: boolean[]): Flow {
  if (step.kind === 'if') {
    const taken = decisions[0] === true;
    journal(turn, step, 'branched', taken ? 'then' : 'else');
    return goTo(taken ? step.then : step.else);
  }
  const index = step.cases.findIndex((_, i) => decisions[i] === true);
  const chosen = step.cases[index];
  journal(turn, step, 'branched', chosen === undefined ? 'default' : `case ${index + 1}`);
  return goTo(chosen === undefined ? step.default : chosen.next);
}

/** The variant a customer gets at a split: weighted, and the same for the same customer and step. */
export function chooseVariant(step: SplitStep, customerId: string): SplitStep['variants'][number] | undefined {
  const total = step.variants.reduce((sum, v) => sum + v.weight, 0);
  let point = stableBucket(total, customerId, step.id);
  for (const variant of step.variants) {
    if (point < variant.weight) return variant;
    point -= variant.weight;
  }
  return undefined;
}

export function enterSplit(turn: Turn, step: SplitStep): Flow {
  const variant = chooseVariant(step, turn.state.customerId);
  if (variant === undefined) return goTo(null);
  journal(turn, step, 'split', variant.name, { variant: variant.name });
  return goTo(variant.next);
}
