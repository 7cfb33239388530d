/** `kizuna validate <files or folders>`: every problem of every journey and template, and a summary. */
import { loadRichMenu, RICH_MENU_FILE } from '../definitions/richmenus.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DefinitionError } from '../definitions/errors.js';
import { loadRouteDefinition } from '../definitions/route-definition.js';
import { checkTemplate } from '../definitions/templates.js';
import { checkWorkspace } from '../definitions/workspace.js';
import {
  DEFINITIONS_OPTION_HELP,
  JourneyCompiler,
  collectYamlFiles,
  formatProblems,
  withPathErrors,
} from './journey-files.js';

/** What a validation run found. */
export interface ValidateReport {
  files: number;
  failedFiles: number;
  problems: DefinitionError[];
  errors: number;
  warnings: number;
}

/** The definitions folder's own settings, which are not journeys. */
const SETTINGS_FILE = /(?:^|[\\/])(?:profile-fields|links)\.ya?ml$/;
/** Friend-add routes (`definitions/routes/*.yaml`), checked by their own loader. */
const ROUTE_FILE = /(?:^|[\\/])routes[\\/][^\\/]+\.ya?ml$/;
/** Workspace-wide settings (`definitions/workspace.yaml`: the LINE message budget). */
const WORKSPACE_FILE = /(?:^|[\\/])workspace\.ya?ml$/;
const TEMPLATE_FILE = /(?:^|[\\/])templates[\\/](email|line)[\\/][^\\/]+\.ya?ml$/;

/**
 * Validates journeys (and templates found in `templates/email|line/`) under `paths`, with the templates,
 * profile fields and links of `options.definitions`, or of the definitions folder above each file.
 * Each problem is reported once even when several journeys share a template.
 */
export function validatePaths(paths: readonly string[], options: { definitions?: string } = {}): ValidateReport {
  const compiler = new JourneyCompiler(options.definitions);
  const seen = new Set<string>();
  const report: ValidateReport = { files: 0, failedFiles: 0, problems: [], errors: 0, warnings: 0 };
  for (const file of collectYamlFiles(paths)) {
    if (SETTINGS_FILE.test(file)) continue;
    report.files += 1;
    const problems = problemsOf(file, compiler);
    if (problems.some((p) => p.severity === 'error')) report.failedFiles += 1;
    for (const problem of problems) {
      const key = `${resolve(problem.file)}:${problem.line}:${problem.col}:${problem.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report.problems.push(problem);
      if (problem.severity === 'error') report.errors += 1;
      else report.warnings += 1;
    }
  }
  return report;
}

function problemsOf(file: string, compiler: JourneyCompiler): DefinitionError[] {
  if (ROUTE_FILE.test(file)) {
    const result = loadRouteDefinition(readFileSync(file, 'utf8'), file);
    return result.ok ? [] : result.errors;
  }
  if (RICH_MENU_FILE.test(file)) return loadRichMenu(file).errors;
  if (WORKSPACE_FILE.test(file)) {
    const result = checkWorkspace(readFileSync(file, 'utf8'), file);
    return result.ok ? [] : result.errors;
  }
  const template = TEMPLATE_FILE.exec(file);
  if (template) {
    const channel = template[1] === 'line' ? 'line' : 'email';
    const { profileFields, links } = compiler.optionsFor(file);
    const fields = profileFields === undefined ? undefined : new Set(profileFields);
    const source = { file, source: readFileSync(file, 'utf8') };
    return checkTemplate(channel, source, { profileFields: fields, links }).problems;
  }
  const result = compiler.compileFile(file);
  return result.ok ? result.warnings : [...result.errors, ...result.warnings];
}

/** The closing line: how many files, errors and warnings. */
export function summarize(report: ValidateReport): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (report.errors === 0) {
    return `✔ ${plural(report.files, 'file')} valid${report.warnings > 0 ? `, ${plural(report.warnings, 'warning')}` : ''}`;
  }
  return `✖ ${plural(report.errors, 'error')} and ${plural(report.warnings, 'warning')} in ${report.failedFiles} of ${plural(report.files, 'file')}`;
}

/** Registers `validate` on the program. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check journeys and templates; prints every problem with its line and column')
    .argument('<paths...>', 'journey files or folders (e.g. definitions/journeys)')
    .option('--definitions <dir>', DEFINITIONS_OPTION_HELP)
    .action((paths: string[], options: { definitions?: string }) =>
      withPathErrors('validate', () => {
        const report = validatePaths(paths, options);
        if (report.problems.length > 0) console.log(`${formatProblems(report.problems)}\n`);
        console.log(summarize(report));
        if (report.errors > 0) process.exitCode = 1;
      }),
    );
}
