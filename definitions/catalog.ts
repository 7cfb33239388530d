/**
 * Reads the definitions folder from disk: the template catalog (`templates/email/<name>.yaml`,
 * `templates/line/<name>.yaml`) and the declared profile fields (`profile-fields.yaml`).
 * The only module of `definitions/` that touches the file system.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parse } from 'yaml';
import { setOwn } from './conditions.js';
import type { DeliveryChannel } from './plan.js';
import type { CompileOptions } from './compile.js';
import type { TemplateCatalog } from './templates.js';

/** Where the example definitions live, relative to the repository root. */
export const DEFINITIONS_DIR = 'definitions';

/**
 * Loads every template under `<templatesDir>/email` and `<templatesDir>/line`; a name is the file
 * name without `.yaml`. File paths in the catalog are relative to `cwd` when inside it. Missing folders are empty.
 */
export function loadTemplateCatalog(templatesDir: string, cwd = process.cwd()): TemplateCatalog {
  const catalog: TemplateCatalog = {};
  for (const channel of ['email', 'line'] as const satisfies readonly DeliveryChannel[]) {
    const dir = join(templatesDir, channel);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(entry)) continue;
      const name = entry.replace(/\.ya?ml$/, '');
      const path = join(dir, entry);
      if (!Object.hasOwn(catalog, name)) setOwn(catalog, name, {});
      const variants = catalog[name] ?? {};
      variants[channel] = { file: displayPath(path, cwd), source: readFileSync(path, 'utf8') };
    }
  }
  return catalog;
}

/** `path` relative to `cwd` when it lies inside it, else as given: the form the CLI was called with. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * Names of the profile fields declared in `profile-fields.yaml` (`fields: { name: { type, description } }`).
 * Returns `undefined` when the file does not exist. Throws when it is not valid YAML.
 */
export function loadProfileFields(file: string): string[] | undefined {
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as { fields?: Record<string, unknown> } | null;
  return Object.keys(doc?.fields ?? {});
}

/**
 * Compile options for the journeys of a definitions folder: its templates and profile fields.
 * Journeys in other folders (fixtures, a user's checkout) find the folder with {@link findDefinitionsRoot}.
 */
export function loadCompileOptions(definitionsDir = DEFINITIONS_DIR, cwd = process.cwd()): CompileOptions {
  const options: CompileOptions = { templates: loadTemplateCatalog(join(definitionsDir, 'templates'), cwd) };
  const fields = loadProfileFields(join(definitionsDir, 'profile-fields.yaml'));
  if (fields !== undefined) options.profileFields = fields;
  return options;
}

/** The definitions folder for a journey file: the `definitions/` above it, or the parent of its folder. */
export function findDefinitionsRoot(journeyFile: string): string {
  const parts = journeyFile.split(/[\\/]/);
  const index = parts.lastIndexOf('journeys');
  if (index > 0) return parts.slice(0, index).join('/') || '.';
  return DEFINITIONS_DIR;
}
