/**
 * The rule language of the LINE message checks: a message is described by object specs (required
 * keys, known keys, each key's rule), applied by `line-messages-walk.ts` the way LINE's Messaging API
 * validates a request body. Pure: no I/O, no positions — issues carry a JSON path only.
 */

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

/**
 * What LINE counts a text's length in: UTF-16 code units (an emoji such as 🍎 is two), except for
 * action labels and texts and template texts and titles, which it counts in grapheme clusters (what
 * a reader sees as one character: 👨‍👩‍👧 is one). From LINE's "Character counting in a text"
 * (developers.line.biz/en/docs/messaging-api/text-character-count/).
 */
export type TextUnit = 'utf16' | 'graphemes';

/** A unit a flex length may be written in. */
export type LengthUnit = 'px' | '%';

/** What a value must look like. */
export type Rule =
  | {
      kind: 'string';
      max?: number;
      /** What `max` counts: UTF-16 code units (LINE's default) or grapheme clusters (see {@link TextUnit}). */
      unit?: TextUnit;
      nonEmpty?: boolean;
      code?: LineIssueCode;
      pattern?: RegExp;
      shape?: string;
    }
  | { kind: 'uri'; max: number; schemes: readonly string[] }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'length'; keywords: readonly string[]; units: readonly LengthUnit[]; signed?: boolean }
  | { kind: 'color'; alpha: boolean }
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
/** The last key of a path, for messages. */
export function keyOf(path: JsonPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return 'value';
}
/** "a" or "an" before `word`. */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** Shorthands for the spec tables. */
export const r = {
  text: (max?: number, options: Omit<Extract<Rule, { kind: 'string' }>, 'kind' | 'max'> = {}): Rule =>
    max === undefined ? { kind: 'string', ...options } : { kind: 'string', max, ...options },
  /** Text whose length LINE counts in grapheme clusters (action labels and texts, template texts and titles). */
  graphemes: (max: number, options: Omit<Extract<Rule, { kind: 'string' }>, 'kind' | 'max' | 'unit'> = {}): Rule => ({
    kind: 'string',
    max,
    unit: 'graphemes',
    ...options,
  }),
  uri: (max: number, schemes: readonly string[]): Rule => ({ kind: 'uri', max, schemes }),
  oneOf: (...values: string[]): Rule => ({ kind: 'enum', values }),
  length: (keywords: readonly string[], ...units: LengthUnit[]): Rule => ({ kind: 'length', keywords, units }),
  /** A length that may be negative (offsets and paddings). */
  signedLength: (keywords: readonly string[], ...units: LengthUnit[]): Rule => ({
    kind: 'length',
    keywords,
    units,
    signed: true,
  }),
  /** #RRGGBB or #RRGGBBAA (flex). */
  color: { kind: 'color', alpha: true } as Rule,
  /** #RRGGBB only (template messages). */
  rgb: { kind: 'color', alpha: false } as Rule,
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
