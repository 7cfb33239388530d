import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../../../definitions/gen-schema.js';
import { STEP_KINDS } from '../../../definitions/step-kinds.js';

describe('definitions/journey.schema.json', () => {
  it('is what `npm run gen:schema` writes from the zod schema (run it after changing definitions/schema.ts)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(renderJsonSchema());
  });

  it('describes every step kind and rejects unknown keys', () => {
    const schema = JSON.parse(renderJsonSchema()) as { $defs: Record<string, { anyOf?: { required?: string[] }[] }> };
    const kinds = (schema.$defs['Step']?.anyOf ?? []).map((s) => s.required?.find((k) => k !== 'id') ?? '');
    expect(kinds.filter((k) => k !== 'then' && k !== 'steps')).toEqual(expect.arrayContaining([...STEP_KINDS]));
    expect(renderJsonSchema()).toContain('"additionalProperties": false');
  });
});
