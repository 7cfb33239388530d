import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../scripts/servers.js';
import { validatePaths } from '../../../cli/validate.js';
import { checkWorkspace, loadWorkspace, WorkspaceSettingsError } from '../../../definitions/workspace.js';

describe('the workspace settings (workspace.yaml)', () => {
  it("reads the example folder's LINE budget", () => {
    expect(loadWorkspace(join(projectRoot, 'definitions'))).toEqual({ lineBudget: { monthly: 5000, reserve: 500 } });
  });

  it('sets nothing without a file, with an empty one, or without line_budget', () => {
    expect(loadWorkspace(mkdtempSync(join(tmpdir(), 'kizuna-ws-')))).toEqual({ lineBudget: null });
    expect(checkWorkspace('# nothing yet\n', 'w.yaml')).toEqual({ ok: true, settings: { lineBudget: null } });
    expect(checkWorkspace('line_budget: { monthly: 200 }\n', 'w.yaml')).toEqual({
      ok: true,
      settings: { lineBudget: { monthly: 200, reserve: 0 } },
    });
  });

  const invalid: [string, string, [string, number, number][]][] = [
    ['a reserve as large as the budget', 'line_budget:\n  monthly: 500\n  reserve: 500\n', [['OUT_OF_RANGE', 3, 12]]],
    ['a budget that is not a number', 'line_budget:\n  monthly: many\n', [['WRONG_TYPE', 2, 12]]],
    ['a fraction', 'line_budget:\n  monthly: 10.5\n', [['WRONG_TYPE', 2, 12]]],
    ['a zero budget', 'line_budget:\n  monthly: 0\n', [['OUT_OF_RANGE', 2, 12]]],
    ['a negative reserve', 'line_budget:\n  monthly: 10\n  reserve: -1\n', [['OUT_OF_RANGE', 3, 12]]],
    ['no monthly', 'line_budget:\n  reserve: 10\n', [['MISSING_KEY', 1, 1]]],
    ['a misspelt key', 'line_budget:\n  monthly: 10\n  reserv: 1\n', [['UNKNOWN_KEY', 3, 3]]],
    ['an unknown setting', 'line_budjet: { monthly: 10 }\n', [['UNKNOWN_KEY', 1, 1]]],
    ['a list', '- monthly: 10\n', [['NOT_A_MAPPING', 1, 1]]],
  ];
  it.each(invalid)('refuses %s, at its line and column', (_name, source, expected) => {
    const result = checkWorkspace(source, 'definitions/workspace.yaml');
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => [e.code, e.line, e.col])).toEqual(expected);
    expect(errors.every((e) => e.file === 'definitions/workspace.yaml')).toBe(true);
  });

  it('stops a process at start with every problem of the file, and kizuna validate reports them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuna-ws-'));
    writeFileSync(join(dir, 'workspace.yaml'), 'line_budget:\n  monthly: 100\n  reserve: 100\n');
    expect(() => loadWorkspace(dir)).toThrow(WorkspaceSettingsError);
    expect(() => loadWorkspace(dir)).toThrow(
      /workspace\.yaml:3:12 OUT_OF_RANGE: the reserve \(100\) must be less than monthly \(100\)/,
    );
    const report = validatePaths([dir]);
    expect(report.problems.map((p) => [p.code, p.line])).toEqual([['OUT_OF_RANGE', 3]]);
    expect(validatePaths([join(projectRoot, 'definitions', 'workspace.yaml')]).errors).toBe(0);
  });
});
