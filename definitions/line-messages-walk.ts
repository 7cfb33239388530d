/** Applies LINE message rules to a value: objects, lists, typed families and records, down to each value. */
import type { JsonPath, LineIssues, ObjectSpec, Rule } from './line-messages-rules.js';
import { article, isRecord, keyOf } from './line-messages-rules.js';
import { checkKeyword, checkNumber, checkString, checkUri, expectString } from './line-messages-values.js';
import { suggest } from './suggest.js';

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
