/**
 * The production build: `tsc -p tsconfig.build.json` compiles the worker, the API and what they import
 * to `dist/` (run with plain `node`, no TypeScript loader), then the workflow bundle is made from the
 * compiled workflows (`dist/workflow-bundle.js`, loaded by workers with KIZUNA_WORKFLOW_BUNDLE or
 * NODE_ENV=production). Each step runs only when its output is older than its sources.
 *
 *   npx tsx scripts/build.ts [--force]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './servers.js';

/** The folders and files `tsconfig.build.json` compiles. */
const SOURCES = [
  'worker.ts',
  'api',
  'activities',
  'channels',
  'definitions',
  'engine',
  'runtime',
  'store',
  'workflows',
  'line-standin',
];

/** Files served as they are (the console's stylesheet and script), copied beside the compiled code. */
const ASSETS = ['api/console/assets'];

/** Where the build goes. */
export const DIST = join(projectRoot, 'dist');

/** The newest modification time (ms) of the TypeScript files (and served assets) under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.(ts|css|js)$/.test(path) ? stat.mtimeMs : 0;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Written when a build ends: tsc leaves files it did not change as they were. */
const STAMP = join(DIST, '.built');

const mtime = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : 0);

/** Whether `dist/` is older than a source file or the build configuration (or missing). */
export function buildIsStale(): boolean {
  const built = Math.min(mtime(STAMP), mtime(join(DIST, 'worker.js')), mtime(join(DIST, 'workflow-bundle.js')));
  const sources = Math.max(
    mtime(join(projectRoot, 'tsconfig.build.json')),
    mtime(join(projectRoot, 'tsconfig.json')),
    ...SOURCES.map((s) => newest(join(projectRoot, s))),
  );
  return built === 0 || sources > built;
}

const run = promisify(execFile);

/** Builds `dist/` when stale (or always with `force`); answers whether it built. Throws with tsc's output on errors. */
export async function buildProduction(opts: { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  if (!opts.force && !buildIsStale()) return false;
  const log = opts.log ?? ((line: string) => console.log(line));
  log('compiling to dist/ (tsc -p tsconfig.build.json)');
  const tsc = join(projectRoot, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: projectRoot }).catch((err: unknown) => {
    const { stdout } = err as { stdout?: string };
    throw new Error(`the build failed:\n${stdout ?? String(err)}`);
  });
  for (const dir of ASSETS) cpSync(join(projectRoot, dir), join(DIST, dir), { recursive: true });
  log('bundling the compiled workflows (dist/workflow-bundle.js)');
  await run(process.execPath, [join(DIST, 'worker.js'), 'build-bundle'], { cwd: projectRoot, maxBuffer: 64 << 20 });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return true;
}

if (process.argv[1] && /scripts[/\\]build\.ts$/.test(process.argv[1])) {
  buildProduction({ force: process.argv.includes('--force'), log: (line) => console.log(`kizuna: ${line}`) }).catch(
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
