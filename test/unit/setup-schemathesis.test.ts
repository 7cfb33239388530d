import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMATHESIS_PIN, setupSchemathesis } from '../../scripts/setup-schemathesis.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A tools folder and an installer that writes the venv's command, logging each call. */
function world() {
  const tools = mkdtempSync(join(tmpdir(), 'kizuna-schemathesis-'));
  dirs.push(tools);
  mkdirSync(join(tools, 'bin'));
  const calls: string[] = [];
  const state = { pypiDown: false, venvWorks: true };
  const deps = {
    install: (venv: string) => {
      calls.push(venv);
      if (state.pypiDown) throw new Error('schemathesis: `pip install` failed\n  fix: check that PyPI is reachable');
      mkdirSync(join(venv, 'bin'), { recursive: true });
      writeFileSync(join(venv, 'bin', 'schemathesis'), '#!/bin/sh\n');
    },
    venvWorks: () => state.venvWorks,
  };
  return { tools, calls, state, deps };
}

describe('setupSchemathesis', () => {
  it('installs the pinned release into a venv of its own, links it into bin/ and stamps it', () => {
    const { tools, calls, deps } = world();
    expect(setupSchemathesis(tools, deps)).toBe('PyPI');
    expect(calls).toEqual([join(tools, 'schemathesis')]);
    expect(readFileSync(join(tools, 'schemathesis.stamp'), 'utf8')).toBe(`PyPI schemathesis==${SCHEMATHESIS_PIN}`);
    expect(SCHEMATHESIS_PIN).toBe('4.32.5');
    // Relative, so a moved checkout keeps the link.
    expect(readlinkSync(join(tools, 'bin', 'schemathesis'))).toBe('../schemathesis/bin/schemathesis');
  });

  it('changes nothing on a second run, and installs again when the venv stopped working or the pin moved', () => {
    const { tools, calls, state, deps } = world();
    setupSchemathesis(tools, deps);
    expect(setupSchemathesis(tools, deps)).toBe('current');
    expect(calls).toHaveLength(1);
    state.venvWorks = false;
    expect(setupSchemathesis(tools, deps)).toBe('PyPI');
    state.venvWorks = true;
    writeFileSync(join(tools, 'schemathesis.stamp'), 'PyPI schemathesis==4.0.0');
    expect(setupSchemathesis(tools, deps)).toBe('PyPI');
    expect(calls).toHaveLength(3);
  });

  it('fails with the fix when PyPI cannot be reached, and leaves no stamp', () => {
    const { tools, state, deps } = world();
    state.pypiDown = true;
    expect(() => setupSchemathesis(tools, deps)).toThrow(/fix: check that PyPI is reachable/);
    expect(() => readFileSync(join(tools, 'schemathesis.stamp'))).toThrow();
  });
});
