/**
 * Validates a condition written in the YAML and compiles it for the plan: operators checked (with
 * did-you-mean), operands typed, relative-time operands turned into milliseconds, `profile.`
 * prefixes dropped, and the `event.*` fields it reads recorded for the event router.
 */
import type { Condition, JsonValue } from './plan.js';
import { FIELD_OPERATORS, LOGICAL_OPERATORS, regexProblem, setOwn, toRegExp } from './conditions.js';
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

/**
 * Where a field's operators apply. Profile fields are also MongoDB queries (segments), so they keep
 * to what FerretDB and the evaluator read alike; event fields are only ever evaluated by Kizuna.
 */
interface FieldKind {
  origin: 'profile' | 'event';
  /** A dotted path (`consent.email`), which may cross arrays. */
  dotted: boolean;
  /** The profile field declared `date` that the operators apply to, else `null`. */
  dateField: string | null;
}

function compileDocument(
  ctx: CompileContext,
  raw: Record<string, unknown>,
  path: DocPath,
  scope: ConditionScope,
  topLevel: boolean,
  inherited: FieldKind | null = null,
): Condition {
  const out: Condition = {};
  for (const [key, operand] of Object.entries(raw)) {
    const at = [...path, key];
    if (key.startsWith('$')) {
      const compiled = compileLogical(ctx, key, operand, at, scope, topLevel, inherited);
      if (compiled !== undefined) out[key] = compiled;
    } else {
      const field = fieldPath(ctx, key, at, scope, topLevel);
      const origin = inherited?.origin ?? (key.startsWith('event.') ? 'event' : 'profile');
      const dotted = field.includes('.') || (inherited?.dotted ?? false);
      const dateField = inherited === null && origin === 'profile' && ctx.dateFields.has(field) ? field : null;
      const kind: FieldKind = { origin, dotted, dateField };
      setOwn(out, field, compileFieldValue(ctx, operand, at, scope, kind));
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
  inherited: FieldKind | null,
): JsonValue | undefined {
  if (!(LOGICAL_OPERATORS as readonly string[]).includes(op)) {
    const hint = suggest(op, [...LOGICAL_OPERATORS, ...FIELD_OPERATORS]);
    const message = `unknown operator "${op}" here; a field name or one of ${LOGICAL_OPERATORS.join(', ')} is expected`;
    ctx.sink.add('UNKNOWN_OPERATOR', message, ctx.positions.keyAt(path), path, { suggestion: hint });
    return undefined;
  }
  if (op === '$not') {
    if (isMapping(operand)) return compileDocument(ctx, operand, path, scope, topLevel, inherited);
    return badOperand(ctx, path, '$not takes a condition');
  }
  if (!Array.isArray(operand) || operand.length === 0 || !operand.every(isMapping)) {
    return badOperand(ctx, path, `${op} takes a non-empty list of conditions`);
  }
  return operand.map((c, i) => compileDocument(ctx, c, [...path, i], scope, topLevel, inherited));
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

function compileFieldValue(
  ctx: CompileContext,
  operand: unknown,
  path: DocPath,
  scope: ConditionScope,
  kind: FieldKind,
): JsonValue {
  if (!isMapping(operand) || !Object.keys(operand).some((k) => k.startsWith('$'))) {
    if (operand === null) refuseDottedNull(ctx, path, kind);
    else refuseDocumentValue(ctx, path, kind, [operand]);
    warnDateComparedWithValue(ctx, path, kind, [operand]);
    return operand as JsonValue;
  }
  const out: Record<string, JsonValue> = {};
  for (const [op, arg] of Object.entries(operand)) {
    const compiled = compileOperator(ctx, op, arg, [...path, op], scope, kind);
    if (compiled !== undefined) out[op] = compiled;
  }
  if (Object.hasOwn(operand, '$options') && !Object.hasOwn(operand, '$regex')) {
    badOperand(ctx, [...path, '$options'], '$options goes with $regex');
  }
  return out;
}

const isComparable = (arg: unknown): boolean => ['number', 'string', 'boolean'].includes(typeof arg);
const COMPARES =
  '$gt, $gte, $lt and $lte compare with a number, a string or true/false (dates: $olderThan, $withinLast)';

/** Operators whose operand only needs a type check, with the sentence shown when it fails. */
const SIMPLE_OPERANDS: Record<string, { accepts: (arg: unknown) => boolean; message: string }> = {
  $eq: { accepts: () => true, message: '' },
  $ne: { accepts: () => true, message: '' },
  $gt: { accepts: isComparable, message: COMPARES },
  $gte: { accepts: isComparable, message: COMPARES },
  $lt: { accepts: isComparable, message: COMPARES },
  $lte: { accepts: isComparable, message: COMPARES },
  $in: { accepts: Array.isArray, message: '$in takes a list, e.g. [a, b]' },
  $nin: { accepts: Array.isArray, message: '$nin takes a list, e.g. [a, b]' },
  $all: {
    accepts: (arg) => Array.isArray(arg) && arg.length > 0 && arg.every(isComparable),
    message: '$all takes a non-empty list of strings, numbers or true/false, e.g. [coffee, vip]',
  },
  $exists: { accepts: (arg) => typeof arg === 'boolean', message: '$exists takes true or false' },
  $size: { accepts: (arg) => Number.isInteger(arg) && (arg as number) >= 0, message: '$size takes a whole number' },
  $options: {
    accepts: (arg) => typeof arg === 'string' && /^[ims]*$/.test(arg),
    message: '$options takes letters among i, m, s',
  },
};

function compileOperator(
  ctx: CompileContext,
  op: string,
  arg: unknown,
  path: DocPath,
  scope: ConditionScope,
  kind: FieldKind,
): JsonValue | undefined {
  const simple = Object.hasOwn(SIMPLE_OPERANDS, op) ? SIMPLE_OPERANDS[op] : undefined;
  if (simple) {
    if (!simple.accepts(arg)) return badOperand(ctx, path, simple.message);
    const compared = ['$eq', '$ne'].includes(op) ? [arg] : ['$in', '$nin'].includes(op) ? (arg as unknown[]) : [];
    if (compared.includes(null) && !refuseDottedNull(ctx, path, kind)) return undefined;
    if (!refuseDocumentValue(ctx, path, kind, compared)) return undefined;
    if (RANGE_OPERATORS.has(op)) warnDateComparedWithValue(ctx, path, kind, [arg]);
    else warnDateComparedWithValue(ctx, path, kind, compared);
    return arg as JsonValue;
  }
  switch (op) {
    case '$regex':
      return compileRegex(ctx, arg, path);
    case '$not':
      if (isMapping(arg)) return compileFieldValue(ctx, arg, path, scope, kind);
      return badOperand(ctx, path, '$not takes operators, e.g. { $in: [a, b] }');
    case '$elemMatch':
      return isMapping(arg)
        ? compileElemMatch(ctx, arg, path, scope, kind)
        : badOperand(ctx, path, '$elemMatch takes a condition');
    case '$olderThan':
    case '$withinLast':
      if (kind.origin === 'event') {
        const message = `${op} reads dates, and event properties are JSON text: wait on an event date with wait_until`;
        return unsupported(ctx, path, message);
      }
      if (typeof arg === 'string') return durationMs(ctx, arg, path) ?? undefined;
      return badOperand(ctx, path, `${op} takes a duration such as 90d`);
    default:
      return unknownOperator(ctx, op, path);
  }
}

/**
 * Operators `$elemMatch` may hold on a profile field, one at a time: FerretDB v1 evaluates no
 * others alike, and tests several operators against any elements rather than one element.
 */
const ELEM_MATCH_OPERATORS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte', '$in', '$regex', '$options']);

function compileElemMatch(
  ctx: CompileContext,
  arg: Record<string, unknown>,
  path: DocPath,
  scope: ConditionScope,
  kind: FieldKind,
): JsonValue | undefined {
  const operatorForm = Object.keys(arg).every(
    (k) => k.startsWith('$') && !(LOGICAL_OPERATORS as readonly string[]).includes(k),
  );
  if (kind.origin === 'profile' && !elemMatchSupported(arg, operatorForm)) {
    const message =
      '$elemMatch on a profile field takes one of $eq, $gt, $gte, $lt, $lte, $in or $regex over values, e.g. { $gte: 3 }';
    return unsupported(ctx, path, message);
  }
  if (operatorForm) return compileFieldValue(ctx, arg, path, scope, kind);
  return compileDocument(ctx, arg, path, scope, false, kind);
}

function elemMatchSupported(arg: Record<string, unknown>, operatorForm: boolean): boolean {
  if (!operatorForm || Object.keys(arg).filter((op) => op !== '$options').length !== 1) return false;
  return Object.entries(arg).every(([op, operand]) => {
    if (!ELEM_MATCH_OPERATORS.has(op)) return false;
    if (op === '$in') return Array.isArray(operand) && operand.every(isComparable);
    return isComparable(operand);
  });
}

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

/**
 * A field declared `date` holds BSON dates, which never equal, nor sort beside, text or numbers
 * (MongoDB compares values of one type only): such a condition never matches (or, negated, always
 * does). A warning, not an error: the journey still compiles, as it did before the field was declared.
 */
function warnDateComparedWithValue(ctx: CompileContext, path: DocPath, kind: FieldKind, values: unknown[]): void {
  const value = values.find((v) => typeof v === 'string' || typeof v === 'number');
  if (kind.dateField === null || value === undefined) return;
  const message =
    `"${kind.dateField}" is a date, and a date never equals or compares with ${JSON.stringify(value)}: ` +
    'use $olderThan or $withinLast with a duration, e.g. { $olderThan: 90d }';
  ctx.sink.add('DATE_COMPARED_WITH_VALUE', message, ctx.positions.valueAt(path), path, { severity: 'warning' });
}

/** FerretDB v1 compares an embedded document with the whole field only, never with array elements. */
function refuseDocumentValue(ctx: CompileContext, path: DocPath, kind: FieldKind, values: unknown[]): boolean {
  const isDocument = (v: unknown): boolean => isMapping(v) || (Array.isArray(v) && v.some(isDocument));
  if (kind.origin !== 'profile' || !values.some(isDocument)) return true;
  const message =
    'comparing a profile field with a mapping is not supported; compare its fields, e.g. address.city: 渋谷区';
  unsupported(ctx, path, message);
  return false;
}

/** FerretDB v1 does not match `null` with a missing field behind a dotted path through an array. */
function refuseDottedNull(ctx: CompileContext, path: DocPath, kind: FieldKind): boolean {
  if (kind.origin !== 'profile' || !kind.dotted) return true;
  const message = 'comparing a dotted profile path with null is not supported; use $exists: false (or true)';
  unsupported(ctx, path, message);
  return false;
}

function unsupported(ctx: CompileContext, path: DocPath, message: string): undefined {
  ctx.sink.add('UNSUPPORTED_CONDITION', message, ctx.positions.valueAt(path), path);
  return undefined;
}

function compileRegex(ctx: CompileContext, arg: unknown, path: DocPath): JsonValue | undefined {
  if (typeof arg !== 'string') return badOperand(ctx, path, '$regex takes a pattern string');
  // A pattern that is not even a regular expression is BAD_REGEX; one outside the shared subset is UNSUPPORTED_REGEX.
  const problem = regexProblem(arg);
  if (problem !== null && isRegexSyntax(arg)) {
    ctx.sink.add('UNSUPPORTED_REGEX', `"${arg}": ${problem}`, ctx.positions.valueAt(path), path);
    return undefined;
  }
  if (problem !== null || toRegExp(arg, '') === null) {
    ctx.sink.add('BAD_REGEX', `"${arg}" is not a valid regular expression`, ctx.positions.valueAt(path), path);
    return undefined;
  }
  return arg;
}

function isRegexSyntax(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
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
