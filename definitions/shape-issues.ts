/** Turns zod issues into definition errors at the right line and column, with did-you-mean hints. */
import type { z } from 'zod';
import type { DefinitionErrorCode, ProblemSink } from './errors.js';
import type { DocPath, PositionMap } from './load-yaml.js';
import { suggest } from './suggest.js';

type Issue = z.core.$ZodIssue;
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

/** Where the issues of one validated sub-document are reported. */
export interface IssueContext {
  sink: ProblemSink;
  positions: PositionMap;
  /** Path of the validated value in the document. */
  base: DocPath;
  /** The validated value, to tell a missing key from a wrong one. */
  value: unknown;
  schema: z.ZodType;
}

/** Reports every issue of a failed `safeParse`. */
export function reportIssues(issues: readonly Issue[], context: IssueContext): void {
  for (const issue of issues) reportIssue(issue, context);
}

function reportIssue(issue: Issue, context: IssueContext): void {
  const { sink, positions, base } = context;
  const rel = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const path = [...base, ...rel];
  switch (issue.code) {
    case 'unrecognized_keys':
      reportUnknownKeys(issue.keys, path, rel, context);
      return;
    case 'invalid_type':
      if (valueAt(context.value, rel) === undefined) reportMissing(path, rel, context);
      else sink.add('WRONG_TYPE', wrongTypeMessage(issue.expected, rel, context), positions.valueAt(path), path);
      return;
    case 'invalid_value': {
      const actual = valueAt(context.value, rel);
      if (actual === undefined) {
        reportMissing(path, rel, context);
        return;
      }
      const allowed = issue.values.map(String);
      const code: DefinitionErrorCode = isChannelKey(rel) ? 'UNKNOWN_CHANNEL' : 'INVALID_VALUE';
      const shown = typeof actual === 'string' ? actual : JSON.stringify(actual);
      const message = `"${shown}" is not one of: ${allowed.join(', ')}`;
      sink.add(code, message, positions.valueAt(path), path, { suggestion: suggest(shown, allowed) });
      return;
    }
    case 'invalid_union':
      if (rel.at(-1) === 'holdout')
        sink.add('BAD_HOLDOUT', 'write the holdout as 10% or 10', positions.valueAt(path), path);
      else sink.add('INVALID_VALUE', describeUnion(rel), positions.valueAt(path), path);
      return;
    case 'too_small':
    case 'too_big':
      sink.add('OUT_OF_RANGE', rangeMessage(issue), positions.valueAt(path), path);
      return;
    default:
      sink.add('INVALID_VALUE', 'this value is not accepted here', positions.valueAt(path), path);
  }
}

function reportUnknownKeys(keys: string[], path: DocPath, rel: DocPath, context: IssueContext): void {
  const known = Object.keys(objectShape(schemaAt(context.schema, rel)));
  const expected = known.filter((k) => k !== '$schema').join(', ');
  for (const key of keys) {
    const at = context.positions.keyAt([...path, key]);
    const message = `unknown key "${key}"; expected one of: ${expected}`;
    context.sink.add('UNKNOWN_KEY', message, at, [...path, key], { suggestion: suggest(key, known) });
  }
}

function reportMissing(path: DocPath, rel: DocPath, context: IssueContext): void {
  const key = String(rel.at(-1));
  const parent = path.slice(0, -1);
  const at = context.positions.keyAt(parent);
  const parentKey = parent.at(-1);
  if (key === 'timeout' && parentKey === 'wait_for') {
    context.sink.add('WAIT_FOR_WITHOUT_TIMEOUT', 'wait_for needs a timeout (e.g. timeout: 7d)', at, path);
  } else if (key === 'steps' && isRepeatStep(context.value)) {
    context.sink.add('REPEAT_WITHOUT_BODY', 'repeat needs the steps to repeat under "steps:"', at, path);
  } else if (key === 'on' && (path[0] === 'exit' || path[0] === 'goals')) {
    const what = path[0] === 'exit' ? 'an exit' : 'a goal';
    context.sink.add('GOAL_WITHOUT_EVENT', `${what} needs the event that triggers it under "on:"`, at, path);
  } else {
    context.sink.add('MISSING_KEY', `missing required key "${key}"`, at, path);
  }
}

function isRepeatStep(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'repeat' in value;
}

function isChannelKey(rel: DocPath): boolean {
  const last = rel.at(-1);
  return last === 'channel' || last === 'fallback';
}

/** `expected a list`, followed by what the key holds when the schema says so (`A duration: 45m, ...`). */
function wrongTypeMessage(expected: string, rel: DocPath, context: IssueContext): string {
  const names: Record<string, string> = {
    record: 'a mapping',
    object: 'a mapping',
    array: 'a list',
    int: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    string: 'text',
  };
  const description = schemaAt(context.schema, rel).description;
  return `expected ${names[expected] ?? 'another kind of value'}${description === undefined ? '' : `. ${description}`}`;
}

/** Plain words for zod's size limits, whose own messages speak of types and operators. */
function rangeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const strict = issue.inclusive === false;
  const bound = issue.code === 'too_small' ? (strict ? 'more than' : 'at least') : strict ? 'less than' : 'at most';
  if (issue.origin === 'array') return `needs ${bound} ${limit} item${limit === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return `needs ${bound} ${limit} character${limit === 1 ? '' : 's'}`;
  return `must be ${bound} ${limit}`;
}

function describeUnion(rel: DocPath): string {
  if (rel.at(-1) === 'reentry') return 'reentry is never, always, or { after: <duration> }';
  return 'this value has none of the accepted forms';
}

/** The value at a relative path, or undefined. */
export function valueAt(value: unknown, path: DocPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function defOf(schema: z.ZodType): Def {
  return schema._zod.def;
}

/** The schema that validates the value at `path` inside a value validated by `schema`. */
export function schemaAt(schema: z.ZodType, path: DocPath): z.ZodType {
  let current = unwrap(schema);
  for (const key of path) {
    const def = defOf(current);
    if (def.type === 'object') current = def.shape?.[String(key)] ?? current;
    else if (def.type === 'array' && def.element) current = def.element;
    else if (def.type === 'record' && def.valueType) current = def.valueType;
    else if (def.type === 'union') current = def.options?.find((o) => defOf(unwrap(o)).type === 'object') ?? current;
    current = unwrap(current);
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) {
      current = def.innerType;
    } else if (def.type === 'lazy' && def.getter) current = def.getter();
    else return current;
  }
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  const def = defOf(schema);
  if (def.type === 'union') {
    const object = def.options?.map(unwrap).find((o) => defOf(o).type === 'object');
    return object ? (defOf(object).shape ?? {}) : {};
  }
  return def.shape ?? {};
}
