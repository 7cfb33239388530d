/** Navigation over the step tree: which nested lists a step holds, and whether a list ends the journey. */
import type { DocPath } from './load-yaml.js';
import type { StepNode } from './parse-steps.js';

/** A nested step list of a step, with its document path. */
export interface ChildList {
  path: DocPath;
  steps: StepNode[];
}

/** The nested step lists a step holds (present ones only). */
export function childLists(node: StepNode): ChildList[] {
  const at = (key: string, steps: StepNode[] | undefined): ChildList[] =>
    steps === undefined ? [] : [{ path: [...node.path, key], steps }];
  switch (node.kind) {
    case 'wait_for':
      return [...at('on_event', node.on_event), ...at('on_timeout', node.on_timeout)];
    case 'if':
      return [...at('then', node.then), ...at('else', node.else)];
    case 'branch':
      return [
        ...node.branch.map((c, i) => ({ path: [...node.path, 'branch', i, 'steps'], steps: c.steps })),
        ...at('default', node.default),
      ];
    case 'split':
      return node.split.flatMap((v, i) =>
        v.steps ? [{ path: [...node.path, 'split', i, 'steps'], steps: v.steps }] : [],
      );
    case 'repeat':
      return at('steps', node.steps);
    default:
      return [];
  }
}

/** True when no path through `steps` falls through to what follows the list. */
export function listTerminates(steps: readonly StepNode[] | undefined): boolean {
  const last = steps?.at(-1);
  return last !== undefined && stepTerminates(last);
}

function stepTerminates(node: StepNode): boolean {
  switch (node.kind) {
    case 'exit':
      return true;
    case 'if':
      return listTerminates(node.then) && listTerminates(node.else);
    case 'branch':
      return node.branch.every((c) => listTerminates(c.steps)) && listTerminates(node.default);
    case 'split':
      return node.split.every((v) => listTerminates(v.steps));
    case 'wait_for':
      return listTerminates(node.on_event) && listTerminates(node.on_timeout);
    default:
      return false;
  }
}
