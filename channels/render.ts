/**
 * Renders pinned templates for one recipient: Liquid over `{ profile, event, journey, links }`.
 * Email: HTML (values escaped) or MJML, CSS inlined, a text part generated when the template has none.
 * LINE: every string of every message object is rendered (values not escaped: LINE shows text as is).
 */
import { convert } from 'html-to-text';
import juice from 'juice';
import type { Liquid, Template } from 'liquidjs';
import mjml2html from 'mjml';
import { parse as parseYaml } from 'yaml';
import {
  emailTemplateSchema,
  lineTemplateSchema,
  type EmailTemplate,
  type LineTemplate,
} from '../definitions/templates.js';
import { createSandboxedLiquid } from '../definitions/liquid-sandbox.js';
import type { LineMessage } from './line-sender.js';

/** The data a template renders with. */
export interface RenderScope {
  profile: Record<string, unknown>;
  event: Record<string, unknown> | null;
  journey: { id: string; version: number; stepId: string };
  links: Record<string, string>;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Thrown when a pinned template cannot be parsed or rendered: the send fails with reason `template-error`. */
export class TemplateRenderError extends Error {
  readonly code = 'TEMPLATE_RENDER_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/** The zone dates render in when the profile names none (the language's default zone). */
export const DEFAULT_RENDER_ZONE = 'Asia/Tokyo';

type Flavour = 'plain' | 'html';
const engines = new Map<string, Liquid>();
const parsed = new Map<string, Template[]>();
const MAX_PARSED = 5000;

/**
 * One Liquid engine per time zone and flavour: liquidjs fixes the `date` filter's zone per engine, and a
 * customer must read "12月14日 08:59" in their own zone, not the server's or UTC.
 */
function engineFor(flavour: Flavour, zone: string): Liquid {
  const key = `${flavour}:${zone}`;
  let engine = engines.get(key);
  if (!engine) {
    // No file system: a template can never read a file of the server, whatever got it published.
    engine = createSandboxedLiquid({
      strictFilters: true,
      ownPropertyOnly: true,
      timezoneOffset: zone,
      ...(flavour === 'html' ? { outputEscape: 'escape' as const } : {}),
    });
    engines.set(key, engine);
  }
  return engine;
}

/** The customer's IANA zone from the profile, or {@link DEFAULT_RENDER_ZONE}. */
export function renderZone(profile: Record<string, unknown>): string {
  const zone = profile.timezone;
  if (typeof zone !== 'string' || zone === '') return DEFAULT_RENDER_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return DEFAULT_RENDER_ZONE;
  }
}

async function renderString(flavour: Flavour, text: string, scope: RenderScope): Promise<string> {
  if (!text.includes('{')) return text;
  const zone = renderZone(scope.profile);
  const engine = engineFor(flavour, zone);
  const key = `${flavour}:${zone}:${text}`;
  let templates = parsed.get(key);
  if (!templates) {
    templates = engine.parse(text);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(key, templates);
  }
  return String(await engine.render(templates, scope));
}

/**
 * Parses a pinned template source. Only its shape is checked here: the full checks ran when the journey
 * was published, and LINE itself judges the rendered messages. Throws {@link TemplateRenderError}.
 */
export function parseTemplate(channel: 'email', file: string, source: string): EmailTemplate;
export function parseTemplate(channel: 'line', file: string, source: string): LineTemplate;
export function parseTemplate(channel: 'email' | 'line', file: string, source: string): EmailTemplate | LineTemplate {
  let value: unknown;
  try {
    value = parseYaml(source);
  } catch (err) {
    throw new TemplateRenderError(`${file}: not readable YAML: ${(err as Error).message}`);
  }
  const parsed = channel === 'email' ? emailTemplateSchema.safeParse(value) : lineTemplateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TemplateRenderError(`${file}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a template'}`);
  }
  return parsed.data;
}

/** Renders an email; throws {@link TemplateRenderError}. */
export async function renderEmail(template: EmailTemplate, scope: RenderScope): Promise<RenderedEmail> {
  try {
    const subject = (await renderString('plain', template.subject, scope)).replace(/\s*\r?\n\s*/g, ' ').trim();
    let body: string;
    if (template.mjml !== undefined) {
      const result = await mjml2html(await renderString('html', template.mjml, scope), { validationLevel: 'soft' });
      body = result.html;
    } else {
      body = await renderString('html', template.html ?? '', scope);
    }
    const inlined = juice(body);
    const text =
      template.text !== undefined
        ? await renderString('plain', template.text, scope)
        : convert(inlined, { wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
    return { subject, html: inlined, text };
  } catch (err) {
    if (err instanceof TemplateRenderError) throw err;
    throw new TemplateRenderError(`rendering the email failed: ${(err as Error).message}`);
  }
}

/** Renders LINE messages (Liquid in every string); throws {@link TemplateRenderError}. */
export async function renderLine(template: LineTemplate, scope: RenderScope): Promise<LineMessage[]> {
  try {
    return (await renderValue(template.messages, scope)) as LineMessage[];
  } catch (err) {
    throw new TemplateRenderError(`rendering the LINE messages failed: ${(err as Error).message}`);
  }
}

async function renderValue(value: unknown, scope: RenderScope): Promise<unknown> {
  if (typeof value === 'string') return (await renderString('plain', value, scope)).replace(/\n+$/, '');
  if (Array.isArray(value)) return Promise.all(value.map((v) => renderValue(v, scope)));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderValue(v, scope);
    return out;
  }
  return value;
}
