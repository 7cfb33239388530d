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
import { EMAIL_RULES } from './schema-rules.js';
import { checkLineMessages, LINE_LIMITS, LINE_MESSAGE_TYPES } from './line-messages.js';
import { checkLiquidStrings, renderTrial, UNSUBSCRIBE_LINK } from './template-liquid.js';
import type { LiquidCtx } from './template-liquid.js';

/** One template variant's source text and where it came from. */
export interface TemplateSource {
  file: string;
  source: string;
}

/** Template name -> its variants; a name may have an email variant, a LINE variant, or both. */
export type TemplateCatalog = Record<string, Partial<Record<DeliveryChannel, TemplateSource>>>;

export { LINE_LIMITS };

/** An email template file: `email/<name>.yaml`. */
export const emailTemplateSchema = z
  .strictObject({
    subject: z.string().meta({ title: 'Subject', description: 'The subject line (Liquid).' }),
    preheader: z
      .string()
      .optional()
      .meta({ title: 'Preheader', description: 'The preview text mail clients show after the subject (Liquid).' }),
    html: z.string().optional().meta({ title: 'HTML body', description: 'The HTML body (Liquid); give html or mjml.' }),
    mjml: z
      .string()
      .optional()
      .meta({ title: 'MJML body', description: 'The body as MJML (Liquid); give html or mjml.' }),
    text: z
      .string()
      .optional()
      .meta({ title: 'Text body', description: 'The plain-text part (Liquid); generated from the body when absent.' }),
    transactional: z.boolean().optional().meta({
      title: 'Transactional',
      description:
        'true for a mail the customer asked for (a booking confirmation): it needs no unsubscribe link. Marketing mail must carry {{ links.unsubscribe }}.',
    }),
  })
  .meta({
    title: 'Kizuna email template',
    description:
      'An email template: subject, an html or mjml body and an optional text part; every string is Liquid over profile, event, journey and links.',
    ...EMAIL_RULES,
  });
export type EmailTemplate = z.infer<typeof emailTemplateSchema>;

const lineMessageSchema = z
  .looseObject({
    type: z.enum(LINE_MESSAGE_TYPES as [string, ...string[]]).meta({ description: 'The LINE message type.' }),
  })
  .meta({
    title: 'LINE message',
    description:
      "A Messaging API message object (text, textV2, sticker, image, video, audio, location, imagemap, template, flex, coupon) whose strings are Liquid; checked against LINE's rules by kizuna validate.",
  });

/** A LINE template file: `line/<name>.yaml`. */
export const lineTemplateSchema = z
  .strictObject({
    messages: z
      .array(lineMessageSchema)
      .min(1)
      .max(LINE_LIMITS.messages)
      .meta({ title: 'Messages', description: 'One to five LINE messages, sent together in one push.' }),
  })
  .meta({ title: 'Kizuna LINE template', description: 'A LINE template: the messages of one push.' });
/** A LINE template: Messaging API message objects whose strings are Liquid. */
export type LineTemplate = { messages: Record<string, unknown>[] };

/** Options of {@link checkTemplate}. */
export interface TemplateCheckOptions {
  /** Declared profile fields; variables outside them are warned about. */
  profileFields?: ReadonlySet<string> | undefined;
  /** Declared site links (`links.yaml`); when given, LINE links are rendered with them and others are warned about. */
  links?: Readonly<Record<string, string>> | undefined;
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
  const fields = options.profileFields ? [...options.profileFields].join(',') : '-';
  const key = `${channel}|${fields}|${options.links ? JSON.stringify(options.links) : '-'}`;
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
  const ctx: LiquidCtx = {
    sink,
    positions: loaded.positions,
    lines,
    profileFields: options.profileFields,
    links: options.links,
  };
  const template = channel === 'email' ? checkEmail(ctx, loaded.value) : checkLine(ctx, loaded.value);
  if (template) checkLiquidStrings(ctx, template);
  if (template && channel === 'line') checkLineRendered(ctx, template as LineTemplate);
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
  if (email.transactional !== true) warnUnsubscribe(ctx, email);
  return email;
}

function hasKey(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value;
}

const UNSUBSCRIBE = /\{\{-?[^}]*\blinks\.unsubscribe\b[^}]*\}\}/;

/** Marketing mail must let the customer opt out in every body a reader may see (RFC 8058 aside, the law asks it). */
function warnUnsubscribe(ctx: LiquidCtx, email: EmailTemplate): void {
  for (const key of ['html', 'mjml', 'text'] as const) {
    const body = email[key];
    if (body === undefined || UNSUBSCRIBE.test(body)) continue;
    const part = key === 'text' ? 'the text part' : `the ${key} body`;
    const message = `${part} has no {{ links.unsubscribe }}; marketing mail must let the customer opt out (mark a mail the customer asked for with transactional: true)`;
    ctx.sink.add('NO_UNSUBSCRIBE_LINK', message, ctx.positions.keyAt([key]), [key], { severity: 'warning' });
  }
}

function checkLine(ctx: LiquidCtx, value: unknown): LineTemplate | null {
  const parsed = z.strictObject({ messages: z.array(z.unknown()) }).safeParse(value);
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
  return { messages: parsed.data.messages as Record<string, unknown>[] };
}

/** Checks the messages as LINE will receive them: after a trial render of their Liquid. */
function checkLineRendered(ctx: LiquidCtx, template: LineTemplate): void {
  const rendered = renderTrial(template.messages, ctx.links);
  for (const issue of checkLineMessages(rendered)) {
    const at = issue.at === 'key' ? ctx.positions.keyAt(issue.path) : ctx.positions.valueAt(issue.path);
    const message =
      issue.code === 'LINE_BAD_URI' ? issue.message + missingLinks(ctx, template, issue.path) : issue.message;
    ctx.sink.add(issue.code, message, at, issue.path, { severity: issue.severity, suggestion: issue.suggestion });
  }
}

/** Names the undeclared links a URI is written with: the reason it rendered empty. */
function missingLinks(ctx: LiquidCtx, template: LineTemplate, path: DocPath): string {
  let source: unknown = template;
  for (const key of path) source = (source as Record<string | number, unknown> | undefined)?.[key];
  if (typeof source !== 'string' || ctx.links === undefined) return '';
  const links = ctx.links;
  const names = [...source.matchAll(/\blinks\.([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  const missing = names.filter((n) => n !== UNSUBSCRIBE_LINK && !Object.hasOwn(links, n));
  return missing.length === 0 ? '' : ` (${missing.map((n) => `links.${n}`).join(', ')} is not declared in links.yaml)`;
}
