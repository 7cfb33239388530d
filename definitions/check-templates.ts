/** Checks the templates that send steps reference against the catalog, and pins their versions. */
import { createHash } from 'node:crypto';
import type { DeliveryChannel, TemplateRef } from './plan.js';
import type { CompileContext } from './context.js';
import type { SendRef } from './compile-step-kinds.js';
import { checkTemplate } from './templates.js';
import type { TemplateCatalog } from './templates.js';
import { suggest } from './suggest.js';
import { setOwn } from './conditions.js';

/** Template refs for the plan, and the sources that go into its content hash. */
export interface PinnedTemplates {
  refs: Record<string, TemplateRef>;
  sources: string[];
}

/**
 * Reports UNKNOWN_TEMPLATE / TEMPLATE_CHANNEL_MISSING at the send step and every problem inside a
 * referenced template at its own file and position (once per template variant).
 */
export function checkSendTemplates(
  ctx: CompileContext,
  sends: readonly { template: string; channels: DeliveryChannel[]; path: SendRef['path'] }[],
  options: {
    templates?: TemplateCatalog | undefined;
    templatesDir?: string | undefined;
    links?: Readonly<Record<string, string>> | undefined;
  },
): PinnedTemplates {
  const refs: Record<string, TemplateRef> = {};
  const sources = new Map<string, string>();
  const catalog = options.templates;
  for (const send of sends) {
    const ref = refFor(refs, send.template);
    if (catalog === undefined) continue;
    // Own names only: a template called "constructor" is not Object's.
    const variants = Object.hasOwn(catalog, send.template) ? catalog[send.template] : undefined;
    const at = ctx.positions.valueAt(send.path);
    if (variants === undefined) {
      const hint = suggest(send.template, Object.keys(catalog));
      const where = options.templatesDir === undefined ? '' : ` in ${options.templatesDir}`;
      const message = `no template named "${send.template}"${where}`;
      ctx.sink.add('UNKNOWN_TEMPLATE', message, at, send.path, { suggestion: hint });
      continue;
    }
    for (const channel of send.channels) {
      const variant = variants[channel];
      if (variant === undefined) {
        const dir = options.templatesDir ?? 'templates';
        const message = `template "${send.template}" has no ${channel} variant (add ${dir}/${channel}/${send.template}.yaml)`;
        ctx.sink.add('TEMPLATE_CHANNEL_MISSING', message, at, send.path);
        continue;
      }
      const check = checkTemplate(channel, variant, { profileFields: ctx.profileFields, links: options.links });
      for (const problem of check.problems) ctx.sink.problems.push(problem);
      ref[channel] = { file: variant.file, hash: hashOf(variant.source) };
      sources.set(`${send.template}/${channel}`, variant.source);
    }
  }
  const ordered = [...sources.keys()].sort().map((k) => `${k}\u0000${sources.get(k) ?? ''}`);
  return { refs: sortKeys(refs), sources: ordered };
}

const hashes = new Map<string, string>();

/** sha256 of a template source, memoised: a validation run compiles many journeys over the same templates. */
function hashOf(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('hex');
    hashes.set(text, hash);
  }
  return hash;
}

function sortKeys<V>(record: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** The pinned variants of template `name`, created on first use (`__proto__` included). */
function refFor(refs: Record<string, TemplateRef>, name: string): TemplateRef {
  const found = Object.hasOwn(refs, name) ? refs[name] : undefined;
  if (found) return found;
  const ref: TemplateRef = { email: null, line: null };
  setOwn(refs, name, ref);
  return ref;
}
