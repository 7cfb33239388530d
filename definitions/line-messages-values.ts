/** Checks of single values in LINE messages: text lengths (UTF-16 units or graphemes), URIs, keywords, colors, numbers. */
import type { JsonPath, LengthUnit, LineIssueCode, LineIssues, Rule, TextUnit } from './line-messages-rules.js';
import { hasRuntimeValue, keyOf, RUNTIME_VALUE, withoutRuntimeValues } from './line-messages-rules.js';
import { suggest } from './suggest.js';

/** Reports a value that is not a string; returns whether it is one. */
export function expectString(value: unknown, path: JsonPath, out: LineIssues): value is string {
  if (typeof value === 'string') return true;
  const hint = typeof value === 'number' ? ` (quote it: '${value}')` : '';
  out.add('WRONG_TYPE', `"${keyOf(path)}" must be text${hint}`, path);
  return false;
}

let segmenter: Intl.Segmenter | undefined;

/** The length of `text` in `unit`. */
export function textLength(text: string, unit: TextUnit): number {
  if (unit === 'utf16') return text.length;
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}

/** Reports a string over `max` in `unit`: UTF-16 code units unless LINE counts the key in grapheme clusters. */
export function checkMaxLength(
  text: string,
  max: number,
  path: JsonPath,
  out: LineIssues,
  code: LineIssueCode = 'LINE_TOO_LONG',
  unit: TextUnit = 'utf16',
): void {
  const known = withoutRuntimeValues(text);
  const length = textLength(known, unit);
  if (length <= max) return;
  const emoji = unit === 'utf16' && known.length !== [...known].length ? ' (an emoji counts as two)' : '';
  const message = `"${keyOf(path)}" is ${length.toLocaleString('en')} characters long${emoji}; LINE allows ${max.toLocaleString('en')}`;
  out.add(code, message, path);
}

/** Checks a value against its rule. */
export function checkString(
  text: string,
  rule: Extract<Rule, { kind: 'string' }>,
  path: JsonPath,
  out: LineIssues,
): void {
  if (rule.nonEmpty === true && text.trim() === '') {
    out.add('LINE_BAD_VALUE', `"${keyOf(path)}" is empty; LINE refuses an empty value here`, path);
    return;
  }
  if (rule.max !== undefined) checkMaxLength(text, rule.max, path, out, rule.code, rule.unit);
  if (rule.pattern && !hasRuntimeValue(text) && !rule.pattern.test(text)) {
    out.add('LINE_BAD_VALUE', `"${text}" is not ${rule.shape ?? 'a valid value'}`, path);
  }
}

/** Checks a value against its rule. */
export function checkUri(text: string, rule: Extract<Rule, { kind: 'uri' }>, path: JsonPath, out: LineIssues): void {
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
const RGB = /^#[0-9a-fA-F]{6}$/;

/** Checks a value against its rule. */
export function checkKeyword(
  text: string,
  rule: Extract<Rule, { kind: 'enum' | 'length' | 'color' }>,
  path: JsonPath,
  out: LineIssues,
): void {
  if (hasRuntimeValue(text)) return;
  if (rule.kind === 'color') {
    const [pattern, forms] = rule.alpha ? [COLOR, '#RRGGBB or #RRGGBBAA'] : [RGB, '#RRGGBB'];
    if (!pattern.test(text)) out.add('LINE_BAD_VALUE', `"${text}" is not a color; write ${forms}`, path);
    return;
  }
  const keywords = rule.kind === 'enum' ? rule.values : rule.keywords;
  if (keywords.includes(text)) return;
  const magnitude = rule.kind === 'length' && rule.signed === true ? text.replace(/^-/, '') : text;
  if (rule.kind === 'length' && rule.units.some((u) => LENGTH_PATTERNS[u].test(magnitude))) return;
  const forms =
    rule.kind === 'length' ? [...keywords, ...rule.units.map((u) => (u === 'px' ? '10px' : '50%'))] : keywords;
  out.add('LINE_BAD_VALUE', `"${text}" is not one of: ${forms.join(', ')}`, path, {
    suggestion: suggest(text, keywords),
  });
}

/** Checks a value against its rule. */
export function checkNumber(
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
