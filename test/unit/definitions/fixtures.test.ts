import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileJourney } from '../../../definitions/compile.js';
import { FIXTURES, asExpected, expectationsOf, fixtureFiles, optionsFor } from './fixture-helpers.js';

const byPosition = <T extends { file: string; line: number; col: number; code: string }>(list: T[]): T[] =>
  [...list].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code),
  );

describe('invalid definitions report every mistake at its line and column', () => {
  const dir = join(FIXTURES, 'invalid');
  const options = optionsFor(dir);
  it.each(fixtureFiles(dir))('%s', (file) => {
    const expected = expectationsOf(file);
    expect(expected.filter((e) => e.severity === 'error').length).toBeGreaterThan(0);
    const result = compileJourney(readFileSync(file, 'utf8'), file, options);
    expect(result.ok).toBe(false);
    const problems = result.ok ? result.warnings : [...result.errors, ...result.warnings];
    expect(byPosition(problems.map(asExpected))).toEqual(byPosition(expected));
  });

  it('covers at least 30 distinct mistake codes', () => {
    const codes = new Set(fixtureFiles(dir).flatMap((f) => expectationsOf(f).map((e) => e.code)));
    expect(codes.size).toBeGreaterThanOrEqual(30);
  });
});

describe('valid definitions compile, with exactly the warnings they declare', () => {
  const dir = join(FIXTURES, 'valid');
  const options = optionsFor(dir);
  it.each(fixtureFiles(dir))('%s', (file) => {
    const result = compileJourney(readFileSync(file, 'utf8'), file, options);
    expect(result.ok ? [] : result.errors.map(asExpected)).toEqual([]);
    expect(byPosition(result.warnings.map(asExpected))).toEqual(byPosition(expectationsOf(file)));
  });
});
