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

/** A command-line path that cannot be used; the command prints its message in one line and exits 1. */
export class CliPathError extends Error {
  override readonly name = 'CliPathError';
}

/** @throws CliPathError when `dir` (the `--definitions` option) is given but is not a folder. */
export function checkDefinitionsOption(dir: string | undefined): void {
  if (dir === undefined) return;
  let folder = false;
  try {
    folder = statSync(dir).isDirectory();
  } catch {
    // A missing or unreadable path is not a folder either.
  }
  if (!folder) throw new CliPathError(`--definitions: ${dir} is not a folder`);
}

/**
 * The one-line message for a path that cannot be read (missing, a folder where a file is needed,
 * not permitted), `null` for any other error, which is a defect and keeps its stack trace.
 */
export function pathErrorMessage(error: unknown): string | null {
  if (error instanceof CliPathError) return error.message;
  if (!(error instanceof Error) || !('code' in error) || !('path' in error)) return null;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'is a folder, not a file',
    ENOTDIR: 'a part of the path is not a folder',
    EACCES: 'permission denied',
  };
  const reason = typeof error.code === 'string' ? reasons[error.code] : undefined;
  return reason === undefined ? null : `${String(error.path)}: ${reason}`;
}

/** Runs a command's action; a path that cannot be used ends it with `kizuna <command>: <message>` and exit code 1. */
export async function withPathErrors(command: string, action: () => void | Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const message = pathErrorMessage(error);
    if (message === null) throw error;
    process.stderr.write(`kizuna ${command}: ${message}\n`);
    process.exitCode = 1;
  }
}

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

  /** @throws CliPathError when `definitionsDir` is given but is not a folder. */
  constructor(private readonly definitionsDir?: string) {
    checkDefinitionsOption(definitionsDir);
  }

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
