/**
 * Reads the definitions folder from disk: the template catalog (`templates/email/<name>.yaml`,
 * `templates/line/<name>.yaml`), the declared profile fields (`profile-fields.yaml`) and the rich
 * menu names (`richmenus/<name>.yaml`).
 * The only module of `definitions/` that touches the file system.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';
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

/** The type a profile field is declared with in `profile-fields.yaml`; `date` values are stored as dates. */
export type ProfileFieldType = 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array';

/**
 * The profile fields declared in `profile-fields.yaml` (`fields: { name: { type, description } }`),
 * each with its type (`undefined` when the declaration names none or another word).
 * Returns `undefined` when the file does not exist. Throws when it is not valid YAML.
 */
export function loadProfileFieldTypes(file: string): Record<string, ProfileFieldType | undefined> | undefined {
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as { fields?: Record<string, unknown> } | null;
  const types: Record<string, ProfileFieldType | undefined> = {};
  for (const [name, declaration] of Object.entries(doc?.fields ?? {})) setOwn(types, name, typeOf(declaration));
  return types;
}

const FIELD_TYPES: readonly string[] = ['string', 'number', 'boolean', 'date', 'object', 'array'];

function typeOf(declaration: unknown): ProfileFieldType | undefined {
  if (typeof declaration !== 'object' || declaration === null || !('type' in declaration)) return undefined;
  const { type } = declaration;
  return typeof type === 'string' && FIELD_TYPES.includes(type) ? (type as ProfileFieldType) : undefined;
}

/**
 * Site links templates may use as `{{ links.<name> }}`, declared in `links.yaml`
 * (`links: { shop: https://shop.example.jp }`). `links.unsubscribe` is made per recipient and needs
 * no declaration. Returns `undefined` when the file does not exist. Throws when it is not valid YAML.
 */
export function loadLinks(file: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as { links?: Record<string, unknown> } | null;
  const links: Record<string, string> = {};
  for (const [name, url] of Object.entries(doc?.links ?? {})) setOwn(links, name, String(url));
  return links;
}

/**
 * Compile options for the journeys of a definitions folder: its templates, profile fields (with the
 * date fields among them) and links.
 * Journeys in other folders (fixtures, a user's checkout) find the folder with {@link findDefinitionsRoot}.
 */
export function loadCompileOptions(definitionsDir = DEFINITIONS_DIR, cwd = process.cwd()): CompileOptions {
  const templatesDir = join(definitionsDir, 'templates');
  const options: CompileOptions = {
    templates: loadTemplateCatalog(templatesDir, cwd),
    templatesDir: displayPath(templatesDir, cwd),
  };
  const types = loadProfileFieldTypes(join(definitionsDir, 'profile-fields.yaml'));
  if (types !== undefined) {
    options.profileFields = Object.keys(types);
    options.dateFields = Object.keys(types).filter((name) => types[name] === 'date');
  }
  const links = loadLinks(join(definitionsDir, 'links.yaml'));
  if (links !== undefined) options.links = links;
  const richMenus = loadRichMenuNames(join(definitionsDir, 'richmenus'));
  if (richMenus !== undefined) options.richMenus = richMenus;
  return options;
}

/** The rich menu names of a `richmenus/` folder (its YAML files' names); `undefined` when there is no such folder. */
export function loadRichMenuNames(dir: string): string[] | undefined {
  if (!isDirectory(dir)) return undefined;
  return readdirSync(dir)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .map((entry) => entry.replace(/\.ya?ml$/, ''))
    .sort();
}

/** Whether `dir` is a definitions folder: it holds `templates/` or `profile-fields.yaml`. */
function isDefinitionsDir(dir: string): boolean {
  return isDirectory(join(dir, 'templates')) || existsSync(join(dir, 'profile-fields.yaml'));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The definitions folder of a journey (or template) file, found from the file's own folder upwards:
 * the first folder that holds `templates/` or `profile-fields.yaml`, or is called `definitions`, or
 * holds a `definitions/` folder. When none is found, the file's own folder (whose `templates/` is then
 * where templates are looked for). Never depends on the working directory, except to resolve a
 * relative `file`; the result keeps the form `file` was given in (relative or absolute).
 */
export function findDefinitionsRoot(file: string): string {
  const start = dirname(file);
  for (let dir = start; ; dir = join(dir, '..')) {
    if (isDefinitionsDir(dir) || basename(resolve(dir)) === DEFINITIONS_DIR) return normalize(dir);
    if (isDefinitionsDir(join(dir, DEFINITIONS_DIR))) return normalize(join(dir, DEFINITIONS_DIR));
    if (dirname(resolve(dir)) === resolve(dir)) return start;
  }
}
