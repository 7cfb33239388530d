/** File helpers shared by the definition commands: finding journeys, compiling one with its folder's templates. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findDefinitionsRoot, loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import type { CompileOptions, CompileResult } from '../definitions/compile.js';
import { formatDefinitionError } from '../definitions/errors.js';
import type { DefinitionError } from '../definitions/errors.js';

/** Help text of the `--definitions <dir>` option shared by the definition commands. */
export const DEFINITIONS_OPTION_HELP =
  'the definitions folder (templates/, profile-fields.yaml, links.yaml); default: found from each journey upwards';

/** Lists the YAML files under the given files and folders, sorted, without duplicates. */
export function collectYamlFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (!entry.startsWith('.') && entry !== 'node_modules') visit(join(path, entry));
      }
    } else if (/\.ya?ml$/.test(path)) found.add(path);
  };
  for (const path of paths) visit(path);
  return [...found];
}

/**
 * Compiles journey files, loading each definitions folder's templates, profile fields and links once.
 * The folder is `definitionsDir` when given (`--definitions`), else found from each file's location.
 */
export class JourneyCompiler {
  private readonly options = new Map<string, CompileOptions>();

  constructor(private readonly definitionsDir?: string) {}

  /** Compile options for the journey (or template) at `file`: those of its definitions folder. */
  optionsFor(file: string): CompileOptions {
    const root = this.definitionsDir ?? findDefinitionsRoot(file);
    let options = this.options.get(root);
    if (!options) {
      options = loadCompileOptions(root);
      this.options.set(root, options);
    }
    return options;
  }

  /** Reads and compiles `file`; throws only when the file cannot be read. */
  compileFile(file: string): CompileResult {
    return compileJourney(readFileSync(file, 'utf8'), file, this.optionsFor(file));
  }
}

/** Formats problems with their source lines, reading each problem's file once. */
export function formatProblems(problems: readonly DefinitionError[]): string {
  const sources = new Map<string, string | undefined>();
  const sourceOf = (file: string): string | undefined => {
    if (!sources.has(file)) {
      try {
        sources.set(file, readFileSync(file, 'utf8'));
      } catch {
        sources.set(file, undefined);
      }
    }
    return sources.get(file);
  };
  return problems.map((p) => formatDefinitionError(p, sourceOf(p.file))).join('\n\n');
}
