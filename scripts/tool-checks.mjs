// Checks scripts/setup-tools.mjs makes before it installs anything: is the Go toolchain new enough
// for a module, and does a Python venv still work where it lies. Plain JavaScript, as the setup runs
// from `npm install` before anything can compile TypeScript; types in tool-checks.d.mts.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Reads `go version` output (`go version go1.24.3 linux/amd64`, `go1.25rc1`, `devel go1.26-abc`)
 * into [major, minor, patch]; a pre-release counts as patch -1 (before X.Y.0). Null when unreadable.
 */
export function parseGoVersion(output) {
  const m = /\bgo(\d+)\.(\d+)(?:\.(\d+)|(rc|beta)\d*)?/.exec(output);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), m[3] !== undefined ? Number(m[3]) : m[4] ? -1 : 0];
}

/** A go.mod `go` line (`1.24`, `1.25.0`) as [major, minor, patch]; `1.24` means any 1.24 toolchain. */
function parseMinimum(minimum) {
  const [major, minor, patch] = minimum.split('.').map(Number);
  return [major, minor, patch ?? -1];
}

const atLeast = (have, want) => {
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
};

/**
 * Null when the Go toolchain that printed `versionOutput` (null: no `go` found) can build `what`,
 * which needs Go `minimum`; otherwise the message to show, naming what to install.
 */
export function goVersionProblem(versionOutput, minimum, what) {
  const found = versionOutput === null ? null : parseGoVersion(versionOutput);
  if (found && atLeast(found, parseMinimum(minimum))) return null;
  const seen =
    versionOutput === null
      ? 'no `go` command was found'
      : found
        ? `found go${found[0]}.${found[1]}${found[2] >= 0 ? `.${found[2]}` : ''}`
        : `\`go version\` printed ${JSON.stringify(versionOutput.trim())}`;
  const toolchain = `go${minimum.split('.').length === 2 ? `${minimum}.0` : minimum}`;
  return (
    `${what} needs Go ${minimum} or newer; ${seen}. Install Go ${minimum}+ (your distribution's ` +
    `backports or golang.org/dl), or, with Go 1.21+ already installed, let it fetch the toolchain ` +
    `through the module proxy: GOTOOLCHAIN=${toolchain} npm run setup:tools`
  );
}

/**
 * The interpreter a Python console script (pip, temporal) runs with: its `#!` line, or, for the
 * `#!/bin/sh` trampoline pip writes when the path is long or holds spaces, the path it execs.
 */
export function interpreterOf(script) {
  const [first = '', second = ''] = script.split('\n');
  if (!first.startsWith('#!')) return null;
  const shebang = first.slice(2).trim();
  if (shebang === '/bin/sh') return /exec' "?([^"]+?)"? "\$0"/.exec(second)?.[1] ?? null;
  return shebang.split(/\s+/)[0] ?? null;
}

const sameDir = (a, b) => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/**
 * Null when the venv at `venv` works where it lies; otherwise why not. A checkout that was moved
 * or copied keeps scripts whose `#!` names the old place, and an upgraded system Python leaves
 * `bin/python` pointing at nothing: both need the venv recreated.
 */
export function venvProblem(venv) {
  const python = join(venv, 'bin', 'python');
  const pip = join(venv, 'bin', 'pip');
  if (!existsSync(join(venv, 'pyvenv.cfg'))) return 'no venv';
  let prefix;
  try {
    prefix = execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
  } catch {
    return `its interpreter ${python} does not run`;
  }
  if (!sameDir(prefix, venv)) return `its interpreter belongs to ${prefix}`;
  if (!existsSync(pip)) return 'it has no pip';
  const interpreter = interpreterOf(readFileSync(pip, 'utf8'));
  if (!interpreter || !existsSync(interpreter) || !sameDir(dirname(interpreter), join(venv, 'bin'))) {
    return `its scripts run ${interpreter ?? 'an unknown interpreter'}, not its own python`;
  }
  return null;
}

/**
 * Makes `venv` a working venv: kept when {@link venvProblem} finds nothing, recreated otherwise.
 * Returns the reason it was recreated, or null.
 */
export function ensureVenv(venv, python = 'python3') {
  const problem = venvProblem(venv);
  if (problem === null) return null;
  rmSync(venv, { recursive: true, force: true });
  execFileSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 'pipe', 'pipe'] });
  return problem;
}
