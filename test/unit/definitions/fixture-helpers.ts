/** Shared setup of the definition tests: fixture folders, the catalog they compile with, expectations. */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadCompileOptions, loadTemplateCatalog } from '../../../definitions/catalog.js';
import type { CompileOptions } from '../../../definitions/compile.js';
import type { DefinitionError } from '../../../definitions/errors.js';

export const FIXTURES = 'test/fixtures/definitions';

/** The repository's templates and profile fields, plus the fixture folder's own templates. */
export function optionsFor(dir: string): CompileOptions {
  const base = loadCompileOptions('definitions');
  return { ...base, templates: { ...base.templates, ...loadTemplateCatalog(join(dir, 'templates')) } };
}

/** The journey files of a fixture folder. */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** One expected problem: `# expect: CODE line:col [file] [hint=x]` (errors) or `# warn: ...` (warnings). */
export interface Expected {
  severity: 'error' | 'warning';
  code: string;
  line: number;
  col: number;
  file: string;
  hint?: string;
}

/** Reads the expectations written in a fixture's comments. */
export function expectationsOf(file: string): Expected[] {
  const out: Expected[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const match = /^# (expect|warn): ([A-Z_]+) (\d+):(\d+)((?: \S+)*)$/.exec(text);
    if (!match) continue;
    const extras = (match[5] ?? '').trim().split(' ').filter(Boolean);
    const hint = extras.find((e) => e.startsWith('hint='))?.slice('hint='.length);
    const other = extras.find((e) => !e.startsWith('hint='));
    const expected: Expected = {
      severity: match[1] === 'expect' ? 'error' : 'warning',
      code: match[2] ?? '',
      line: Number(match[3]),
      col: Number(match[4]),
      file: other === undefined ? file : join(dirname(file), other),
    };
    if (hint !== undefined) expected.hint = hint;
    out.push(expected);
  }
  return out;
}

/** A problem in the shape of an expectation, for exact comparison. */
export function asExpected(problem: DefinitionError): Expected {
  const out: Expected = {
    severity: problem.severity,
    code: problem.code,
    line: problem.line,
    col: problem.col,
    file: relative('.', problem.file),
  };
  if (problem.suggestion !== undefined) out.hint = problem.suggestion;
  return out;
}
