// Installs Schemathesis, the API fuzzer that checks the API against its own OpenAPI document in the
// tests, from PyPI into a venv of its own (.tools/schemathesis/), linked as .tools/bin/schemathesis.
// Plain JavaScript, as scripts/setup-tools.mjs (which calls it) runs before anything can compile
// TypeScript; types in setup-schemathesis.d.mts.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureVenv, venvProblem } from './tool-checks.mjs';

/** The pinned Schemathesis release; change it here only. */
export const SCHEMATHESIS_PIN = '4.32.5';

/** What the stamp says once the pinned release is installed from PyPI. */
export const SCHEMATHESIS_SOURCE = `PyPI schemathesis==${SCHEMATHESIS_PIN}`;

/** Creates (or repairs) the venv at `venv` and pip-installs the pinned release into it. Throws with the fix. */
export function installSchemathesis(venv) {
  ensureVenv(venv);
  try {
    execFileSync(
      join(venv, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_PIN}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    const detail = String(err.stderr || err.message)
      .trim()
      .split('\n')
      .slice(-6)
      .join('\n    ');
    throw new Error(
      `schemathesis: \`pip install schemathesis==${SCHEMATHESIS_PIN}\` failed:\n    ${detail}\n` +
        '  fix: check that PyPI is reachable (pip config list) and retry `npm run setup:tools`',
    );
  }
}

/**
 * Installs Schemathesis into `tools` unless the stamp says the pinned release is there and its venv
 * works where it lies (a moved checkout's does not). `deps` replaces the installer and the venv check
 * in tests. Returns 'current' or 'PyPI'.
 */
export function setupSchemathesis(
  tools,
  deps = { install: installSchemathesis, venvWorks: (venv) => venvProblem(venv) === null },
) {
  const venv = join(tools, 'schemathesis');
  const bin = join(tools, 'bin');
  const command = join(bin, 'schemathesis');
  const stamp = join(tools, 'schemathesis.stamp');
  const stamped = existsSync(stamp) ? readFileSync(stamp, 'utf8') : null;
  if (stamped === SCHEMATHESIS_SOURCE && existsSync(command) && deps.venvWorks(venv)) return 'current';
  deps.install(venv);
  rmSync(command, { force: true });
  // A relative link, so the tools keep working when the checkout moves.
  symlinkSync(relative(bin, join(venv, 'bin', 'schemathesis')), command);
  writeFileSync(stamp, SCHEMATHESIS_SOURCE);
  return 'PyPI';
}
