/**
 * Validates a condition written in the YAML and compiles it for the plan: operators checked (with
 * did-you-mean), operands typed, relative-time operands turned into milliseconds, `profile.`
 * prefixes dropped, and the `event.*` fields it reads recorded for the event router.
 */
import type { Condition, JsonValue } from './plan.js';
import { FIELD_OPERATORS, LOGICAL_OPERATORS, setOwn, toRegExp } from './conditions.js';
import type { CompileContext } from './context.js';
import { durationMs, readEventField } from './context.js';
import type { DocPath } from './load-yaml.js';
import { suggest } from './suggest.js';

/** Which event `event.*` paths name here; `null` when no event is in scope (segments). */
export interface ConditionScope {
  event: string | null;
}

/** Compiles the condition at `path`; returns null when it has errors (all reported). */
export function compileCondition(
  ctx: CompileContext,
  raw: Record<string, unknown>,
  path: DocPath,
  scope: ConditionScope,
): Condition | null {
  const before = ctx.sink.errors.length;
  const condition = compileDocument(ctx, raw, path, scope, true);
  return ctx.sink.errors.length === before ? condition : null;
}

function compileDocument(
  ctx: CompileContext,
  raw: Record<string, unknown>,
  path: DocPath,
  scope: ConditionScope,
  topLevel: boolean,
): Condition {
  const out: Condition = {};
  for (const [key, operand] of Object.entries(raw)) {
    const at = [...path, key];
    if (key.startsWith('$')) {
      const compiled = compileLogical(ctx, key, operand, at, scope, topLevel);
      if (compiled !== undefined) out[key] = compiled;
    } else {
      const field = fieldPath(ctx, key, at, scope, topLevel);
      setOwn(out, field, compileFieldValue(ctx, operand, at, scope));
    }
  }
  return out;
}

function compileLogical(
  ctx: CompileContext,
  op: string,
  operand: unknown,
  path: DocPath,
  scope: ConditionScope,
  topLevel: boolean,
): JsonValue | undefined {
  if (!(LOGICAL_OPERATORS as readonly string[]).includes(op)) {
    const hint = suggest(op, [...LOGICAL_OPERATORS, ...FIELD_OPERATORS]);
    const message = `unknown operator "${op}" here; a field name or one of ${LOGICAL_OPERATORS.join(', ')} is expected`;
    ctx.sink.add('UNKNOWN_OPERATOR', message, ctx.positions.keyAt(path), path, { suggestion: hint });
    return undefined;
  }
  if (op === '$not') {
    if (isMapping(operand)) return compileDocument(ctx, operand, path, scope, topLevel);
    return badOperand(ctx, path, '$not takes a condition');
  }
  if (!Array.isArray(operand) || operand.length === 0 || !operand.every(isMapping)) {
    return badOperand(ctx, path, `${op} takes a non-empty list of conditions`);
  }
  return operand.map((c, i) => compileDocument(ctx, c, [...path, i], scope, topLevel));
}

function fieldPath(ctx: CompileContext, key: string, path: DocPath, scope: ConditionScope, topLevel: boolean): string {
  if (!topLevel) return key;
  if (key.startsWith('event.')) {
    if (scope.event === null) {
      const message = `"${key}" reads an event, but no event is in scope here; use profile fields`;
      ctx.sink.add('EVENT_PATH_OUT_OF_SCOPE', message, ctx.positions.keyAt(path), path);
    } else readEventField(ctx, scope.event, key.slice('event.'.length));
    return key;
  }
  const field = key.startsWith('profile.') ? key.slice('profile.'.length) : key;
  warnUndeclared(ctx, field, path);
  return field;
}

function warnUndeclared(ctx: CompileContext, field: string, path: DocPath): void {
  const declared = ctx.profileFields;
  const root = field.split('.')[0] ?? field;
  if (declared === undefined || declared.has(field) || declared.has(root)) return;
  ctx.sink.add('UNDECLARED_FIELD', `no profile field "${field}" is declared`, ctx.positions.keyAt(path), path, {
    severity: 'warning',
    suggestion: suggest(field, declared),
  });
}

function compileFieldValue(ctx: CompileContext, operand: unknown, path: DocPath, scope: ConditionScope): JsonValue {
  if (!isMapping(operand) || !Object.keys(operand).some((k) => k.startsWith('$'))) return operand as JsonValue;
  const out: Record<string, JsonValue> = {};
  for (const [op, arg] of Object.entries(operand)) {
    const compiled = compileOperator(ctx, op, arg, [...path, op], scope);
    if (compiled !== undefined) out[op] = compiled;
  }
  return out;
}

const isComparable = (arg: unknown): boolean => ['number', 'string', 'boolean'].includes(typeof arg);

/** Operators whose operand only needs a type check, with the sentence shown when it fails. */
const SIMPLE_OPERANDS: Record<string, { accepts: (arg: unknown) => boolean; message: string }> = {
  $eq: { accepts: () => true, message: '' },
  $ne: { accepts: () => true, message: '' },
  $gt: { accepts: isComparable, message: '$gt compares with a number, a string or a date string' },
  $gte: { accepts: isComparable, message: '$gte compares with a number, a string or a date string' },
  $lt: { accepts: isComparable, message: '$lt compares with a number, a string or a date string' },
  $lte: { accepts: isComparable, message: '$lte compares with a number, a string or a date string' },
  $in: { accepts: Array.isArray, message: '$in takes a list, e.g. [a, b]' },
  $nin: { accepts: Array.isArray, message: '$nin takes a list, e.g. [a, b]' },
  $all: { accepts: Array.isArray, message: '$all takes a list, e.g. [a, b]' },
  $exists: { accepts: (arg) => typeof arg === 'boolean', message: '$exists takes true or false' },
  $size: { accepts: (arg) => Number.isInteger(arg) && (arg as number) >= 0, message: '$size takes a whole number' },
  $options: {
    accepts: (arg) => typeof arg === 'string' && /^[imsu]*$/.test(arg),
    message: '$options takes letters among i, m, s, u',
  },
};

function compileOperator(
  ctx: CompileContext,
  op: string,
  arg: unknown,
  path: DocPath,
  scope: ConditionScope,
): JsonValue | undefined {
  const simple = Object.hasOwn(SIMPLE_OPERANDS, op) ? SIMPLE_OPERANDS[op] : undefined;
  if (simple) return simple.accepts(arg) ? (arg as JsonValue) : badOperand(ctx, path, simple.message);
  switch (op) {
    case '$regex':
      return compileRegex(ctx, arg, path);
    case '$not':
      if (isMapping(arg)) return compileFieldValue(ctx, arg, path, scope);
      return badOperand(ctx, path, '$not takes operators, e.g. { $in: [a, b] }');
    case '$elemMatch':
      return isMapping(arg)
        ? compileElemMatch(ctx, arg, path, scope)
        : badOperand(ctx, path, '$elemMatch takes a condition');
    case '$olderThan':
    case '$withinLast':
      if (typeof arg === 'string') return durationMs(ctx, arg, path) ?? undefined;
      return badOperand(ctx, path, `${op} takes a duration such as 90d`);
    default:
      return unknownOperator(ctx, op, path);
  }
}

function compileElemMatch(
  ctx: CompileContext,
  arg: Record<string, unknown>,
  path: DocPath,
  scope: ConditionScope,
): JsonValue {
  if (Object.keys(arg).every((k) => k.startsWith('$') && !(LOGICAL_OPERATORS as readonly string[]).includes(k))) {
    return compileFieldValue(ctx, arg, path, scope);
  }
  return compileDocument(ctx, arg, path, scope, false);
}

function compileRegex(ctx: CompileContext, arg: unknown, path: DocPath): JsonValue | undefined {
  if (typeof arg !== 'string') return badOperand(ctx, path, '$regex takes a pattern string');
  if (toRegExp(arg, '') === null) {
    ctx.sink.add('BAD_REGEX', `"${arg}" is not a valid regular expression`, ctx.positions.valueAt(path), path);
    return undefined;
  }
  return arg;
}

function unknownOperator(ctx: CompileContext, op: string, path: DocPath): undefined {
  const hint = suggest(op, FIELD_OPERATORS);
  ctx.sink.add('UNKNOWN_OPERATOR', `unknown operator "${op}"`, ctx.positions.keyAt(path), path, { suggestion: hint });
  return undefined;
}

function badOperand(ctx: CompileContext, path: DocPath, message: string): undefined {
  ctx.sink.add('BAD_OPERAND', message, ctx.positions.valueAt(path), path);
  return undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
