/**
 * Checks a plan's shape and graph before a run starts, so a malformed plan yields a clear failure
 * instead of a loop or a crash: known version, successors that exist, no cycle except through a
 * `repeat` step, positive bounds.
 */
import { isValidTimeZone } from '../definitions/time-windows.js';
import { PLAN_VERSION, type Plan, type StepId, type StepPlan } from '../definitions/plan.js';
import { STEP_KINDS } from '../definitions/step-kinds.js';

const KNOWN_KINDS = new Set<string>(STEP_KINDS);

/** Problems found in `plan`, as sentences; empty when the engine can run it. Never throws. */
export function validatePlan(plan: unknown): string[] {
  if (typeof plan !== 'object' || plan === null) return ['the plan is not an object'];
  const p = plan as Plan;
  if (p.planVersion !== PLAN_VERSION)
    return [`plan version ${JSON.stringify(p.planVersion)} is not ${String(PLAN_VERSION)}`];
  if (typeof p.policy !== 'object' || p.policy === null) return ['the plan has no policy'];
  if (typeof p.steps !== 'object' || p.steps === null) return ['the plan has no steps table'];
  if (!Array.isArray(p.exits) || !Array.isArray(p.goals)) return ['the plan has no exits or goals list'];
  const problems: string[] = [];
  if (p.start !== null && !(p.start in p.steps)) problems.push(`start step ${JSON.stringify(p.start)} does not exist`);
  const zone = p.policy.timezone;
  if (zone?.source === 'fixed' && !isValidTimeZone(zone.zone))
    problems.push(`unknown time zone ${JSON.stringify(zone.zone)}`);
  if (zone?.source === 'profile' && !isValidTimeZone(zone.fallback))
    problems.push(`unknown time zone ${JSON.stringify(zone.fallback)}`);
  for (const [id, step] of Object.entries(p.steps)) {
    if (typeof step !== 'object' || step === null || !KNOWN_KINDS.has(step.kind)) {
      problems.push(`step "${id}" has an unknown kind`);
      continue;
    }
    if (step.id !== id) problems.push(`step "${id}" is stored under another id ("${step.id}")`);
    for (const next of successors(step)) {
      if (next !== null && !(next in p.steps)) problems.push(`step "${id}" leads to missing step "${next}"`);
    }
    problems.push(...checkBounds(step));
  }
  if (problems.length === 0) problems.push(...findCycles(p));
  return problems;
}

/** Every successor a step names, in a fixed order. */
export function successors(step: StepPlan): (StepId | null)[] {
  switch (step.kind) {
    case 'send':
    case 'wait':
    case 'wait_until':
    case 'update_profile':
    case 'line_richmenu':
      return [step.next];
    case 'wait_for':
      return [step.onEvent, step.onTimeout];
    case 'if':
      return [step.then, step.else];
    case 'branch':
      return [...step.cases.map((c) => c.next), step.default];
    case 'split':
      return step.variants.map((v) => v.next);
    case 'repeat':
      return [step.body, step.next];
    case 'exit':
      return [];
    default: {
      const unknown: never = step;
      return unknown;
    }
  }
}

function checkBounds(step: StepPlan): string[] {
  switch (step.kind) {
    case 'wait':
      return step.durationMs > 0 ? [] : [`wait "${step.id}" must last longer than 0 ms`];
    case 'wait_for':
      return step.timeoutMs > 0 ? [] : [`wait_for "${step.id}" needs a positive timeout`];
    case 'repeat':
      return step.times >= 1 && step.everyMs >= 0 ? [] : [`repeat "${step.id}" needs times >= 1 and every >= 0`];
    case 'split':
      return step.variants.length > 0 && step.variants.every((v) => Number.isInteger(v.weight) && v.weight > 0)
        ? []
        : [`split "${step.id}" needs variants with positive integer weights`];
    default:
      return [];
  }
}

/** Cycles that do not pass through a `repeat` step (a body leading back to its repeat is the only loop allowed). */
function findCycles(plan: Plan): string[] {
  const state = new Map<StepId, 'open' | 'done'>();
  const problems: string[] = [];
  const visit = (id: StepId): void => {
    state.set(id, 'open');
    const step = plan.steps[id];
    for (const next of step === undefined ? [] : successors(step)) {
      if (next === null || plan.steps[next]?.kind === 'repeat') continue;
      const seen = state.get(next);
      if (seen === 'open') problems.push(`steps loop back to "${next}" without a repeat`);
      else if (seen === undefined) visit(next);
    }
    state.set(id, 'done');
  };
  for (const id of Object.keys(plan.steps)) if (!state.has(id)) visit(id);
  return problems;
}
