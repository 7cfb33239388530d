/**
 * The pure evaluator of compiled conditions (MongoDB query syntax), shared by the workflow side,
 * the simulator and the compiler, and its translation into a real MongoDB query for segments.
 *
 * No Node built-ins, clock or I/O here: this module is imported by Temporal workflow code.
 */
import type { Condition, JsonValue } from './plan.js';

/** Operators allowed on a field (`{ field: { $op: operand } }`). */
export const FIELD_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$not',
  '$regex',
  '$options',
  '$size',
  '$all',
  '$elemMatch',
  '$olderThan',
  '$withinLast',
] as const;

/** Operators allowed where a field name is expected (`{ $or: [...] }`). */
export const LOGICAL_OPERATORS = ['$and', '$or', '$nor', '$not'] as const;

export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export type LogicalOperator = (typeof LOGICAL_OPERATORS)[number];

type Doc = Record<string, unknown>;

/**
 * Tells whether `doc` matches `condition`, with MongoDB semantics: dotted paths, a field holding an
 * array matches when any element matches, a missing field equals `null`.
 *
 * The document a journey passes is the profile, with the event in scope under `event`.
 * `$olderThan` / `$withinLast` take milliseconds and compare a date field (ISO string or epoch ms)
 * with `nowMs`. Unknown operators never match (the compiler rejects them before run time).
 */
export function evaluateCondition(condition: Condition, doc: Record<string, unknown>, nowMs: number): boolean {
  return matchDocument(condition, doc, nowMs);
}

function matchDocument(condition: unknown, doc: unknown, nowMs: number): boolean {
  if (!isPlainObject(condition)) return false;
  for (const [key, operand] of Object.entries(condition)) {
    if (!matchTopLevelKey(key, operand, doc, nowMs)) return false;
  }
  return true;
}

function matchTopLevelKey(key: string, operand: unknown, doc: unknown, nowMs: number): boolean {
  switch (key) {
    case '$and':
      return Array.isArray(operand) && operand.every((c) => matchDocument(c, doc, nowMs));
    case '$or':
      return Array.isArray(operand) && operand.some((c) => matchDocument(c, doc, nowMs));
    case '$nor':
      return Array.isArray(operand) && !operand.some((c) => matchDocument(c, doc, nowMs));
    case '$not':
      return !matchDocument(operand, doc, nowMs);
    default:
      if (key.startsWith('$')) return false;
      return matchField(resolvePath(doc, key.split('.')), operand, nowMs);
  }
}

/** Values reached by a dotted path; arrays on the way fan out over their elements, as MongoDB does. */
export function resolvePath(value: unknown, parts: readonly string[]): unknown[] {
  if (parts.length === 0) return [value];
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(head)) return resolvePath(value[Number(head)], rest);
    return value.flatMap((element) => (isPlainObject(element) ? resolvePath(element, parts) : []));
  }
  // Own keys only: a field named "constructor" or "__proto__" is data, not the object's machinery.
  if (isPlainObject(value)) return resolvePath(Object.hasOwn(value, head) ? value[head] : undefined, rest);
  return [undefined];
}

function isOperatorObject(operand: unknown): operand is Doc {
  if (!isPlainObject(operand)) return false;
  const keys = Object.keys(operand);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function matchField(values: unknown[], operand: unknown, nowMs: number): boolean {
  if (operand instanceof RegExp) return anyValue(values, (v) => typeof v === 'string' && operand.test(v));
  if (!isOperatorObject(operand)) return matchEquals(values, operand);
  for (const [op, arg] of Object.entries(operand)) {
    if (op === '$options') continue;
    if (!matchOperator(op, arg, operand, values, nowMs)) return false;
  }
  return true;
}

function matchOperator(op: string, arg: unknown, all: Doc, values: unknown[], nowMs: number): boolean {
  switch (op) {
    case '$eq':
      return matchEquals(values, arg);
    case '$ne':
      return !matchEquals(values, arg);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyValue(values, (v) => compareWith(op, v, arg));
    case '$in':
      return Array.isArray(arg) && arg.some((a) => matchEquals(values, a));
    case '$nin':
      return Array.isArray(arg) && !arg.some((a) => matchEquals(values, a));
    case '$exists':
      return values.some((v) => v !== undefined) === Boolean(arg);
    case '$not':
      return !matchField(values, arg, nowMs);
    case '$regex':
      return matchRegex(values, arg, all['$options']);
    case '$size':
      return values.some((v) => Array.isArray(v) && v.length === arg);
    case '$all':
      return (
        Array.isArray(arg) && values.some((v) => Array.isArray(v) && arg.every((a) => v.some((e) => equals(e, a))))
      );
    case '$elemMatch':
      return values.some((v) => Array.isArray(v) && v.some((e) => matchElement(e, arg, nowMs)));
    case '$olderThan':
      return anyValue(values, (v) => relativeTime(v, arg, nowMs) === 'older');
    case '$withinLast':
      return anyValue(values, (v) => relativeTime(v, arg, nowMs) === 'within');
    default:
      return false;
  }
}

function matchElement(element: unknown, arg: unknown, nowMs: number): boolean {
  if (isOperatorObject(arg) && !Object.keys(arg).some((k) => k === '$and' || k === '$or' || k === '$nor')) {
    return matchField([element], arg, nowMs);
  }
  return isPlainObject(element) && matchDocument(arg, element, nowMs);
}

/** A value matches when it equals the operand, or is an array with an element that does. */
function anyValue(values: unknown[], predicate: (value: unknown) => boolean): boolean {
  return values.some((v) => predicate(v) || (Array.isArray(v) && v.some(predicate)));
}

function matchEquals(values: unknown[], operand: unknown): boolean {
  if (operand === null)
    return values.some((v) => v === undefined || v === null || (Array.isArray(v) && v.includes(null)));
  return anyValue(values, (v) => equals(v, operand));
}

function compareWith(op: '$gt' | '$gte' | '$lt' | '$lte', value: unknown, operand: unknown): boolean {
  const order = compare(value, operand);
  if (order === null) return false;
  switch (op) {
    case '$gt':
      return order > 0;
    case '$gte':
      return order >= 0;
    case '$lt':
      return order < 0;
    case '$lte':
      return order <= 0;
  }
}

/** Orders values of the same type only; MongoDB never matches `$gt` across types. */
function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  return null;
}

const regexCache = new Map<string, RegExp | null>();

function matchRegex(values: unknown[], pattern: unknown, options: unknown): boolean {
  const regex = toRegExp(pattern, options);
  return regex !== null && anyValue(values, (v) => typeof v === 'string' && regex.test(v));
}

/** Builds (and memoises) the RegExp of a `$regex` operand; `null` when it does not compile. */
export function toRegExp(pattern: unknown, options: unknown): RegExp | null {
  if (pattern instanceof RegExp) return pattern;
  if (typeof pattern !== 'string') return null;
  const flags = typeof options === 'string' ? options.replace(/[^imsu]/g, '') : '';
  const key = `${flags}/${pattern}`;
  const cached = regexCache.get(key);
  if (cached !== undefined) return cached;
  let regex: RegExp | null;
  try {
    regex = new RegExp(pattern, flags);
  } catch {
    regex = null;
  }
  regexCache.set(key, regex);
  return regex;
}

/** Epoch ms of a date field: epoch milliseconds, an ISO 8601 string, or a Date. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function relativeTime(value: unknown, operandMs: unknown, nowMs: number): 'older' | 'within' | null {
  const at = toEpochMs(value);
  if (at === null || typeof operandMs !== 'number') return null;
  return at < nowMs - operandMs ? 'older' : 'within';
}

/** Deep equality over JSON-like values; object key order does not matter. */
export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equals(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/** Sets `key` as an own property, even when it is "__proto__" (a plain assignment would replace the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Options of {@link toMongoQuery}. */
export interface MongoQueryOptions {
  /** Maps a condition path (a profile field) to the stored document path; identity by default. */
  mapPath?: (path: string) => string;
}

/**
 * Turns a compiled condition into a MongoDB query evaluated at `nowMs`: `$olderThan: ms` becomes
 * `$lt: Date(now - ms)`, `$withinLast: ms` becomes `$gte: Date(now - ms)`, a top-level `$not`
 * becomes `$nor`. The result holds Date objects, so it is not JSON.
 */
export function toMongoQuery(condition: Condition, nowMs: number, options: MongoQueryOptions = {}): Doc {
  const mapPath = options.mapPath ?? ((path: string) => path);
  return translateDocument(condition, nowMs, mapPath);
}

function translateDocument(condition: Condition, nowMs: number, mapPath: (path: string) => string): Doc {
  const out: Doc = {};
  const extra: Doc[] = [];
  for (const [key, operand] of Object.entries(condition)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      out[key] = asConditions(operand).map((c) => translateDocument(c, nowMs, mapPath));
    } else if (key === '$not') {
      extra.push({ $nor: [translateDocument(asConditions([operand])[0] ?? {}, nowMs, mapPath)] });
    } else {
      const { ops, overflow } = translateField(operand, nowMs, mapPath);
      setOwn(out, mapPath(key), ops);
      for (const more of overflow) extra.push({ [mapPath(key)]: more });
    }
  }
  if (extra.length > 0) out['$and'] = [...((out['$and'] as Doc[] | undefined) ?? []), ...extra];
  return out;
}

function asConditions(operand: JsonValue | undefined): Condition[] {
  if (!Array.isArray(operand)) return [];
  return operand.filter((c): c is Condition => isPlainObject(c));
}

function translateField(
  operand: JsonValue,
  nowMs: number,
  mapPath: (path: string) => string,
): { ops: unknown; overflow: Doc[] } {
  if (!isOperatorObject(operand)) return { ops: operand, overflow: [] };
  const ops: Doc = {};
  const overflow: Doc[] = [];
  const put = (op: string, value: unknown): void => {
    if (Object.hasOwn(ops, op)) overflow.push({ [op]: value });
    else setOwn(ops, op, value);
  };
  for (const [op, arg] of Object.entries(operand as Record<string, JsonValue>)) {
    if (op === '$olderThan' && typeof arg === 'number') put('$lt', new Date(nowMs - arg));
    else if (op === '$withinLast' && typeof arg === 'number') put('$gte', new Date(nowMs - arg));
    else if (op === '$not') put('$not', translateField(arg, nowMs, mapPath).ops);
    else if (op === '$elemMatch' && isPlainObject(arg)) put(op, translateElemMatch(arg, nowMs, mapPath));
    else put(op, arg);
  }
  return { ops, overflow };
}

function translateElemMatch(arg: Doc, nowMs: number, mapPath: (path: string) => string): unknown {
  if (isOperatorObject(arg)) return translateField(arg as JsonValue, nowMs, mapPath).ops;
  return translateDocument(arg, nowMs, (p) => p);
}
