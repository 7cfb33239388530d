/**
 * First pass over `steps`: recognises each step's kind, validates its shape one level at a time,
 * and builds a tree of typed step nodes that remember their document path.
 */
import type { ProblemSink } from './errors.js';
import type { DocPath, PositionMap } from './load-yaml.js';
import { shallowStepSchemas } from './schema-steps.js';
import type { ShallowStep } from './schema-steps.js';
import { STEP_KINDS } from './step-kinds.js';
import type { StepKindKey } from './step-kinds.js';
import { reportIssues } from './shape-issues.js';
import { suggest } from './suggest.js';

interface NodeBase {
  path: DocPath;
}

type Shallow<K extends StepKindKey, Omitted extends string = never> = NodeBase & { kind: K } & Omit<
    ShallowStep<K>,
    Omitted
  >;

export type SendNode = Shallow<'send'>;
export type WaitNode = Shallow<'wait'>;
export type WaitUntilNode = Shallow<'wait_until'>;
export interface WaitForNode extends Shallow<'wait_for', 'on_event' | 'on_timeout'> {
  on_event: StepNode[] | undefined;
  on_timeout: StepNode[] | undefined;
}
export interface IfNode extends Shallow<'if', 'then' | 'else'> {
  then: StepNode[];
  else: StepNode[] | undefined;
}
export interface BranchNode extends Shallow<'branch', 'branch' | 'default'> {
  branch: { when: Record<string, unknown>; steps: StepNode[] }[];
  default: StepNode[] | undefined;
}
export interface SplitNode extends Shallow<'split', 'split'> {
  split: { name: string; weight: number; steps: StepNode[] | undefined }[];
}
export interface RepeatNode extends Shallow<'repeat', 'steps'> {
  steps: StepNode[];
}
export type UpdateProfileNode = Shallow<'update_profile'>;
export type LineRichMenuNode = Shallow<'line_richmenu'>;
export type ExitNode = Shallow<'exit'>;

/** A step whose shape is valid, with nested step lists parsed too. */
export type StepNode =
  | SendNode
  | WaitNode
  | WaitUntilNode
  | WaitForNode
  | IfNode
  | BranchNode
  | SplitNode
  | RepeatNode
  | UpdateProfileNode
  | LineRichMenuNode
  | ExitNode;

/** A list as parsed: `null` entries stand for steps whose shape was wrong (already reported). */
export type StepList = (StepNode | null)[];

interface Ctx {
  sink: ProblemSink;
  positions: PositionMap;
}

/** Parses a step list at `path`; every shape problem goes to `sink`. */
export function parseStepList(items: unknown[], path: DocPath, sink: ProblemSink, positions: PositionMap): StepList {
  return items.map((item, index) => parseStep(item, [...path, index], { sink, positions }));
}

function parseStep(item: unknown, path: DocPath, ctx: Ctx): StepNode | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    ctx.sink.add('WRONG_TYPE', 'a step is a mapping such as "- wait: 3d"', ctx.positions.valueAt(path), path);
    return null;
  }
  const kind = findKind(item as Record<string, unknown>, path, ctx);
  if (kind === null) return null;
  const schema = shallowStepSchemas[kind];
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    reportIssues(parsed.error.issues, { sink: ctx.sink, positions: ctx.positions, base: path, value: item, schema });
    return null;
  }
  return buildNode(kind, parsed.data, path, ctx);
}

function findKind(item: Record<string, unknown>, path: DocPath, ctx: Ctx): StepKindKey | null {
  const keys = Object.keys(item);
  const kinds = keys.filter((k): k is StepKindKey => (STEP_KINDS as readonly string[]).includes(k));
  if (kinds.length === 1) return kinds[0] ?? null;
  if (kinds.length > 1) {
    const second = kinds[1] ?? '';
    const message = `one step holds one kind, found ${kinds.join(' and ')}; start a new "- ${second}:" item`;
    ctx.sink.add('AMBIGUOUS_STEP', message, ctx.positions.keyAt([...path, second]), [...path, second]);
    return null;
  }
  const candidate = keys.find((k) => k !== 'id') ?? keys[0];
  const at = candidate === undefined ? ctx.positions.valueAt(path) : ctx.positions.keyAt([...path, candidate]);
  const hint = candidate === undefined ? undefined : suggest(candidate, STEP_KINDS);
  const message = `unknown step kind${candidate === undefined ? '' : ` "${candidate}"`}; expected one of: ${STEP_KINDS.join(', ')}`;
  ctx.sink.add('UNKNOWN_STEP_KIND', message, at, candidate === undefined ? path : [...path, candidate], {
    suggestion: hint,
  });
  return null;
}

function list(items: unknown[] | undefined, path: DocPath, ctx: Ctx): StepNode[] | undefined {
  if (items === undefined) return undefined;
  return parseStepList(items, path, ctx.sink, ctx.positions).filter((n): n is StepNode => n !== null);
}

function buildNode(kind: StepKindKey, data: ShallowStep<StepKindKey>, path: DocPath, ctx: Ctx): StepNode {
  const d = data as Record<string, unknown>;
  const sub = (key: string) => list(d[key] as unknown[] | undefined, [...path, key], ctx);
  switch (kind) {
    case 'wait_for':
      return {
        ...(data as ShallowStep<'wait_for'>),
        kind,
        path,
        on_event: sub('on_event'),
        on_timeout: sub('on_timeout'),
      };
    case 'if':
      return { ...(data as ShallowStep<'if'>), kind, path, then: sub('then') ?? [], else: sub('else') };
    case 'repeat':
      return { ...(data as ShallowStep<'repeat'>), kind, path, steps: sub('steps') ?? [] };
    case 'branch': {
      const step = data as ShallowStep<'branch'>;
      const cases = step.branch.map((c, i) => ({
        when: c.when,
        steps: list(c.steps, [...path, 'branch', i, 'steps'], ctx) ?? [],
      }));
      return { ...step, kind, path, branch: cases, default: sub('default') };
    }
    case 'split': {
      const step = data as ShallowStep<'split'>;
      const variants = step.split.map((v, i) => ({ ...v, steps: list(v.steps, [...path, 'split', i, 'steps'], ctx) }));
      return { ...step, kind, path, split: variants };
    }
    default:
      return { ...(data as ShallowStep<'send'>), kind, path } as StepNode;
  }
}
