/** Compiles one step of each kind into its plan form (successors come from the list walk). */
import type { DeliveryChannel, SendChannel, StepId, StepPlan } from './plan.js';
import type { CompileContext } from './context.js';
import { checkEventName, durationMs, listen } from './context.js';
import { compileCondition } from './check-condition.js';
import type { DocPath } from './load-yaml.js';
import type {
  BranchNode,
  IfNode,
  RepeatNode,
  SendNode,
  SplitNode,
  StepNode,
  UpdateProfileNode,
  WaitForNode,
} from './parse-steps.js';
import { compileWaitUntil } from './compile-wait-until.js';
import { compileLineRichMenu } from './compile-richmenu.js';

/** A template a send step references, checked against the catalog once all steps are compiled. */
export interface SendRef {
  template: string;
  channels: DeliveryChannel[];
  path: DocPath;
}

type ListFn = (list: StepNode[] | undefined, after: StepId | null) => StepId | null;

/** Compiles `node` whose successor is `next`; returns null when the step has errors (reported). */
export function compileStepBody(
  ctx: CompileContext,
  node: StepNode,
  id: StepId,
  next: StepId | null,
  list: ListFn,
  sends: SendRef[],
): StepPlan | null {
  const base = { id, loc: ctx.positions.valueAt(node.path) };
  switch (node.kind) {
    case 'send':
      return compileSend(ctx, node, base, next, sends);
    case 'wait': {
      const ms = durationMs(ctx, node.wait, [...node.path, 'wait']);
      return ms === null ? null : { ...base, kind: 'wait', durationMs: ms, next };
    }
    case 'wait_until':
      return compileWaitUntil(ctx, node, base, next);
    case 'wait_for':
      return compileWaitFor(ctx, node, base, next, list);
    case 'if':
      return compileIf(ctx, node, base, next, list);
    case 'branch':
      return compileBranch(ctx, node, base, next, list);
    case 'split':
      return compileSplit(ctx, node, base, next, list);
    case 'repeat':
      return compileRepeat(ctx, node, base, next, list);
    case 'update_profile':
      return compileUpdate(ctx, node, base, next);
    case 'line_richmenu':
      return compileLineRichMenu(ctx, node, base, next);
    case 'exit':
      return { ...base, kind: 'exit', outcome: node.exit ?? 'exited' };
    default:
      return assertNever(node);
  }
}

function compileSend(ctx: CompileContext, node: SendNode, base: Base, next: StepId | null, sends: SendRef[]): StepPlan {
  const { channel, template, fallback = null } = node.send;
  if (fallback !== null && fallback === channel) {
    const path = [...node.path, 'send', 'fallback'];
    const message = `the fallback is the channel itself (${channel})`;
    ctx.sink.add('FALLBACK_SAME_CHANNEL', message, ctx.positions.valueAt(path), path);
  }
  sends.push({ template, channels: channelsNeeded(channel, fallback), path: [...node.path, 'send', 'template'] });
  return { ...base, kind: 'send', channel, template, fallback, next };
}

function compileWaitFor(
  ctx: CompileContext,
  node: WaitForNode,
  base: Base,
  next: StepId | null,
  list: ListFn,
): StepPlan | null {
  const { event, where, timeout } = node.wait_for;
  const path = [...node.path, 'wait_for'];
  emptyCheck(ctx, node.on_event, [...node.path, 'on_event']);
  emptyCheck(ctx, node.on_timeout, [...node.path, 'on_timeout']);
  const onEvent = withEventScope(ctx, { step: base.id, event }, () => list(node.on_event, next));
  const onTimeout = list(node.on_timeout, next);
  const timeoutMs = durationMs(ctx, timeout, [...path, 'timeout']);
  if (!checkEventName(ctx, event, [...path, 'event'])) return null;
  listen(ctx, event, 'wait_for');
  const condition = where === undefined ? null : compileCondition(ctx, where, [...path, 'where'], { event });
  if (timeoutMs === null) return null;
  return { ...base, kind: 'wait_for', event, where: condition, timeoutMs, onEvent, onTimeout };
}

function compileIf(ctx: CompileContext, node: IfNode, base: Base, next: StepId | null, list: ListFn): StepPlan | null {
  emptyCheck(ctx, node.then, [...node.path, 'then']);
  emptyCheck(ctx, node.else, [...node.path, 'else']);
  const condition = compileCondition(ctx, node.if, [...node.path, 'if'], { event: scopeEvent(ctx) });
  const scoped = { ...base, ...eventFrom(ctx) };
  const thenId = list(node.then, next);
  const elseId = list(node.else, next);
  return condition === null ? null : { ...scoped, kind: 'if', condition, then: thenId, else: elseId };
}

/** Fails to compile when a step kind is not handled. */
export function assertNever(value: never): never {
  throw new Error(`unhandled step: ${JSON.stringify(value)}`);
}

/** Runs `fn` with `event.*` in conditions naming the event a wait_for step received. */
function withEventScope<T>(ctx: CompileContext, scope: { step: StepId; event: string }, fn: () => T): T {
  const outer = ctx.eventScope;
  ctx.eventScope = scope;
  try {
    return fn();
  } finally {
    ctx.eventScope = outer;
  }
}

function scopeEvent(ctx: CompileContext): string | null {
  return ctx.eventScope?.event ?? ctx.entryEvent;
}

function eventFrom(ctx: CompileContext): { eventFrom?: StepId } {
  return ctx.eventScope === null ? {} : { eventFrom: ctx.eventScope.step };
}

function channelsNeeded(channel: SendChannel, fallback: DeliveryChannel | null): DeliveryChannel[] {
  const primary: DeliveryChannel[] = channel === 'preferred' ? ['line', 'email'] : [channel];
  return fallback === null || primary.includes(fallback) ? primary : [...primary, fallback];
}

function emptyCheck(ctx: CompileContext, steps: StepNode[] | undefined, path: DocPath): void {
  if (steps === undefined || steps.length > 0) return;
  ctx.sink.add(
    'EMPTY_BRANCH',
    'this branch has no steps; add steps or remove the key',
    ctx.positions.keyAt(path),
    path,
  );
}

type Base = { id: StepId; loc: { line: number; col: number } };

function compileBranch(
  ctx: CompileContext,
  node: BranchNode,
  base: Base,
  next: StepId | null,
  list: ListFn,
): StepPlan | null {
  if (node.branch.length === 0) emptyCheck(ctx, [], [...node.path, 'branch']);
  emptyCheck(ctx, node.default, [...node.path, 'default']);
  let ok = true;
  const cases = node.branch.map((c, i) => {
    emptyCheck(ctx, c.steps, [...node.path, 'branch', i, 'steps']);
    const condition = compileCondition(ctx, c.when, [...node.path, 'branch', i, 'when'], { event: scopeEvent(ctx) });
    if (condition === null) ok = false;
    return { condition: condition ?? {}, next: list(c.steps, next) };
  });
  const fallthrough = list(node.default, next);
  return ok ? { ...base, ...eventFrom(ctx), kind: 'branch', cases, default: fallthrough } : null;
}

function compileSplit(
  ctx: CompileContext,
  node: SplitNode,
  base: Base,
  next: StepId | null,
  list: ListFn,
): StepPlan | null {
  const before = ctx.sink.errors.length;
  if (node.split.length < 2) {
    const path = [...node.path, 'split'];
    ctx.sink.add('SPLIT_TOO_FEW_VARIANTS', 'a split needs at least two variants', ctx.positions.keyAt(path), path);
  }
  const names = new Set<string>();
  const variants = node.split.map((v, i) => {
    const path = [...node.path, 'split', i];
    if (!Number.isInteger(v.weight) || v.weight <= 0) {
      const message = `weight ${v.weight} must be a positive whole number (weights are relative: 50 and 50, or 1 and 1)`;
      ctx.sink.add('BAD_SPLIT_WEIGHT', message, ctx.positions.valueAt([...path, 'weight']), [...path, 'weight']);
    }
    if (names.has(v.name)) {
      ctx.sink.add('DUPLICATE_VARIANT', `variant "${v.name}" appears twice`, ctx.positions.valueAt([...path, 'name']), [
        ...path,
        'name',
      ]);
    }
    names.add(v.name);
    return { name: v.name, weight: v.weight, next: list(v.steps, next) };
  });
  return ctx.sink.errors.length === before ? { ...base, kind: 'split', variants } : null;
}

/** A reminder loop longer than this is a mistake, and each round costs workflow history. */
const MAX_REPEAT_TIMES = 100;

function compileRepeat(
  ctx: CompileContext,
  node: RepeatNode,
  base: Base,
  next: StepId | null,
  list: ListFn,
): StepPlan | null {
  const path = [...node.path, 'repeat'];
  const { times, every, until } = node.repeat;
  if (node.steps.length === 0) {
    const stepsPath = [...node.path, 'steps'];
    ctx.sink.add(
      'REPEAT_WITHOUT_BODY',
      'repeat needs at least one step to repeat',
      ctx.positions.keyAt(stepsPath),
      stepsPath,
    );
  }
  const timesOk = times >= 1 && times <= MAX_REPEAT_TIMES;
  if (!timesOk) {
    const message = `times must be from 1 to ${MAX_REPEAT_TIMES}; found ${times}`;
    ctx.sink.add('OUT_OF_RANGE', message, ctx.positions.valueAt([...path, 'times']), [...path, 'times']);
  }
  const everyMs = durationMs(ctx, every, [...path, 'every']);
  let untilPlan = null;
  if (until !== undefined && checkEventName(ctx, until.event, [...path, 'until', 'event'])) {
    listen(ctx, until.event, 'repeat_until');
    const where =
      until.where === undefined
        ? null
        : compileCondition(ctx, until.where, [...path, 'until', 'where'], { event: until.event });
    untilPlan = { event: until.event, where };
  }
  const body = list(node.steps, base.id);
  if (everyMs === null || body === null || !timesOk) return null;
  return { ...base, kind: 'repeat', times, everyMs, until: untilPlan, body, next };
}

function compileUpdate(ctx: CompileContext, node: UpdateProfileNode, base: Base, next: StepId | null): StepPlan | null {
  const { set = {}, add_tags: addTags = [], remove_tags: removeTags = [] } = node.update_profile;
  if (Object.keys(set).length + addTags.length + removeTags.length === 0) {
    const path = [...node.path, 'update_profile'];
    ctx.sink.add(
      'EMPTY_UPDATE',
      'update_profile changes nothing; give set, add_tags or remove_tags',
      ctx.positions.keyAt(path),
      path,
    );
    return null;
  }
  return { ...base, kind: 'update_profile', set: set as Record<string, never>, addTags, removeTags, next };
}
