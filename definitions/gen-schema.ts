/**
 * Writes `definitions/journey.schema.json` from the zod schema (`npm run gen:schema`).
 * A unit test fails when the committed file differs from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { journeyJsonSchema } from './schema.js';

/** Path of the committed JSON Schema. */
export const JSON_SCHEMA_FILE = fileURLToPath(new URL('./journey.schema.json', import.meta.url));

/** The text of the JSON Schema file, exactly as committed. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(journeyJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(JSON_SCHEMA_FILE, renderJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_FILE}`);
}
