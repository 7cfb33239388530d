/**
 * Message templates: their catalog, their parsed forms, and the checks a send's template must pass
 * (Liquid syntax, LINE's limits, email's required parts, variables no profile field declares).
 *
 * Templates are YAML files: `email/<name>.yaml` (subject, html or mjml, optional text) and
 * `line/<name>.yaml` (messages: LINE message objects whose strings are Liquid). This module never
 * reads files; see `template-catalog.ts` for the loader.
 */
import { Liquid } from 'liquidjs';
import { z } from 'zod';
import type { DeliveryChannel } from './plan.js';
import { ProblemSink } from './errors.js';
import type { DefinitionError, Position } from './errors.js';
import { loadYaml } from './load-yaml.js';
import type { DocPath, PositionMap } from './load-yaml.js';
import { reportIssues } from './shape-issues.js';
import { suggest } from './suggest.js';

/** One template variant's source text and where it came from. */
export interface TemplateSource {
  file: string;
  source: string;
}

/** Template name -> its variants; a name may have an email variant, a LINE variant, or both. */
export type TemplateCatalog = Record<string, Partial<Record<DeliveryChannel, TemplateSource>>>;

/** LINE's documented limits for one push or reply. */
export const LINE_LIMITS = { messages: 5, textLength: 5000, altTextLength: 400, quickReplyItems: 13 } as const;

/** Roots of the data a template renders with. */
export const TEMPLATE_ROOTS = ['profile', 'event', 'journey', 'links'] as const;

export const emailTemplateSchema = z.strictObject({
  subject: z.string(),
  preheader: z.string().optional(),
  html: z.string().optional(),
  mjml: z.string().optional(),
  text: z.string().optional(),
});
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;

const lineMessageSchema = z.looseObject({ type: z.string() });
export const lineTemplateSchema = z.strictObject({ messages: z.array(lineMessageSchema) });
/** A LINE template: Messaging API message objects whose strings are Liquid. */
export type LineTemplate = { messages: Record<string, unknown>[] };

const LINE_TYPES: Record<string, readonly string[]> = {
  text: ['text'],
  flex: ['altText', 'contents'],
  image: ['originalContentUrl', 'previewImageUrl'],
  sticker: ['packageId', 'stickerId'],
  video: ['originalContentUrl', 'previewImageUrl'],
  audio: ['originalContentUrl', 'duration'],
  location: ['title', 'address', 'latitude', 'longitude'],
  template: ['altText', 'template'],
};

/** The Liquid engine templates are checked and rendered with: unknown filters are errors. */
export function createTemplateEngine(): Liquid {
  return new Liquid({ strictFilters: true, strictVariables: false });
}

const engine = createTemplateEngine();

/** Options of {@link checkTemplate}. */
export interface TemplateCheckOptions {
  /** Declared profile fields; variables outside them are warned about. */
  profileFields?: ReadonlySet<string> | undefined;
}

/** The problems of one variant and its parsed form (`null` when it has errors). */
export interface TemplateCheck {
  problems: DefinitionError[];
  template: EmailTemplate | LineTemplate | null;
}

const checks = new WeakMap<TemplateSource, Map<string, TemplateCheck>>();

/** Checks one template variant; results are memoised per source object and options. */
export function checkTemplate(
  channel: DeliveryChannel,
  variant: TemplateSource,
  options: TemplateCheckOptions = {},
): TemplateCheck {
  const key = `${channel}|${options.profileFields ? [...options.profileFields].join(',') : '-'}`;
  const cached = checks.get(variant)?.get(key);
  if (cached) return cached;
  const result = runChecks(channel, variant, options);
  const byKey = checks.get(variant) ?? new Map<string, TemplateCheck>();
  byKey.set(key, result);
  checks.set(variant, byKey);
  return result;
}

interface TemplateCtx {
  sink: ProblemSink;
  positions: PositionMap;
  lines: string[];
  options: TemplateCheckOptions;
}

function runChecks(channel: DeliveryChannel, variant: TemplateSource, options: TemplateCheckOptions): TemplateCheck {
  const sink = new ProblemSink(variant.file);
  const loaded = loadYaml(variant.source, sink);
  if (loaded.failed) return { problems: sink.problems, template: null };
  const ctx: TemplateCtx = { sink, positions: loaded.positions, lines: variant.source.split(/\r?\n/), options };
  const template = channel === 'email' ? checkEmail(ctx, loaded.value) : checkLine(ctx, loaded.value);
  if (template) walkStrings(template, [], (text, path) => checkLiquid(ctx, text, path));
  return { problems: sink.problems, template: sink.errors.length === 0 ? template : null };
}

function checkEmail(ctx: TemplateCtx, value: unknown): EmailTemplate | null {
  const parsed = emailTemplateSchema.safeParse(value);
  if (!parsed.success) {
    const missingSubject = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === 'subject');
    const rest = parsed.error.issues.filter((i) => !(i.path.length === 1 && i.path[0] === 'subject' && missingSubject));
    if (missingSubject && !hasKey(value, 'subject')) {
      ctx.sink.add('EMAIL_SUBJECT_MISSING', 'an email template needs a subject', ctx.positions.valueAt([]), [
        'subject',
      ]);
    }
    reportIssues(missingSubject && !hasKey(value, 'subject') ? rest : parsed.error.issues, {
      sink: ctx.sink,
      positions: ctx.positions,
      base: [],
      value,
      schema: emailTemplateSchema,
    });
    return null;
  }
  const email = parsed.data;
  if (email.html === undefined && email.mjml === undefined) {
    ctx.sink.add(
      'EMAIL_BODY_MISSING',
      'an email template needs an html or an mjml body',
      ctx.positions.valueAt([]),
      [],
    );
  } else if (email.html !== undefined && email.mjml !== undefined) {
    ctx.sink.add('INVALID_VALUE', 'give html or mjml, not both', ctx.positions.keyAt(['mjml']), ['mjml']);
  }
  return email;
}

function hasKey(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value;
}

function checkLine(ctx: TemplateCtx, value: unknown): LineTemplate | null {
  const parsed = lineTemplateSchema.safeParse(value);
  if (!parsed.success) {
    reportIssues(parsed.error.issues, {
      sink: ctx.sink,
      positions: ctx.positions,
      base: [],
      value,
      schema: lineTemplateSchema,
    });
    return null;
  }
  const { messages } = parsed.data;
  if (messages.length === 0) {
    ctx.sink.add('EMPTY_BRANCH', 'a LINE template needs at least one message', ctx.positions.keyAt(['messages']), [
      'messages',
    ]);
  }
  if (messages.length > LINE_LIMITS.messages) {
    const path = ['messages', LINE_LIMITS.messages];
    const message = `LINE accepts at most ${LINE_LIMITS.messages} messages per send; this template has ${messages.length}`;
    ctx.sink.add('LINE_TOO_MANY_MESSAGES', message, ctx.positions.valueAt(path), path);
  }
  messages.forEach((m, i) => checkLineMessage(ctx, m, ['messages', i]));
  return { messages };
}

function checkLineMessage(ctx: TemplateCtx, message: Record<string, unknown>, path: DocPath): void {
  const type = String(message['type']);
  const required = Object.hasOwn(LINE_TYPES, type) ? LINE_TYPES[type] : undefined;
  if (!required) {
    const at = ctx.positions.valueAt([...path, 'type']);
    ctx.sink.add('LINE_BAD_MESSAGE', `"${type}" is not a LINE message type`, at, [...path, 'type'], {
      suggestion: suggest(type, Object.keys(LINE_TYPES)),
    });
    return;
  }
  for (const key of required) {
    if (message[key] !== undefined) continue;
    const code = key === 'altText' ? 'LINE_ALT_TEXT_MISSING' : 'LINE_BAD_MESSAGE';
    const article = /^[aeiou]/.test(type) ? 'an' : 'a';
    ctx.sink.add(code, `${article} ${type} message needs "${key}"`, ctx.positions.valueAt(path), [...path, key]);
  }
  checkLength(ctx, message, 'text', LINE_LIMITS.textLength, 'LINE_TEXT_TOO_LONG', path);
  checkLength(ctx, message, 'altText', LINE_LIMITS.altTextLength, 'LINE_ALT_TEXT_TOO_LONG', path);
  checkQuickReply(ctx, message['quickReply'], [...path, 'quickReply']);
}

function checkLength(
  ctx: TemplateCtx,
  message: Record<string, unknown>,
  key: string,
  limit: number,
  code: 'LINE_TEXT_TOO_LONG' | 'LINE_ALT_TEXT_TOO_LONG',
  path: DocPath,
): void {
  const value = message[key];
  if (value === undefined) return;
  if (typeof value !== 'string') {
    ctx.sink.add('WRONG_TYPE', `"${key}" must be a string`, ctx.positions.valueAt([...path, key]), [...path, key]);
    return;
  }
  const length = [...value].length;
  if (length > limit) {
    const at = ctx.positions.valueAt([...path, key]);
    ctx.sink.add(code, `"${key}" has ${length} characters; LINE allows ${limit}`, at, [...path, key]);
  }
}

function checkQuickReply(ctx: TemplateCtx, quickReply: unknown, path: DocPath): void {
  if (quickReply === undefined) return;
  const items =
    typeof quickReply === 'object' && quickReply !== null
      ? (quickReply as Record<string, unknown>)['items']
      : undefined;
  if (!Array.isArray(items)) {
    ctx.sink.add('LINE_BAD_MESSAGE', 'quickReply needs a list of "items"', ctx.positions.valueAt(path), path);
    return;
  }
  if (items.length > LINE_LIMITS.quickReplyItems) {
    const at = [...path, 'items', LINE_LIMITS.quickReplyItems];
    const message = `LINE accepts at most ${LINE_LIMITS.quickReplyItems} quick reply items; found ${items.length}`;
    ctx.sink.add('LINE_TOO_MANY_QUICK_REPLIES', message, ctx.positions.valueAt(at), at);
  }
}

function walkStrings(value: unknown, path: DocPath, visit: (text: string, path: DocPath) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
  }
}

function checkLiquid(ctx: TemplateCtx, text: string, path: DocPath): void {
  if (!text.includes('{')) return;
  let segments: (string | number)[][];
  try {
    segments = engine.globalVariableSegmentsSync(engine.parse(text)) as (string | number)[][];
  } catch (error) {
    const raw = error instanceof Error ? error.message : 'invalid Liquid';
    const where = /, line:(\d+), col:(\d+)$/.exec(raw);
    const at = where ? positionInText(ctx, path, Number(where[1]), Number(where[2])) : ctx.positions.valueAt(path);
    reportLiquidError(ctx, raw.replace(/, line:\d+, col:\d+$/, ''), at, path);
    return;
  }
  for (const segment of segments) warnVariable(ctx, segment, path, variablePosition(ctx, text, path, segment));
}

/** Where a variable is first written in a string value; the string's start when it cannot be found. */
function variablePosition(ctx: TemplateCtx, text: string, path: DocPath, segment: (string | number)[]): Position {
  const name = segment.slice(0, 2).map(String).join('.');
  const index = text.indexOf(name);
  if (index < 0) return ctx.positions.valueAt(path);
  const before = text.slice(0, index).split('\n');
  return positionInText(ctx, path, before.length, (before.at(-1)?.length ?? 0) + 1);
}

/** Liquid's own message, except for unknown filters, which get their name and a did-you-mean. */
function reportLiquidError(ctx: TemplateCtx, message: string, at: Position, path: DocPath): void {
  const filter = /^undefined filter: (.+)$/.exec(message)?.[1];
  if (filter === undefined) {
    ctx.sink.add('LIQUID_SYNTAX', message, at, path);
    return;
  }
  ctx.sink.add('LIQUID_SYNTAX', `"${filter}" is not a Liquid filter`, at, path, {
    suggestion: suggest(filter, Object.keys(engine.filters)),
  });
}

/** Where line `line`, column `col` of a string value is in the file (block scalars start on the next line). */
function positionInText(ctx: TemplateCtx, path: DocPath, line: number, col: number): Position {
  const at = ctx.positions.valueAt(path);
  const start = (ctx.lines[at.line - 1] ?? '').slice(at.col - 1);
  if (/^[|>]/.test(start)) {
    const text = ctx.lines[at.line - 1 + line] ?? '';
    return { line: at.line + line, col: (/^ */.exec(text)?.[0].length ?? 0) + col };
  }
  if (line === 1) return { line: at.line, col: at.col + col - 1 + (/^['"]/.test(start) ? 1 : 0) };
  return at;
}

function warnVariable(ctx: TemplateCtx, segment: (string | number)[], path: DocPath, at: Position): void {
  const [root, field] = segment;
  const name = segment.join('.');
  if (!(TEMPLATE_ROOTS as readonly unknown[]).includes(root)) {
    const message = `"${name}" is not available; templates read ${TEMPLATE_ROOTS.join(', ')}`;
    ctx.sink.add('UNDECLARED_VARIABLE', message, at, path, {
      severity: 'warning',
      suggestion: suggest(String(root), TEMPLATE_ROOTS),
    });
    return;
  }
  const declared = ctx.options.profileFields;
  if (root !== 'profile' || field === undefined || declared === undefined || declared.has(String(field))) return;
  ctx.sink.add('UNDECLARED_VARIABLE', `no profile field "${String(field)}" is declared`, at, path, {
    severity: 'warning',
    suggestion: suggest(String(field), declared),
  });
}
