/**
 * Compiler benchmark: validate + compile a generated 500-step journey (target < 50 ms) and
 * 1,000 journey files from disk (target < 5 s). Prints JSON figures: medians over several runs.
 *
 *   npx tsx bench/compile.ts
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument, stringify } from 'yaml';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import type { CompileOptions } from '../definitions/compile.js';
import { assertWork, exactly } from './assert-work.js';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(2));
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** A journey of about `count` steps mixing every common kind, nested one level. */
function generateJourney(count: number): string {
  const steps: unknown[] = [];
  let made = 0;
  for (let i = 0; made < count; i++) {
    if (i % 5 === 0) {
      steps.push({
        id: `check-${i}`,
        if: { totalSpent: { $gte: i * 100 }, tags: { $in: ['vip', `t${i}`] } },
        then: [{ id: `vip-${i}`, send: { channel: 'email', template: 'winback-vip-coupon' } }],
        else: [{ id: `std-${i}`, send: { channel: 'preferred', template: 'winback-1', fallback: 'email' } }],
      });
      made += 3;
    } else if (i % 5 === 1) {
      steps.push({
        id: `await-${i}`,
        wait_for: { event: 'order.completed', where: { 'event.total': { $gte: 1000 } }, timeout: '3d' },
        on_timeout: [{ id: `nudge-${i}`, send: { channel: 'line', template: 'winback-last-chance' } }],
      });
      made += 2;
    } else if (i % 5 === 2) {
      steps.push({ id: `tag-${i}`, update_profile: { add_tags: [`step-${i}`] } });
      made += 1;
    } else {
      steps.push({ wait: `${(i % 9) + 1}h` });
      made += 1;
    }
  }
  return stringify({
    journey: 'bench-500',
    name: 'ベンチマーク',
    entry: { event: 'order.completed' },
    policy: { quiet_hours: '21:00-09:00', frequency_cap: { max: 3, per: '7d' } },
    steps,
  });
}

function benchLargeJourney(options: CompileOptions): Record<string, number> {
  const source = generateJourney(500);
  const first = compileJourney(source, 'bench-500.yaml', options);
  if (!first.ok) throw new Error(`generated journey does not compile: ${first.errors[0]?.message ?? ''}`);
  for (let i = 0; i < 3; i++) compileJourney(source, 'bench-500.yaml', options);
  const runs = Array.from({ length: RUNS }, () => time(() => compileJourney(source, 'bench-500.yaml', options)));
  // Baseline in the same run: the YAML library parsing the same text, which the compiler must do
  // anyway. The ratio stays meaningful when the machine is busy and absolute times drift.
  for (let i = 0; i < 3; i++) parseDocument(source);
  const baseline = Array.from({ length: RUNS }, () => time(() => parseDocument(source)));
  return {
    steps: Object.keys(first.plan.steps).length,
    lines: source.split('\n').length,
    medianMs: median(runs),
    yamlParseOnlyMs: median(baseline),
    ratioToYamlParse: Number((median(runs) / median(baseline)).toFixed(2)),
    targetMs: 50,
  };
}

function benchManyFiles(options: CompileOptions): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-bench-'));
  try {
    const examples = readdirSync('definitions/journeys').map((f) =>
      readFileSync(join('definitions/journeys', f), 'utf8'),
    );
    for (let i = 0; i < 1000; i++) {
      const source = (examples[i % examples.length] ?? '').replace(/^journey: (.+)$/m, `journey: $1-${i}`);
      writeFileSync(join(dir, `journey-${i}.yaml`), source);
    }
    let compiled = 0;
    const runOnce = (): void => {
      for (const file of readdirSync(dir)) {
        const path = join(dir, file);
        const result = compileJourney(readFileSync(path, 'utf8'), path, options);
        if (!result.ok) throw new Error(`${path} does not compile`);
        compiled += 1;
      }
    };
    const runs = Array.from({ length: 3 }, () => time(runOnce));
    return {
      files: compiled / runs.length,
      medianMs: median(runs),
      perFileMs: Number((median(runs) / 1000).toFixed(3)),
      targetMs: 5000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadStart = performance.now();
const options = loadCompileOptions('definitions');
const loadMs = Number((performance.now() - loadStart).toFixed(2));
const largeJourney = benchLargeJourney(options);
const manyFiles = benchManyFiles(options);
assertWork('compile', {
  largeJourneySteps: { did: largeJourney.steps ?? 0, atLeast: 500 },
  filesCompiled: exactly(manyFiles.files ?? 0, 1000),
});
console.log(
  JSON.stringify(
    { benchmark: 'compile', node: process.version, runs: RUNS, loadDefinitionsMs: loadMs, largeJourney, manyFiles },
    null,
    2,
  ),
);
