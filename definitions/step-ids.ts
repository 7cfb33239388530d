/**
 * Step ids: given (`id:`) or derived from the step's content, never from its position, so that
 * editing one step does not rename the others. Derived ids that collide get -2, -3... in
 * document order; given ids are checked for format and duplicates.
 */
import type { CompileContext } from './context.js';
import type { StepNode } from './parse-steps.js';
import { childLists } from './step-tree.js';
import { STEP_ID } from './patterns.js';

/**
 * Assigns an id to every step of the tree; reports BAD_STEP_ID and DUPLICATE_STEP_ID. The map
 * iterates in document order.
 */
export function assignStepIds(ctx: CompileContext, steps: readonly StepNode[]): Map<StepNode, string> {
  const all = flatten(steps);
  const ids = new Map<StepNode, string>();
  const taken = new Set<string>();
  const firstLine = new Map<string, number>();
  for (const node of all) {
    if (node.id === undefined) continue;
    const path = [...node.path, 'id'];
    if (!STEP_ID.test(node.id)) {
      const message = `"${node.id}" is not a step id; use letters, digits, -, _ and .`;
      ctx.sink.add('BAD_STEP_ID', message, ctx.positions.valueAt(path), path, {
        suggestion: slug(node.id) || undefined,
      });
    } else if (taken.has(node.id)) {
      const message = `step id "${node.id}" is already used on line ${firstLine.get(node.id)}; give each step its own id`;
      ctx.sink.add('DUPLICATE_STEP_ID', message, ctx.positions.valueAt(path), path);
    }
    if (!firstLine.has(node.id)) firstLine.set(node.id, ctx.positions.valueAt(path).line);
    taken.add(node.id);
    ids.set(node, node.id);
  }
  for (const node of all) {
    if (ids.has(node)) continue;
    const base = deriveBase(node);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    ids.set(node, id);
  }
  return new Map(all.map((node) => [node, ids.get(node) ?? '']));
}

/** Every step of the tree, depth first in document order. */
export function flatten(steps: readonly StepNode[]): StepNode[] {
  return steps.flatMap((s) => [s, ...childLists(s).flatMap((l) => flatten(l.steps))]);
}

/** The readable base of a derived id, from what the step does. */
export function deriveBase(node: StepNode): string {
  switch (node.kind) {
    case 'send':
      return `send-${slug(node.send.template)}`;
    case 'wait':
      return `wait-${slug(node.wait.toLowerCase())}`;
    case 'wait_until':
      return `wait-until-${slug(node.wait_until.date?.split('.').at(-1) ?? 'date')}`;
    case 'wait_for':
      return `wait-for-${slug(node.wait_for.event)}`;
    case 'if':
      return `if-${slug(firstField(node.if))}`;
    case 'branch':
      return `branch-${slug(firstField(node.branch[0]?.when ?? {}))}`;
    case 'split':
      return `split-${slug(node.split.map((v) => v.name).join('-'))}`;
    case 'repeat':
      return `repeat-${slug(node.repeat.until?.event ?? `every-${node.repeat.every}`)}`;
    case 'update_profile': {
      const { add_tags: add, remove_tags: remove, set } = node.update_profile;
      return `update-${slug(add?.[0] ?? remove?.[0] ?? Object.keys(set ?? {})[0] ?? 'profile')}`;
    }
    case 'line_richmenu':
      return `richmenu-${slug(node.line_richmenu.link ?? 'unlink')}`;
    case 'exit':
      return `exit-${slug(node.exit ?? 'exited')}`;
  }
}

function firstField(condition: Record<string, unknown>): string {
  const key = Object.keys(condition)[0] ?? 'condition';
  const operand = condition[key];
  if (key.startsWith('$') && Array.isArray(operand) && typeof operand[0] === 'object' && operand[0] !== null) {
    return firstField(operand[0] as Record<string, unknown>);
  }
  return key.replace(/^(profile|event)\./, '');
}

/** Keeps letters and digits (any script), joins the rest with -. */
export function slug(text: string): string {
  return text
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}
