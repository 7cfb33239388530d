/**
 * Writes the JSON Schemas editors check definitions with (`npm run gen:schema`): the journey
 * language (`journey.schema.json`, from the zod schema) and the template files
 * (`email-template.schema.json`, `line-template.schema.json`, from the template schemas and the
 * LINE message rules), each with Markdown hover text beside its descriptions. A unit test fails when a committed file differs from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { lineMessageJsonSchema, objectJsonSchema } from './line-messages-schema.js';
import { RICH_MENU_SPEC } from './richmenus.js';
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

/**
 * The JSON Schema of rich menu files (`richmenus/<name>.yaml`): LINE's `RichMenuRequest` as the checks
 * read it, plus `image`. Geometry across keys (width / height, areas inside the menu) and the image file
 * are left to `kizuna validate`.
 */
export function richMenuJsonSchema(): Record<string, unknown> {
  const { root, defs } = objectJsonSchema(RICH_MENU_SPEC);
  const id = String(root['$ref']).replace('#/$defs/', '');
  const { [id]: menu, ...rest } = defs;
  const properties = { ...(menu?.['properties'] as Record<string, Record<string, unknown>>) };
  properties['image'] = {
    ...properties['image'],
    description: "The PNG or JPEG file beside this one, of the menu's size, at most 1 MB.",
  };
  properties['chatBarText'] = {
    ...properties['chatBarText'],
    description: 'The text of the chat bar that opens the menu (at most 14 characters).',
  };
  properties['selected'] = { ...properties['selected'], description: 'true: the menu opens by itself when shown.' };
  return withMarkdown({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...menu,
    title: 'Kizuna rich menu',
    description:
      "A LINE rich menu (LINE's RichMenuRequest and its image); the file name is its name and alias (docs/routes.md).",
    properties,
    ...(Object.keys(rest).length > 0 ? { $defs: rest } : {}),
  });
}

/** Every generated schema file and its text, exactly as committed. */
export function renderSchemaFiles(): Record<string, string> {
  const file = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));
  return {
    [JSON_SCHEMA_FILE]: renderJsonSchema(),
    [file('email-template.schema.json')]: render(emailTemplateJsonSchema()),
    [file('line-template.schema.json')]: render(lineTemplateJsonSchema()),
    [file('route.schema.json')]: render(withMarkdown(routeJsonSchema())),
    [file('richmenu.schema.json')]: render(richMenuJsonSchema()),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(renderSchemaFiles())) {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
