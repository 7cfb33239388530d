/**
 * `npm run bench`: runs every benchmark in bench/ one after the other (never in parallel: they would
 * measure each other) and prints each one's JSON figures, one line per benchmark.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Modules the benches share, not benches themselves.
const HELPERS = new Set(['run-all.ts', 'api-load.ts', 'assert-work.ts']);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !HELPERS.has(f))
  .sort();
for (const file of benches) {
  process.stderr.write(`bench: ${file}\n`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
}
