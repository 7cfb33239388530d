/**
 * Writes the JSON Schemas editors check definitions with (`npm run gen:schema`): the journey
 * language (`journey.schema.json`, from the zod schema) and the template files
 * (`email-template.schema.json`, `line-template.schema.json`, from the template schemas and the
 * LINE message rules), each with Markdown hover text beside its descriptions. A unit test fails when a committed file differs from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { lineMessageJsonSchema } from './line-messages-schema.js';
import { journeyJsonSchema } from './schema.js';
import { routeJsonSchema } from './route-schema.js';
import { withMarkdown } from './schema-markdown.js';
import { emailTemplateSchema, lineTemplateSchema } from './templates.js';

/** Path of the committed journey JSON Schema. */
export const JSON_SCHEMA_FILE = fileURLToPath(new URL('./journey.schema.json', import.meta.url));

const render = (schema: Record<string, unknown>): string => `${JSON.stringify(schema, null, 2)}\n`;

/** The text of the journey JSON Schema file, exactly as committed. */
export function renderJsonSchema(): string {
  return render(withMarkdown(journeyJsonSchema()));
}

/** The JSON Schema of email template files. */
export function emailTemplateJsonSchema(): Record<string, unknown> {
  return withMarkdown(z.toJSONSchema(emailTemplateSchema, { target: 'draft-2020-12' }));
}

/** The JSON Schema of LINE template files: the template's keys, and every LINE message in depth. */
export function lineTemplateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(lineTemplateSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
  const { message, defs } = lineMessageJsonSchema();
  const properties = schema['properties'] as Record<string, Record<string, unknown>>;
  properties['messages'] = { ...properties['messages'], items: message };
  return withMarkdown({ ...schema, $defs: defs });
}

/** Every generated schema file and its text, exactly as committed. */
export function renderSchemaFiles(): Record<string, string> {
  const file = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));
  return {
    [JSON_SCHEMA_FILE]: renderJsonSchema(),
    [file('email-template.schema.json')]: render(emailTemplateJsonSchema()),
    [file('line-template.schema.json')]: render(lineTemplateJsonSchema()),
    [file('route.schema.json')]: render(withMarkdown(routeJsonSchema())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(renderSchemaFiles())) {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
