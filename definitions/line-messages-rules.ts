/**
 * The rule language of the LINE message checks and the walker that applies it: a message is checked
 * against object specs (required keys, known keys, each key's rule) the way LINE's Messaging API
 * validates a request body. Pure: no I/O, no positions — issues carry a JSON path only.
 */
import { suggest } from './suggest.js';

/** Codes of LINE message problems (a subset of the definition error codes). */
export type LineIssueCode =
  | 'WRONG_TYPE'
  | 'LINE_BAD_MESSAGE'
  | 'LINE_NO_MESSAGES'
  | 'LINE_TOO_MANY_MESSAGES'
  | 'LINE_UNKNOWN_TYPE'
  | 'LINE_MISSING_PROPERTY'
  | 'LINE_UNKNOWN_PROPERTY'
  | 'LINE_NOT_ALLOWED_HERE'
  | 'LINE_BAD_VALUE'
  | 'LINE_BAD_URI'
  | 'LINE_TOO_LONG'
  | 'LINE_TEXT_TOO_LONG'
  | 'LINE_ALT_TEXT_MISSING'
  | 'LINE_ALT_TEXT_TOO_LONG'
  | 'LINE_TOO_MANY_ITEMS'
  | 'LINE_TOO_FEW_ITEMS'
  | 'LINE_TOO_MANY_QUICK_REPLIES'
  | 'LINE_FLEX_TOO_LARGE';

/** A JSON path into the checked messages: keys and indexes. */
export type JsonPath = readonly (string | number)[];

/** One problem of a LINE message, at a JSON path (`at: 'key'` points at the key rather than its value). */
export interface LineIssue {
  code: LineIssueCode;
  severity: 'error' | 'warning';
  message: string;
  path: JsonPath;
  at: 'key' | 'value';
  suggestion?: string;
}

/**
 * Stands in for a profile or event value in a trial render: such values are only known at send time,
 * so checks that depend on their text (a URI's scheme, a keyword) accept them.
 */
export const RUNTIME_VALUE = '\uE000';
const RUNTIME_VALUE_ENCODED = '%EE%80%80';

/** Whether a rendered string contains a value only known at send time. */
export function hasRuntimeValue(text: string): boolean {
  return text.includes(RUNTIME_VALUE) || text.includes(RUNTIME_VALUE_ENCODED);
}

/** The text without its send-time values (a lower bound of what will be sent). */
export function withoutRuntimeValues(text: string): string {
  return text.replaceAll(RUNTIME_VALUE, '').replaceAll(RUNTIME_VALUE_ENCODED, '');
}

/** Collects issues. */
export class LineIssues {
  readonly list: LineIssue[] = [];

  /** Records an error (or a warning) at `path`. */
  add(
    code: LineIssueCode,
    message: string,
    path: JsonPath,
    options: { at?: 'key' | 'value'; severity?: 'error' | 'warning'; suggestion?: string | undefined } = {},
  ): void {
    const issue: LineIssue = {
      code,
      severity: options.severity ?? 'error',
      message,
      path: [...path],
      at: options.at ?? 'value',
    };
    if (options.suggestion !== undefined) issue.suggestion = options.suggestion;
    this.list.push(issue);
  }
}

/** A unit a flex length may be written in. */
export type LengthUnit = 'px' | '%';

/** What a value must look like. */
export type Rule =
  | { kind: 'string'; max?: number; nonEmpty?: boolean; code?: LineIssueCode; pattern?: RegExp; shape?: string }
  | { kind: 'uri'; max: number; schemes: readonly string[] }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'length'; keywords: readonly string[]; units: readonly LengthUnit[] }
  | { kind: 'color' }
  | { kind: 'integer' | 'number'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'object'; spec: () => ObjectSpec }
  | { kind: 'list'; of: Rule; min?: number; max?: number; code?: LineIssueCode; what: string }
  | { kind: 'typed'; family: Family; allowed?: readonly string[]; where?: string }
  | { kind: 'record'; of: Rule; max?: number; keyPattern?: RegExp; keyShape?: string }
  | { kind: 'custom'; check: (value: unknown, path: JsonPath, out: LineIssues) => void; schema?: Rule };

/** Objects told apart by their `type` (message types, flex components, actions...). */
export interface Family {
  /** Words for one member, e.g. "flex component". */
  what: string;
  variants: () => Readonly<Record<string, ObjectSpec>>;
}

/** One kind of object: its keys, which are required, and checks across keys. */
export interface ObjectSpec {
  /** Words for it in messages, with an article: "a flex box". */
  name: string;
  required?: readonly string[];
  props: Readonly<Record<string, Rule>>;
  check?: (value: Record<string, unknown>, path: JsonPath, out: LineIssues) => void;
}

/** Whether `value` is a mapping. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks `value` at `path` against `rule`; an absent value passes (required keys are the object's business). */
export function checkValue(value: unknown, rule: Rule, path: JsonPath, out: LineIssues): void {
  if (value === undefined) return;
  switch (rule.kind) {
    case 'string':
      if (expectString(value, path, out)) checkString(value, rule, path, out);
      return;
    case 'uri':
      if (expectString(value, path, out)) checkUri(value, rule, path, out);
      return;
    case 'enum':
    case 'length':
    case 'color':
      if (expectString(value, path, out)) checkKeyword(value, rule, path, out);
      return;
    case 'integer':
    case 'number':
      checkNumber(value, rule, path, out);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.add('WRONG_TYPE', `"${keyOf(path)}" must be true or false`, path);
      return;
    case 'object':
      checkObject(value, rule.spec(), path, out);
      return;
    case 'list':
      checkList(value, rule, path, out);
      return;
    case 'typed':
      checkTyped(value, rule, path, out);
      return;
    case 'record':
      checkRecord(value, rule, path, out);
      return;
    case 'custom':
      rule.check(value, path, out);
      return;
  }
}

/** The last key of a path, for messages. */
export function keyOf(path: JsonPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return 'value';
}

function expectString(value: unknown, path: JsonPath, out: LineIssues): value is string {
  if (typeof value === 'string') return true;
  const hint = typeof value === 'number' ? ` (quote it: '${value}')` : '';
  out.add('WRONG_TYPE', `"${keyOf(path)}" must be text${hint}`, path);
  return false;
}

/** Reports a string over `max` UTF-16 code units, the unit LINE counts in. */
export function checkMaxLength(
  text: string,
  max: number,
  path: JsonPath,
  out: LineIssues,
  code: LineIssueCode = 'LINE_TOO_LONG',
): void {
  const known = withoutRuntimeValues(text);
  if (known.length <= max) return;
  const emoji = known.length !== [...known].length ? ' (an emoji counts as two)' : '';
  const message = `"${keyOf(path)}" is ${known.length.toLocaleString('en')} characters long${emoji}; LINE allows ${max.toLocaleString('en')}`;
  out.add(code, message, path);
}

function checkString(text: string, rule: Extract<Rule, { kind: 'string' }>, path: JsonPath, out: LineIssues): void {
  if (rule.nonEmpty === true && text.trim() === '') {
    out.add('LINE_BAD_VALUE', `"${keyOf(path)}" is empty; LINE refuses an empty value here`, path);
    return;
  }
  if (rule.max !== undefined) checkMaxLength(text, rule.max, path, out, rule.code);
  if (rule.pattern && !hasRuntimeValue(text) && !rule.pattern.test(text)) {
    out.add('LINE_BAD_VALUE', `"${text}" is not ${rule.shape ?? 'a valid value'}`, path);
  }
}

function checkUri(text: string, rule: Extract<Rule, { kind: 'uri' }>, path: JsonPath, out: LineIssues): void {
  const key = keyOf(path);
  if (text.trim() === '') {
    out.add('LINE_BAD_URI', `"${key}" is empty after rendering; LINE refuses a message without it`, path);
    return;
  }
  checkMaxLength(text, rule.max, path, out);
  // A URI that starts with a send-time value has a scheme only known then.
  if (text.startsWith(RUNTIME_VALUE)) return;
  const uri = text.replaceAll(RUNTIME_VALUE, 'x');
  const schemes = rule.schemes.join(', ');
  if (/\s/.test(uri)) {
    out.add('LINE_BAD_URI', `"${key}" contains a space or a line break; percent-encode it (%20)`, path);
    return;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    out.add('LINE_BAD_URI', `"${uri}" is not a URI; write a full address (${schemes})`, path);
  } else if (!rule.schemes.includes(scheme)) {
    out.add('LINE_BAD_URI', `LINE accepts ${schemes} here, not ${scheme}:`, path);
  } else if ((scheme === 'http' || scheme === 'https') && !hasHost(uri)) {
    out.add('LINE_BAD_URI', `"${uri}" is not a valid ${scheme} address`, path);
  }
}

function hasHost(uri: string): boolean {
  try {
    return new URL(uri).hostname !== '';
  } catch {
    return false;
  }
}

const LENGTH_PATTERNS: Record<LengthUnit, RegExp> = { px: /^\d+(\.\d+)?px$/, '%': /^\d+(\.\d+)?%$/ };
const COLOR = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

function checkKeyword(
  text: string,
  rule: Extract<Rule, { kind: 'enum' | 'length' | 'color' }>,
  path: JsonPath,
  out: LineIssues,
): void {
  if (hasRuntimeValue(text)) return;
  if (rule.kind === 'color') {
    if (!COLOR.test(text)) out.add('LINE_BAD_VALUE', `"${text}" is not a color; write #RRGGBB or #RRGGBBAA`, path);
    return;
  }
  const keywords = rule.kind === 'enum' ? rule.values : rule.keywords;
  if (keywords.includes(text)) return;
  if (rule.kind === 'length' && rule.units.some((u) => LENGTH_PATTERNS[u].test(text))) return;
  const forms =
    rule.kind === 'length' ? [...keywords, ...rule.units.map((u) => (u === 'px' ? '10px' : '50%'))] : keywords;
  out.add('LINE_BAD_VALUE', `"${text}" is not one of: ${forms.join(', ')}`, path, {
    suggestion: suggest(text, keywords),
  });
}

function checkNumber(
  value: unknown,
  rule: Extract<Rule, { kind: 'integer' | 'number' }>,
  path: JsonPath,
  out: LineIssues,
): void {
  const key = keyOf(path);
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.kind === 'integer' && !Number.isInteger(value))) {
    out.add('WRONG_TYPE', `"${key}" must be ${rule.kind === 'integer' ? 'a whole number' : 'a number'}`, path);
    return;
  }
  if (rule.min !== undefined && rule.min === rule.max && value !== rule.min) {
    out.add('LINE_BAD_VALUE', `"${key}" must be ${rule.min}`, path);
    return;
  }
  if (rule.min !== undefined && value < rule.min)
    out.add('LINE_BAD_VALUE', `"${key}" must be at least ${rule.min}`, path);
  if (rule.max !== undefined && value > rule.max)
    out.add('LINE_BAD_VALUE', `"${key}" must be at most ${rule.max}`, path);
}

/** Checks a mapping against a spec: required keys, unknown keys (a warning: LINE ignores them), each key's rule. */
export function checkObject(value: unknown, spec: ObjectSpec, path: JsonPath, out: LineIssues, typed = false): void {
  if (!isRecord(value)) {
    out.add('WRONG_TYPE', `${spec.name} must be a mapping`, path);
    return;
  }
  for (const key of spec.required ?? []) {
    if (value[key] !== undefined) continue;
    const code = key === 'altText' ? 'LINE_ALT_TEXT_MISSING' : 'LINE_MISSING_PROPERTY';
    out.add(code, `${spec.name} needs "${key}"`, [...path, key]);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typed && key === 'type') continue;
    const rule = Object.hasOwn(spec.props, key) ? spec.props[key] : undefined;
    if (rule === undefined) {
      const message = `${spec.name} has no property "${key}"; LINE ignores it`;
      const suggestion = suggest(key, Object.keys(spec.props));
      out.add('LINE_UNKNOWN_PROPERTY', message, [...path, key], { at: 'key', severity: 'warning', suggestion });
      continue;
    }
    checkValue(item, rule, [...path, key], out);
  }
  spec.check?.(value, path, out);
}

function checkList(value: unknown, rule: Extract<Rule, { kind: 'list' }>, path: JsonPath, out: LineIssues): void {
  if (!Array.isArray(value)) {
    out.add('WRONG_TYPE', `"${keyOf(path)}" must be a list of ${rule.what}`, path);
    return;
  }
  if (rule.min !== undefined && value.length < rule.min) {
    const message = `"${keyOf(path)}" needs at least ${rule.min} ${rule.what}; found ${value.length}`;
    out.add('LINE_TOO_FEW_ITEMS', message, path);
  }
  if (rule.max !== undefined && value.length > rule.max) {
    const message = `LINE accepts at most ${rule.max} ${rule.what} in "${keyOf(path)}"; found ${value.length}`;
    out.add(rule.code ?? 'LINE_TOO_MANY_ITEMS', message, [...path, rule.max]);
  }
  value.forEach((item, i) => checkValue(item, rule.of, [...path, i], out));
}

function checkTyped(value: unknown, rule: Extract<Rule, { kind: 'typed' }>, path: JsonPath, out: LineIssues): void {
  const { what } = rule.family;
  if (!isRecord(value)) {
    out.add('WRONG_TYPE', `${article(what)} ${what} must be a mapping with a "type"`, path);
    return;
  }
  const variants = rule.family.variants();
  const type = value['type'];
  if (type === undefined) {
    const message = `${article(what)} ${what} needs "type" (one of: ${Object.keys(variants).join(', ')})`;
    out.add('LINE_MISSING_PROPERTY', message, [...path, 'type']);
    return;
  }
  const spec = typeof type === 'string' && Object.hasOwn(variants, type) ? variants[type] : undefined;
  if (spec === undefined) {
    const shown = typeof type === 'string' ? type : JSON.stringify(type);
    const known = rule.allowed ?? Object.keys(variants);
    const message = `"${shown}" is not ${article(what)} ${what} type; LINE knows ${known.join(', ')}`;
    out.add('LINE_UNKNOWN_TYPE', message, [...path, 'type'], {
      suggestion: suggest(shown, known),
    });
    return;
  }
  if (rule.allowed !== undefined && !rule.allowed.includes(type as string)) {
    const message = `${spec.name} cannot be used ${rule.where ?? 'here'}; use one of: ${rule.allowed.join(', ')}`;
    out.add('LINE_NOT_ALLOWED_HERE', message, [...path, 'type']);
    return;
  }
  checkObject(value, spec, path, out, true);
}

function checkRecord(value: unknown, rule: Extract<Rule, { kind: 'record' }>, path: JsonPath, out: LineIssues): void {
  if (!isRecord(value)) {
    out.add('WRONG_TYPE', `"${keyOf(path)}" must be a mapping`, path);
    return;
  }
  const keys = Object.keys(value);
  if (rule.max !== undefined && keys.length > rule.max) {
    out.add(
      'LINE_TOO_MANY_ITEMS',
      `LINE accepts at most ${rule.max} entries in "${keyOf(path)}"; found ${keys.length}`,
      path,
    );
  }
  for (const key of keys) {
    if (rule.keyPattern && !rule.keyPattern.test(key)) {
      out.add('LINE_BAD_VALUE', `"${key}" is not ${rule.keyShape ?? 'a valid key'}`, [...path, key], { at: 'key' });
    }
    checkValue(value[key], rule.of, [...path, key], out);
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** Shorthands for the spec tables. */
export const r = {
  text: (max?: number, options: Omit<Extract<Rule, { kind: 'string' }>, 'kind' | 'max'> = {}): Rule =>
    max === undefined ? { kind: 'string', ...options } : { kind: 'string', max, ...options },
  uri: (max: number, schemes: readonly string[]): Rule => ({ kind: 'uri', max, schemes }),
  oneOf: (...values: string[]): Rule => ({ kind: 'enum', values }),
  length: (keywords: readonly string[], ...units: LengthUnit[]): Rule => ({ kind: 'length', keywords, units }),
  color: { kind: 'color' } as Rule,
  int: (min?: number, max?: number): Rule => ({
    kind: 'integer',
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  }),
  num: (min: number, max: number): Rule => ({ kind: 'number', min, max }),
  bool: { kind: 'boolean' } as Rule,
  /** An object rule; the spec is built once, on first use (specs may refer to each other). */
  object: (spec: () => ObjectSpec): Rule => {
    let built: ObjectSpec | undefined;
    return { kind: 'object', spec: () => (built ??= spec()) };
  },
  list: (of: Rule, what: string, bounds: { min?: number; max?: number; code?: LineIssueCode } = {}): Rule => ({
    kind: 'list',
    of,
    what,
    ...bounds,
  }),
};
