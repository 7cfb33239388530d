/**
 * The editor catches what the compiler catches: yaml-language-server, the engine of VS Code's YAML
 * support, checks every invalid fixture with the generated JSON Schemas and must mark the line that
 * `kizuna validate` reports, unless the mistake is listed below with the reason JSON Schema cannot see it.
 */
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { YamlEditor } from '../../support/yaml-editor.js';
import type { EditorDiagnostic } from '../../support/yaml-editor.js';
import { FIXTURES, expectationsOf, fixtureFiles } from './fixture-helpers.js';
import type { Expected } from './fixture-helpers.js';

const CROSS_FILE =
  'needs the other files of the definitions folder (templates, their channels); a schema sees one file';
const CONDITIONS =
  'conditions are MongoDB queries over the shop’s own field names, left open in the schema; validate checks them';
const ENTRY_CONTEXT =
  'depends on how the journey is entered, elsewhere in the file; the recursive step grammar would have to be written once per entry kind';
const LIST_LENGTH = 'maxItems marks the whole list; validate marks the first item past the limit';
const GRAPHEMES = 'LINE counts grapheme clusters (an emoji is one); JSON Schema maxLength counts code points';

/**
 * Mistakes JSON Schema cannot express, by fixture and code, and why; the editor must indeed stay silent
 * at their line and column (another mistake may share the line).
 */
const NOT_EXPRESSIBLE: Record<string, string> = {
  'bad-cron.yaml BAD_CRON': 'the values of cron fields need a cron parser (the schema checks the five fields)',
  'bad-operand.yaml BAD_OPERAND': CONDITIONS,
  'bad-regex.yaml BAD_REGEX': 'no JSON Schema keyword asserts that a string is a valid regular expression',
  'bad-timezone.yaml BAD_TIMEZONE': 'the IANA zones are the runtime’s ICU data, which differs between Node builds',
  'many-mistakes.yaml BAD_TIMEZONE': 'the IANA zones are the runtime’s ICU data, which differs between Node builds',
  'duplicate-key-and-more.yaml UNKNOWN_TEMPLATE': CROSS_FILE,
  'duplicate-step-id.yaml DUPLICATE_STEP_ID': 'uniqueItems compares whole items, not one key across a tree of steps',
  'duplicate-variant.yaml DUPLICATE_VARIANT': 'uniqueItems compares whole items, not one key of each variant',
  'duration-too-long.yaml DURATION_TOO_LONG': 'a duration is a sum of units; a pattern cannot bound a sum',
  'event-path-out-of-scope.yaml EVENT_PATH_OUT_OF_SCOPE': ENTRY_CONTEXT,
  'wait-until-event-without-event-entry.yaml EVENT_PATH_OUT_OF_SCOPE': ENTRY_CONTEXT,
  'line-alt-text-too-long.yaml LINE_ALT_TEXT_TOO_LONG': GRAPHEMES,
  'line-text-too-long.yaml LINE_TEXT_TOO_LONG': GRAPHEMES,
  'liquid-file-tag.yaml LIQUID_FILE_TAG': 'Liquid is a language of its own inside the strings',
  'liquid-syntax.yaml LIQUID_SYNTAX': 'Liquid is a language of its own inside the strings',
  'liquid-unknown-filter.yaml LIQUID_SYNTAX': 'Liquid is a language of its own inside the strings',
  'many-mistakes.yaml UNKNOWN_OPERATOR': CONDITIONS,
  'nested-too-deep.yaml NESTED_TOO_DEEP': 'a recursive $ref has no depth limit',
  'non-finite-number.yaml OUT_OF_RANGE': 'JSON has no NaN or infinity; the editor compares them as numbers',
  'non-finite-number.yaml BAD_HOLDOUT': 'JSON has no NaN or infinity; NaN passes every bound',
  'object-machinery-keys.yaml UNKNOWN_OPERATOR': CONDITIONS,
  'object-machinery-template.yaml UNKNOWN_TEMPLATE': CROSS_FILE,
  'template-channel-missing.yaml TEMPLATE_CHANNEL_MISSING': CROSS_FILE,
  'unknown-logical-operator.yaml UNKNOWN_OPERATOR': CONDITIONS,
  'unknown-operator.yaml UNKNOWN_OPERATOR': CONDITIONS,
  'unknown-template.yaml UNKNOWN_TEMPLATE': CROSS_FILE,
  'unknown-rich-menu.yaml UNKNOWN_RICH_MENU': CROSS_FILE,
  'unreachable-after-branches.yaml UNREACHABLE_STEP':
    'reachability follows every path of the steps; JSON Schema sees values, not control flow',
  'unreachable-step.yaml UNREACHABLE_STEP': 'JSON Schema cannot relate a list item to the items before it',
  'yaml-recursive-alias.yaml YAML_SYNTAX': 'the editor’s YAML parser leaves alias cycles unreported',
};

/** Mistakes the editor marks on another line than validate, and why. */
const OTHER_LINE: Record<string, { line: number; why: string }> = {
  'ambiguous-step.yaml AMBIGUOUS_STEP': {
    line: 6,
    why: 'JSON Schema has no key order: the editor marks the first kind, validate the second',
  },
  'line-too-many-messages.yaml LINE_TOO_MANY_MESSAGES': { line: 2, why: LIST_LENGTH },
  'line-too-many-quick-replies.yaml LINE_TOO_MANY_QUICK_REPLIES': { line: 6, why: LIST_LENGTH },
};

const DIR = join(FIXTURES, 'invalid');
const editors = {
  journey: new YamlEditor('definitions/journey.schema.json'),
  email: new YamlEditor('definitions/email-template.schema.json'),
  line: new YamlEditor('definitions/line-template.schema.json'),
};

/** What the editor shows for a journey or template file, with the schema its folder maps. */
function diagnose(file: string): Promise<EditorDiagnostic[]> {
  const kind = /templates\/(email|line)\//.exec(file)?.[1] as 'email' | 'line' | undefined;
  return editors[kind ?? 'journey'].diagnose(file);
}

const keyOf = (fixture: string, expected: Expected): string => `${basename(fixture)} ${expected.code}`;

describe('the editor marks the line validate reports', () => {
  const cases = fixtureFiles(DIR).flatMap((fixture) =>
    expectationsOf(fixture).map((e) => [`${keyOf(fixture, e)} ${e.line}:${e.col}`, fixture, e] as const),
  );

  it.each(cases)('%s', async (_name, fixture, expected) => {
    const diagnostics = await diagnose(expected.file);
    const key = keyOf(fixture, expected);
    if (key in NOT_EXPRESSIBLE) {
      const at = diagnostics.filter((d) => d.line === expected.line && d.col === expected.col);
      expect(at, 'listed as not expressible, but the editor sees it').toEqual([]);
    } else expect(diagnostics.map((d) => d.line)).toContain(OTHER_LINE[key]?.line ?? expected.line);
  });

  it('lists only mistakes that exist', () => {
    const keys = new Set(cases.map(([, fixture, e]) => keyOf(fixture, e)));
    expect([...Object.keys(NOT_EXPRESSIBLE), ...Object.keys(OTHER_LINE)].filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe('the editor accepts what validate accepts', () => {
  const files = [
    ...fixtureFiles(join(FIXTURES, 'valid')),
    ...fixtureFiles('definitions/journeys'),
    ...fixtureFiles('definitions/templates/email'),
    ...fixtureFiles('definitions/templates/line'),
  ];
  it.each(files)('%s', async (file) => {
    expect(await diagnose(file)).toEqual([]);
  });
});

describe('the editor helps write a journey', () => {
  const file = join(DIR, 'draft.yaml');
  const head = 'journey: draft\nname: Draft\nentry:\n  event: order.completed\n';

  it('completes whole steps', async () => {
    const items = await editors.journey.complete(file, `${head}steps:\n  - `, 6, 5);
    const send = items.find((i) => i.label === 'send' && i.insertText?.includes('template'));
    expect(send?.insertText).toMatch(/send:\n\s+channel: \$\{2\|email,line,preferred\|\}\n\s+template:/);
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['wait_for', 'split', 'update_profile']));
  });

  it('explains a key on hover, in Markdown, with an example of a step', async () => {
    const text = `${head}  schedule: { cron: '0 10 * * *' }\nsteps:\n  - wait: 3d\n`;
    expect(await editors.journey.hover(file, text, 5, 4)).toContain('When the segment is checked');
    expect(await editors.journey.hover(file, text, 5, 15)).toContain('0 10 \\* \\* \\*');
    expect(await editors.journey.hover(file, text, 7, 5)).toContain('```yaml\n- wait: 3d\n```');
  });

  it('says what to write instead', async () => {
    const text = `${head}  segment: { tier: gold }\n  schedule: { cron: '0 10 * * *' }\nsteps: []\n`;
    expect(await editors.journey.diagnose(file, text)).toEqual([
      { line: 5, col: 3, message: 'a journey enters one way; found event and segment' },
    ]);
  });
});
