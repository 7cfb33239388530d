/**
 * `kizuna init [dir]`: a new shop's definitions folder. The journeys, templates, profile fields, links
 * and JSON Schemas are copied from the repository's examples (so they never drift from what the
 * tests check); the README, the editor settings and the simulation samples come from `cli/init/`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { withPathErrors } from './journey-files.js';

const EXAMPLES = fileURLToPath(new URL('../definitions/', import.meta.url));
const SKELETON = fileURLToPath(new URL('./init/', import.meta.url));

/** One journey of each kind: win-back (segment), upsell (event), reminder (date attribute), survey (LINE). */
export const INIT_JOURNEYS = ['winback', 'upsell', 'renewal-reminder', 'line-survey'] as const;

const SCHEMAS = {
  'journey.schema.json': 'journeys/*.yaml',
  'email-template.schema.json': 'templates/email/*.yaml',
  'line-template.schema.json': 'templates/line/*.yaml',
  'richmenu.schema.json': 'richmenus/*.yaml',
} as const;

/** Thrown when the target folder already holds files: init never overwrites a shop's work. */
export class InitTargetError extends Error {
  override readonly name = 'InitTargetError';
}

/**
 * Writes a definitions folder into `dir` and returns the files written, relative to `dir`.
 * @throws InitTargetError when `dir` exists and is not empty
 */
export function initDefinitions(dir: string): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new InitTargetError(`${dir} is not empty; give a new folder (kizuna init my-shop)`);
  }
  const written: string[] = [];
  const copy = (from: string, to: string): void => {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(from, join(dir, to));
    written.push(to);
  };
  for (const file of ['profile-fields.yaml', 'links.yaml', ...Object.keys(SCHEMAS)]) copy(join(EXAMPLES, file), file);
  for (const journey of INIT_JOURNEYS) {
    const file = `journeys/${journey}.yaml`;
    copy(join(EXAMPLES, file), file);
    for (const template of templatesOf(join(EXAMPLES, file))) copy(join(EXAMPLES, template), template);
    for (const menu of richMenusOf(join(EXAMPLES, file))) if (!written.includes(menu)) copy(join(EXAMPLES, menu), menu);
  }
  for (const sample of filesUnder(join(SKELETON, 'simulate'))) copy(join(SKELETON, sample), sample);
  copy(join(SKELETON, 'README.md'), 'README.md');
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, '.vscode', 'settings.json'), editorSettings());
  written.push('.vscode/settings.json');
  return written;
}

/** The files under `root`'s folder `dir`, as paths relative to `root`. */
function filesUnder(dir: string, root = SKELETON): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name), root) : [relative(root, join(dir, entry.name))],
  );
}

/** The template files a journey names, in every channel folder that has one. */
function templatesOf(journeyFile: string): string[] {
  // A regular expression is enough here: the examples are valid, and `kizuna validate` on the
  // result (in the tests) proves that no template was left behind.
  const names = [...readFileSync(journeyFile, 'utf8').matchAll(/template:\s*([\w.-]+)/g)].map((m) => m[1] ?? '');
  return [...new Set(names)].flatMap((name) =>
    ['email', 'line']
      .map((channel) => `templates/${channel}/${name}.yaml`)
      .filter((file) => existsSync(join(EXAMPLES, file))),
  );
}

/** The rich menu files (and their images) a journey links with `line_richmenu`. */
function richMenusOf(journeyFile: string): string[] {
  const names = [...readFileSync(journeyFile, 'utf8').matchAll(/link:\s*([\w-]+)/g)].map((m) => m[1] ?? '');
  return [...new Set(names)].flatMap((name) => {
    const menu = `richmenus/${name}.yaml`;
    if (!existsSync(join(EXAMPLES, menu))) return [];
    const image = /^image:\s*(\S+)/m.exec(readFileSync(join(EXAMPLES, menu), 'utf8'))?.[1];
    return image === undefined ? [menu] : [menu, `richmenus/${image}`];
  });
}

/** VS Code settings for the YAML extension: which schema checks which files (the modelines say it too). */
export function editorSettings(): string {
  const schemas = Object.fromEntries(Object.entries(SCHEMAS).map(([schema, glob]) => [`./${schema}`, [glob]]));
  const settings = { 'yaml.schemas': schemas, 'yaml.validate': true, 'yaml.completion': true, 'yaml.hover': true };
  return `${JSON.stringify(settings, null, 2)}\n`;
}

/** Registers `init` on the program. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a definitions folder for a new shop: journeys, templates, profile fields, editor settings')
    .argument('[dir]', 'the folder to create (new or empty)', 'definitions')
    .action((dir: string) =>
      withPathErrors('init', () => {
        try {
          const files = initDefinitions(dir);
          console.log(`wrote ${files.length} files to ${dir}; start with ${join(dir, 'README.md')}`);
        } catch (error) {
          if (!(error instanceof InitTargetError)) throw error;
          console.error(`kizuna init: ${error.message}`);
          process.exitCode = 1;
        }
      }),
    );
}
