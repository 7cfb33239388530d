import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize, validatePaths } from '../../../cli/validate.js';
import { formatProblems } from '../../../cli/journey-files.js';

describe('kizuna validate', () => {
  it('accepts the example definitions, journeys and templates alike', () => {
    const report = validatePaths(['definitions']);
    expect(report.problems).toEqual([]);
    expect(report.files).toBeGreaterThan(6);
    expect(summarize(report)).toBe(`✔ ${report.files} files valid`);
  });

  it('reports every problem once, with caret, and a summary', () => {
    const report = validatePaths(
      [
        'test/fixtures/definitions/invalid/many-mistakes.yaml',
        'test/fixtures/definitions/invalid/unknown-template.yaml',
      ],
      { definitions: 'definitions' },
    );
    expect(report.errors).toBe(9);
    expect(report.failedFiles).toBe(2);
    expect(summarize(report)).toBe('✖ 9 errors and 0 warnings in 2 of 2 files');
    const text = formatProblems(report.problems);
    expect(text).toContain(
      'test/fixtures/definitions/invalid/unknown-template.yaml:6:39 UNKNOWN_TEMPLATE: no template named "winback-l" in definitions/templates (did you mean "winback-1"?)\n' +
        '   6 |   - send: { channel: email, template: winback-l }\n' +
        '     |                                       ^',
    );
  });

  it('reports a shared template once, by the path it was given, even outside the working folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'kizuna-validate-'));
    mkdirSync(join(root, 'journeys'));
    mkdirSync(join(root, 'templates', 'line'), { recursive: true });
    writeFileSync(join(root, 'templates', 'line', 'hello.yaml'), 'messages:\n  - type: flex\n    contents: {}\n');
    const journey =
      'journey: j\nname: J\nentry: { event: order.completed }\nsteps:\n  - send: { channel: line, template: hello }\n';
    writeFileSync(join(root, 'journeys', 'j.yaml'), journey);
    const report = validatePaths([root]);
    expect(report.problems.map((p) => [p.file, p.code])).toEqual([
      [join(root, 'templates', 'line', 'hello.yaml'), 'LINE_ALT_TEXT_MISSING'],
      [join(root, 'templates', 'line', 'hello.yaml'), 'LINE_MISSING_PROPERTY'],
    ]);
  });

  it('checks template files on their own', () => {
    const report = validatePaths(['test/fixtures/definitions/invalid/templates/line/six-messages.yaml']);
    expect(report.problems.map((p) => [p.code, p.line, p.col])).toEqual([['LINE_TOO_MANY_MESSAGES', 12, 5]]);
  });
});

// Each test starts the command under tsx: seconds on a busy machine, past vitest's 5 s default.
describe('the kizuna command', { timeout: 60_000 }, () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('validate exits 0 on the examples and 1 on a mistake', () => {
    const ok = run('validate', 'definitions/journeys');
    expect(ok.stdout).toContain('✔ 6 files valid');
    expect(ok.status).toBe(0);
    const bad = run('validate', 'test/fixtures/definitions/invalid/unknown-template.yaml');
    expect(bad.stdout).toContain('UNKNOWN_TEMPLATE');
    expect(bad.status).toBe(1);
  });

  it('compile prints the plan as JSON', () => {
    const result = run('compile', 'definitions/journeys/line-survey.yaml');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { journeyId: string }).journeyId).toBe('line-friend-survey');
  });

  it('names a missing file or definitions folder in one line, not a stack trace', { timeout: 120_000 }, () => {
    for (const command of ['validate', 'compile', 'graph']) {
      const missing = run(command, 'no-such-journey.yaml');
      expect(missing.stderr).toBe(`kizuna ${command}: no-such-journey.yaml: no such file or folder\n`);
      expect(missing.status).toBe(1);
      const folder = run(command, '--definitions', 'no-such-folder', 'definitions/journeys/winback.yaml');
      expect(folder.stderr).toBe(`kizuna ${command}: --definitions: no-such-folder is not a folder\n`);
      expect(folder.status).toBe(1);
    }
    const simulate = [
      'simulate',
      'definitions/journeys/winback.yaml',
      '--profile',
      'test/fixtures/simulate/winback/profile.json',
    ];
    const folder = run(...simulate, '--definitions', 'no-such-folder');
    expect(folder.stderr).toBe('kizuna simulate: --definitions: no-such-folder is not a folder\n');
    expect(folder.status).toBe(1);
  });
});
