/**
 * Hover text for editors: every `description` of a generated JSON Schema gets a `markdownDescription`
 * (the text, Markdown-escaped), and a step kind's also shows its snippet as a YAML example, so that
 * hovering a step key shows a whole step to copy.
 */
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

/** The schema with a `markdownDescription` beside every `description`; the input is not changed. */
export function withMarkdown<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item: unknown) => withMarkdown(item)) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) out[key] = withMarkdown(value);
  if (typeof out['description'] === 'string' && out['markdownDescription'] === undefined) {
    out['markdownDescription'] = escapeMarkdown(out['description']) + exampleOf(out['defaultSnippets']);
  }
  describeKindKey(out);
  return out as T;
}

/**
 * Hovering a step's kind key (`wait:`) shows the kind's description and example: editors show the
 * key's own schema, so it carries them too.
 */
function describeKindKey(step: Json): void {
  const properties = step['properties'] as Record<string, Json> | undefined;
  const kind = typeof step['title'] === 'string' ? properties?.[step['title']] : undefined;
  if (kind === undefined || step['defaultSnippets'] === undefined) return;
  const own = typeof kind['description'] === 'string' ? `\n\n${escapeMarkdown(kind['description'])}` : '';
  kind['markdownDescription'] =
    `${escapeMarkdown(String(step['description']))}${own}${exampleOf(step['defaultSnippets'])}`;
}

/** Markdown's own characters in prose (`*` of a cron expression, `<field>`) are shown as written. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_<>[\]|]/g, (c) => `\\${c}`);
}

/** The first snippet as a YAML block, its placeholders replaced by their defaults. */
function exampleOf(snippets: unknown): string {
  if (!Array.isArray(snippets)) return '';
  const body = (snippets[0] as { body?: unknown } | undefined)?.body;
  if (body === undefined) return '';
  const yaml = stringify([body])
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1');
  return `\n\n\`\`\`yaml\n${yaml}\`\`\``;
}
