import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  JSON_SCHEMA_FILE,
  emailTemplateJsonSchema,
  lineTemplateJsonSchema,
  renderJsonSchema,
  renderSchemaFiles,
  richMenuJsonSchema,
} from '../../../definitions/gen-schema.js';
import { STEP_KINDS } from '../../../definitions/step-kinds.js';

type Schema = Record<string, unknown>;

/** Keywords whose subschemas only constrain (the editor rules): their keys are described where they are declared. */
const RULE_KEYWORDS = new Set(['allOf', 'if', 'then', 'not']);

/** Every `properties` entry of a schema, with its path, through `$defs`, unions, items and nesting. */
function propertiesOf(schema: unknown, path = '#'): [string, Schema][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const out: [string, Schema][] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (RULE_KEYWORDS.has(key)) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, prop] of Object.entries(value as Record<string, Schema>)) {
        out.push([`${path}/${name}`, prop], ...propertiesOf(prop, `${path}/${name}`));
      }
    } else if (typeof value === 'object') out.push(...propertiesOf(value, `${path}/${key}`));
  }
  return out;
}

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

  it('gives every step alternative a title and a description, named after its kind', () => {
    const schema = JSON.parse(renderJsonSchema()) as { $defs: { Step: { anyOf: Schema[] } } };
    const steps = schema.$defs.Step.anyOf;
    expect(steps.map((s) => s['title'])).toEqual([...STEP_KINDS].sort((a, b) => order(a) - order(b)));
    for (const step of steps) expect(String(step['description']).length).toBeGreaterThan(10);
  });

  it('describes every key', () => {
    const undescribed = propertiesOf(JSON.parse(renderJsonSchema()))
      .filter(([, prop]) => prop['description'] === undefined && prop['title'] === undefined)
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });
});

/** Leaf step kinds come first in the union, then the kinds with nested steps. */
function order(kind: string): number {
  const nested = ['wait_for', 'if', 'branch', 'split', 'repeat'];
  return nested.includes(kind) ? 100 + nested.indexOf(kind) : STEP_KINDS.indexOf(kind as never);
}

describe('the template JSON Schemas', () => {
  it('are what `npm run gen:schema` writes', () => {
    for (const [file, text] of Object.entries(renderSchemaFiles())) expect(readFileSync(file, 'utf8')).toBe(text);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const email = ajv.compile(emailTemplateJsonSchema());
  const line = ajv.compile(lineTemplateJsonSchema());
  const load = (file: string): unknown => parse(readFileSync(file, 'utf8'));
  const yamlIn = (dir: string): string[] =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(dir, f));

  it.each(yamlIn('definitions/templates/email'))('%s is referenced and valid', (file) => {
    expect(readFileSync(file, 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/email-template\.schema\.json\n/,
    );
    expect(email(load(file)) ? [] : email.errors).toEqual([]);
  });

  it.each([...yamlIn('definitions/templates/line'), ...yamlIn('test/fixtures/definitions/line-messages/valid')])(
    '%s is valid',
    (file) => {
      if (file.startsWith('definitions/')) {
        expect(readFileSync(file, 'utf8')).toMatch(
          /^# yaml-language-server: \$schema=\.\.\/\.\.\/line-template\.schema\.json\n/,
        );
      }
      expect(line(load(file)) ? [] : line.errors).toEqual([]);
    },
  );

  const richMenu = ajv.compile(richMenuJsonSchema());
  it.each(yamlIn('definitions/richmenus'))('%s is referenced and valid', (file) => {
    expect(readFileSync(file, 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/richmenu\.schema\.json\n/);
    expect(richMenu(load(file)) ? [] : richMenu.errors).toEqual([]);
  });

  it('rich menus: flag an action a rich menu does not take, a missing image, a key out of place', () => {
    const menu = load('definitions/richmenus/members.yaml') as Record<string, unknown>;
    const area = (action: object) => ({ bounds: { x: 0, y: 0, width: 10, height: 10 }, action });
    expect(richMenu(menu)).toBe(true);
    expect(richMenu({ ...menu, areas: [area({ type: 'camera', label: 'c' })] })).toBe(false);
    expect(richMenu({ ...menu, areas: [area({ type: 'postbak', data: 'a' })] })).toBe(false);
    expect(richMenu({ ...menu, image: undefined })).toBe(false);
    expect(richMenu({ ...menu, chatBarTxt: 'x' })).toBe(false);
    expect(richMenu({ ...menu, size: { width: 4000, height: 843 } })).toBe(false);
  });

  it('flag what an editor can see at once: a typo in a type, a keyword or a key', () => {
    const refused = (messages: unknown[]): boolean => !line({ messages });
    expect(refused([{ type: 'flex', altText: 'a', contents: { type: 'bubbel' } }])).toBe(true);
    expect(
      refused([{ type: 'flex', altText: 'a', contents: { type: 'bubble', body: { type: 'box', contents: [] } } }]),
    ).toBe(true);
    expect(refused([{ type: 'text', text: 'a', quickReply: { items: [{ type: 'action' }] } }])).toBe(true);
    expect(refused([{ type: 'text', text: 'a', wrapp: true }])).toBe(true);
    expect(
      refused([
        { type: 'imagemap', baseUrl: 'https://a', altText: 'a', baseSize: { width: 1040, height: 1 }, actions: [] },
      ]),
    ).toBe(false);
    expect(email({ subject: 's', html: 'h', transactional: 'yes' })).toBe(false);
  });
});
