/**
 * Compiles the step tree into the plan's flat step graph: every successor explicit (`null` = the
 * journey is complete), nested lists flowing on to what follows their step, a repeat body leading
 * back to its repeat step.
 */
import type { StepId, StepPlan } from './plan.js';
import type { CompileContext } from './context.js';
import type { StepNode } from './parse-steps.js';
import { listTerminates } from './step-tree.js';
import { compileStepBody } from './compile-step-kinds.js';
import type { SendRef } from './compile-step-kinds.js';

/** What compiling the steps produced. */
export interface CompiledSteps {
  start: StepId | null;
  steps: Record<StepId, StepPlan>;
  sends: SendRef[];
}

/** Walks `steps` with their assigned ids and compiles every step. */
export function compileSteps(ctx: CompileContext, steps: StepNode[], ids: Map<StepNode, string>): CompiledSteps {
  const out: CompiledSteps = { start: null, steps: {}, sends: [] };
  out.start = compileList(ctx, steps, null, ids, out);
  return out;
}

/** Compiles a list whose last step leads to `next`; returns the id of its first step. */
export function compileList(
  ctx: CompileContext,
  steps: StepNode[],
  next: StepId | null,
  ids: Map<StepNode, string>,
  out: CompiledSteps,
): StepId | null {
  reportUnreachable(ctx, steps);
  steps.forEach((node, index) => {
    const following = steps[index + 1];
    const successor = following === undefined ? next : (ids.get(following) ?? null);
    const id = ids.get(node) ?? '';
    const listFn = (list: StepNode[] | undefined, after: StepId | null): StepId | null =>
      list === undefined || list.length === 0 ? after : compileList(ctx, list, after, ids, out);
    const plan = compileStepBody(ctx, node, id, successor, listFn, out.sends);
    if (plan) out.steps[id] = plan;
  });
  const first = steps[0];
  return first === undefined ? next : (ids.get(first) ?? null);
}

function reportUnreachable(ctx: CompileContext, steps: StepNode[]): void {
  const index = steps.findIndex((s, i) => i < steps.length - 1 && listTerminates([s]));
  const after = index < 0 ? undefined : steps[index + 1];
  if (after === undefined) return;
  const ender = steps[index];
  const why = ender?.kind === 'exit' ? 'an exit' : 'a step whose every branch exits';
  const message = `this step can never run: it follows ${why}`;
  ctx.sink.add('UNREACHABLE_STEP', message, ctx.positions.valueAt(after.path), after.path);
}
