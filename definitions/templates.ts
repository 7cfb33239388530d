/**
 * Message templates: their catalog, their parsed forms, and the checks a send's template must pass
 * (Liquid syntax, LINE's limits, email's required parts, variables no profile field declares).
 *
 * Templates are YAML files: `email/<name>.yaml` (subject, html or mjml, optional text) and
 * `line/<name>.yaml` (messages: LINE message objects whose strings are Liquid). This module never
 * reads files; see `catalog.ts` for the loader, and `template-liquid.ts` for the Liquid checks.
 */
import { z } from 'zod';
import type { DeliveryChannel } from './plan.js';
import { ProblemSink } from './errors.js';
import type { DefinitionError } from './errors.js';
import { loadYaml } from './load-yaml.js';
import type { DocPath } from './load-yaml.js';
import { reportIssues } from './shape-issues.js';
import { suggest } from './suggest.js';
import { checkLiquidStrings } from './template-liquid.js';
import type { LiquidCtx } from './template-liquid.js';

/** One template variant's source text and where it came from. */
export interface TemplateSource {
  file: string;
  source: string;
}

/** Template name -> its variants; a name may have an email variant, a LINE variant, or both. */
export type TemplateCatalog = Record<string, Partial<Record<DeliveryChannel, TemplateSource>>>;

/** LINE's documented limits for one push or reply. */
export const LINE_LIMITS = { messages: 5, textLength: 5000, altTextLength: 400, quickReplyItems: 13 } as const;

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

function runChecks(channel: DeliveryChannel, variant: TemplateSource, options: TemplateCheckOptions): TemplateCheck {
  const sink = new ProblemSink(variant.file);
  const loaded = loadYaml(variant.source, sink);
  if (loaded.failed) return { problems: sink.problems, template: null };
  const lines = variant.source.split(/\r?\n/);
  const ctx: LiquidCtx = { sink, positions: loaded.positions, lines, profileFields: options.profileFields };
  const template = channel === 'email' ? checkEmail(ctx, loaded.value) : checkLine(ctx, loaded.value);
  if (template) checkLiquidStrings(ctx, template);
  return { problems: sink.problems, template: sink.errors.length === 0 ? template : null };
}

function checkEmail(ctx: LiquidCtx, value: unknown): EmailTemplate | null {
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

function checkLine(ctx: LiquidCtx, value: unknown): LineTemplate | null {
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
    ctx.sink.add('LINE_NO_MESSAGES', 'a LINE template needs at least one message', ctx.positions.keyAt(['messages']), [
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

function checkLineMessage(ctx: LiquidCtx, message: Record<string, unknown>, path: DocPath): void {
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
  ctx: LiquidCtx,
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

function checkQuickReply(ctx: LiquidCtx, quickReply: unknown, path: DocPath): void {
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
