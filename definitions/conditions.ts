/**
 * The pure evaluator of compiled conditions (MongoDB query syntax), shared by the workflow side,
 * the simulator and the compiler; `mongo-query.ts` turns the same conditions into MongoDB queries.
 *
 * No Node built-ins, clock or I/O here: this module is imported by Temporal workflow code.
 */
import type { Condition } from './plan.js';

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
 * array matches when any element matches, a missing field equals `null`, comparisons never match
 * across types, embedded documents are equal only with their keys in the same order, strings
 * order by code point. For the language as compiled, it selects exactly the documents that
 * `find(toMongoQuery(condition, nowMs))` returns from FerretDB (see docs/conditions.md).
 *
 * The document a journey passes is the profile, with the event in scope under `event`.
 * `$olderThan` / `$withinLast` take milliseconds and match only `Date` values (BSON dates), as the
 * MongoDB query does; date text must be read into a `Date` first (`definitions/dates.ts`).
 * `$regex` follows FerretDB's (Go) syntax, see {@link toRegExp}. Unknown operators never match.
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

/** A mapping whose keys are all operators (`{ $gte: 1, $lt: 5 }`). */
export function isOperatorObject(operand: unknown): operand is Record<string, unknown> {
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
      // MongoDB: the $and of equalities, so a scalar field can match; an empty list matches nothing.
      return Array.isArray(arg) && arg.length > 0 && arg.every((a) => matchEquals(values, a));
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
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  return null;
}

/** Binary (UTF-8, hence code point) order, as MongoDB compares strings; UTF-16 order differs above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

const regexCache = new Map<string, RegExp | null>();

function matchRegex(values: unknown[], pattern: unknown, options: unknown): boolean {
  const regex = toRegExp(pattern, options);
  return regex !== null && anyValue(values, (v) => typeof v === 'string' && regex.test(v));
}

/**
 * Builds (and memoises) the RegExp of a `$regex` operand, with FerretDB's semantics (Go's RE2 over
 * code points): `.` matches anything but `\n`, `^`/`$` with option `m` break lines at `\n` only.
 * `null` when the pattern does not compile or uses syntax outside {@link regexProblem}'s subset.
 */
export function toRegExp(pattern: unknown, options: unknown): RegExp | null {
  if (pattern instanceof RegExp) return pattern;
  if (typeof pattern !== 'string') return null;
  const opts = typeof options === 'string' ? options : '';
  const key = `${opts}/${pattern}`;
  const cached = regexCache.get(key);
  if (cached !== undefined) return cached;
  const source = translateRegex(pattern, opts.includes('s'), opts.includes('m'));
  let regex: RegExp | null = null;
  try {
    if (typeof source === 'string') regex = new RegExp(source, opts.includes('i') ? 'iu' : 'u');
  } catch {
    regex = null;
  }
  regexCache.set(key, regex);
  return regex;
}

/** Why `pattern` is outside the regex syntax both sides read alike, or `null` when it is inside. */
export function regexProblem(pattern: string): string | null {
  const source = translateRegex(pattern, false, false);
  return typeof source === 'string' ? null : source.problem;
}

const SAFE_ESCAPES = new Set(['d', 'D', 't', 'n', 'r', 'f', 'v']);

// Walks the pattern once, rewriting what JavaScript reads differently from Go and refusing what
// has no common meaning (lookarounds, backreferences, Unicode classes, \s and \w, which differ).
function translateRegex(pattern: string, dotAll: boolean, multiline: boolean): string | { problem: string } {
  const chars = [...pattern];
  let out = '';
  let inClass = false;
  let classOpen = false;
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] ?? '';
    const next = chars[i + 1];
    if (ch === '\\') {
      const escape = translateEscape(chars, i);
      if (typeof escape === 'string') return { problem: escape };
      out += escape.text;
      i += escape.length - 1;
      classOpen = false;
      continue;
    }
    if (inClass) {
      if (ch === '[') return { problem: '"[" inside a character class; write it as \\[' };
      if (ch === ']' && classOpen) return { problem: 'an empty character class' };
      if (ch === ']') inClass = false;
      classOpen = false;
      out += ch;
      continue;
    }
    const piece = translateOutsideClass(chars, i, dotAll, multiline);
    if (typeof piece !== 'string') return piece;
    if (ch === '[') {
      inClass = true;
      classOpen = true;
      if (next === '^') i += 1;
    }
    out += piece;
  }
  return inClass ? { problem: 'a character class is not closed' } : out;
}

/** The escape at `chars[i]` (a backslash) and how many characters it takes, or why it is refused. */
function translateEscape(chars: string[], i: number): { text: string; length: number } | string {
  const next = chars[i + 1];
  if (next === undefined) return 'the pattern ends with a lone \\';
  const hex = next === 'x' ? /^[0-9A-Fa-f]{2}$/.exec(chars.slice(i + 2, i + 4).join('')) : null;
  if (hex !== null) return { text: `\\x${hex[0]}`, length: 4 };
  if (/[A-Za-z0-9]/.test(next) && !SAFE_ESCAPES.has(next)) {
    return `\\${next} is not supported; escapes allowed: \\d \\D \\t \\n \\r \\f \\v \\xHH and \\ before punctuation`;
  }
  return { text: `\\${next}`, length: 2 };
}

function translateOutsideClass(
  chars: string[],
  i: number,
  dotAll: boolean,
  multiline: boolean,
): string | { problem: string } {
  const ch = chars[i] ?? '';
  switch (ch) {
    case '.':
      return dotAll ? '[\\s\\S]' : '[^\\n]';
    // Positive lookarounds only: V8 also tries an empty match between the two halves of a surrogate pair,
    // where it reads no character on either side, so `(?<![^\n])b?(?![^\n])` matched "😀" there.
    case '^':
      return multiline ? '(?:^|(?<=\\n))' : '^';
    case '$':
      return multiline ? '(?:$|(?=\\n))' : '$';
    case '[':
      return chars[i + 1] === '^' ? '[^' : '[';
    case '(':
      if (chars[i + 1] === '?' && chars[i + 2] !== ':') {
        return { problem: 'only (?:...) groups are supported; no lookarounds, named groups or inline flags' };
      }
      return ch;
    case '{': {
      const counts = /^\{(\d+)(?:,(\d*))?\}/.exec(chars.slice(i, i + 16).join(''));
      if (counts !== null && Math.max(Number(counts[1]), Number(counts[2] || 0)) > 1000) {
        return { problem: 'a repetition count above 1000' };
      }
      return ch;
    }
    default:
      return ch;
  }
}

function relativeTime(value: unknown, operandMs: unknown, nowMs: number): 'older' | 'within' | null {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()) || typeof operandMs !== 'number') return null;
  return value.getTime() < nowMs - operandMs ? 'older' : 'within';
}

/** Deep equality with MongoDB's rule for embedded documents: same keys in the same order. */
export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    const other = Object.keys(b);
    return keys.length === other.length && keys.every((k, i) => k === other[i] && equals(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/** Sets `key` as an own property, even when it is "__proto__" (a plain assignment would replace the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A mapping (not a list, null or Date). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
