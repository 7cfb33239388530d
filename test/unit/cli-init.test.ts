// `kizuna init`: the folder it writes validates, simulates and is wired to the JSON Schemas as generated.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INIT_JOURNEYS, InitTargetError, initDefinitions } from '../../cli/init.js';
import { runSimulate, type SimulateIo } from '../../cli/simulate.js';
import { validatePaths } from '../../cli/validate.js';
import { formatProblems } from '../../cli/journey-files.js';
import { YamlEditor } from '../support/yaml-editor.js';

const dir = join(mkdtempSync(join(tmpdir(), 'kizuna-init-')), 'shop');
const files = initDefinitions(dir);
const yamlFiles = files.filter((f) => f.endsWith('.yaml') && !/^(profile-fields|links)\.yaml$/.test(f));

/** The README's simulate commands: segment journeys have no entry event, so they name a start. */
const STARTS: Partial<Record<(typeof INIT_JOURNEYS)[number], string>> = { winback: '2026-11-02T10:00:00+09:00' };

/** Whether a folder glob of the settings (`journeys/*.yaml`) matches a relative path. */
function matches(glob: string, file: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${pattern}$`).test(file);
}

describe('kizuna init', () => {
  it('writes one journey of each kind, their templates, profile fields, schemas, editor settings and a README', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'profile-fields.yaml',
        '.vscode/settings.json',
        'journey.schema.json',
        ...INIT_JOURNEYS.map((j) => `journeys/${j}.yaml`),
      ]),
    );
    expect(files.filter((f) => f.startsWith('templates/email/')).length).toBeGreaterThan(3);
    expect(files.filter((f) => f.startsWith('templates/line/')).length).toBeGreaterThan(3);
  });

  it('passes kizuna validate as generated', () => {
    const report = validatePaths([dir], { definitions: dir });
    expect(report.errors, formatProblems(report.problems)).toBe(0);
    expect(report.files).toBe(yamlFiles.length);
  });

  it.each(INIT_JOURNEYS)('simulates %s with its sample customer and timeline, as the example does', (journey) => {
    const out: string[] = [];
    const io: SimulateIo = { out: (t) => out.push(t), err: (t) => out.push(t), errIsTty: false };
    const options = {
      profile: join(dir, 'simulate', journey, 'profile.json'),
      events: join(dir, 'simulate', journey, 'events.jsonl'),
      until: '30d',
      definitions: dir,
      ...(STARTS[journey] === undefined ? {} : { start: STARTS[journey] }),
    };
    expect(runSimulate(join(dir, 'journeys', `${journey}.yaml`), options, io), out.join('\n')).toBe(0);
    // The samples are the examples' own timelines: the same journey, the same dry run.
    const expected = readFileSync(join('test/fixtures/simulate', journey, 'expected.txt'), 'utf8');
    expect(out.join('\n').trimEnd()).toBe(expected.trimEnd());
  });

  it('names its schema in every journey and template, and the editor finds nothing to mark', async () => {
    const editor = new YamlEditor();
    for (const file of yamlFiles) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toMatch(
        /^# yaml-language-server: \$schema=\S+\.schema\.json\n/,
      );
      expect(await editor.diagnose(join(dir, file)), file).toEqual([]);
    }
  });

  it('maps every journey and template to its schema in .vscode/settings.json', () => {
    const settings = JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8')) as {
      'yaml.schemas': Record<string, string[]>;
    };
    for (const file of yamlFiles) {
      const modeline = /\$schema=(?:\.\.\/)*(\S+)/.exec(readFileSync(join(dir, file), 'utf8'))?.[1];
      const mapped = Object.entries(settings['yaml.schemas']).filter(([, globs]) =>
        globs.some((g) => matches(g, file)),
      );
      expect(
        mapped.map(([schema]) => schema),
        file,
      ).toEqual([`./${modeline}`]);
    }
  });

  it('the editor marks a mistake in a generated journey', async () => {
    const file = join(dir, 'journeys', 'upsell.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^journey: .*$/m, 'journey: Upsell Grinder'));
    const lines = (await new YamlEditor().diagnose(file)).map((d) => d.line);
    expect(lines).toEqual([2]);
  });

  it('refuses a folder that holds files', () => {
    expect(() => initDefinitions(dir)).toThrow(InitTargetError);
  });
});
