/**
 * Benchmark: the journey runtime on the Temporal dev server, with FerretDB and an SMTP server in
 * process. Prints JSON figures:
 * - throughput: customers through wait → branch → send on the interpreter (the real `worker.ts`
 *   process) and, in the same run, on a hand-written workflow doing the same external work (the same
 *   activities and delivery layer, `bench/runtime/baseline-workflow.ts`); journeys/s of both and the
 *   ratio of their times (goal: interpreter ≤ 1.05× hand-written). Run ABBA in halves, each on a
 *   database of its own, so neither gains from going first;
 * - latency: event → send for an event that makes a waiting journey send (goal p99 < 1 s);
 * - memory: the resident memory of a fresh worker process with that many journeys asleep (goal < 400 MB).
 *
 * Each phase's figures also go to stderr as soon as it ends.
 *
 * Usage: npx tsx bench/runtime.ts [--customers 1000] [--events 200] [--asleep 10000]
 *   [--only throughput,latency,memory] [--memory-budget 1800] (seconds for entering the sleepers: the
 *   memory figure is then taken with as many asleep as were entered, which the JSON says)
 *   [--worker-heap-mb N] (the worker processes run with --max-old-space-size=N: tells garbage V8 has
 *   not collected yet from memory the worker holds) [--cached-workflows N[,M...]] (the workers' workflow
 *   cache, KIZUNA_MAX_CACHED_WORKFLOWS; default the worker's own; with a list, the memory phase runs
 *   once per size, each on a fresh worker, in the same bench run)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { publishJourney, pinTemplates } from '../store/journeys.js';
import { connectStore, type Store } from '../store/connection.js';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import { projectRoot } from '../scripts/servers.js';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../worker.js';
import { ASLEEP_YAML, EVENT_YAML, THROUGHPUT_YAML, benchCustomers } from './runtime/journeys.js';
import { enterMany, measureLatency, runHandWritten, runInterpreter, untilWaiting } from './runtime/phases.js';
import { memoryWith } from './runtime/memory.js';
import { startServers, startSmtpCounter, startWorker } from './runtime/stack.js';
import { assertWork, exactly, some } from './assert-work.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `--built`: the real worker from the production build (`dist/worker.js`, plain node), else from source under tsx. */
const WORKER_SCRIPT = process.argv.includes('--built') ? 'dist/worker.js' : 'worker.ts';

/** `--cached-workflows 500,100`: the workers' workflow caches to measure memory with, in turn. */
function cacheSizes(): Array<number | 'default'> {
  const index = process.argv.indexOf('--cached-workflows');
  if (index < 0) return ['default'];
  const sizes = (process.argv[index + 1] ?? '').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new Error('--cached-workflows takes whole numbers');
  return sizes;
}

const compileOptions = loadCompileOptions(join(projectRoot, 'definitions'), projectRoot);

async function publish(store: Store, yaml: string): Promise<{ journeyId: string; version: number }> {
  const result = compileJourney(yaml, 'bench.yaml', compileOptions);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  const templates = pinTemplates(result.plan, compileOptions.templates ?? {});
  const { version } = await publishJourney(store.models, { plan: result.plan, source: yaml, templates });
  return { journeyId: result.plan.journeyId, version };
}

async function addCustomers(store: Store, customers: ReturnType<typeof benchCustomers>) {
  for (let i = 0; i < customers.length; i += 1000) await store.models.Customer.insertMany(customers.slice(i, i + 1000));
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Everything the phases share: servers, the SMTP server, both databases, the client, the worker processes. */
async function setUp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kizuna-bench-runtime-'));
  const servers = await startServers(dataDir);
  const smtp = await startSmtpCounter();
  const { postgresUrl } = servers;
  const interpreterStore = await connectStore(servers.mongoUri, { dbName: 'bench_interpreter', postgresUrl });
  const baselineStore = await connectStore(servers.mongoUri, { dbName: 'bench_hand_written', postgresUrl });
  const connection = await Connection.connect({ address: servers.temporalAddress });
  const client = new Client({ connection });
  // The production path: a prebuilt workflow bundle (`npm run build:workflows`), not bundling at start.
  const bundleFile = join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundleFile, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const heapMb = process.argv.includes('--worker-heap-mb') ? option('worker-heap-mb', 0) : 0;
  const firstCache = cacheSizes()[0]!;
  const workerVars = (db: string) => ({
    KIZUNA_ENV: 'development',
    ...(heapMb > 0 ? { NODE_OPTIONS: `--max-old-space-size=${heapMb}` } : {}),
    ...(firstCache === 'default' ? {} : { KIZUNA_MAX_CACHED_WORKFLOWS: String(firstCache) }),
    KIZUNA_WORKFLOW_BUNDLE: bundleFile,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    MONGODB_URI: `${servers.mongoUri}${db}`,
    KIZUNA_POSTGRES_URL: servers.postgresUrl,
    SMTP_URL: smtp.url,
  });
  const workers = [
    await startWorker(WORKER_SCRIPT, workerVars('bench_interpreter')),
    await startWorker('bench/runtime/baseline-worker.ts', workerVars('bench_hand_written')),
  ];
  return {
    smtp,
    interpreterStore,
    baselineStore,
    client,
    deps: { client, models: interpreterStore.models },
    workers,
    /** A new process of the real worker, after stopping the first one. */
    async restartWorker(vars: Record<string, string> = {}) {
      await workers[0]!.stop();
      workers[0] = await startWorker(WORKER_SCRIPT, { ...workerVars('bench_interpreter'), ...vars });
      return workers[0];
    },
    async close() {
      for (const worker of workers) await worker.stop();
      await connection.close();
      await smtp.close();
      await interpreterStore.close();
      await baselineStore.close();
      await servers.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Bench = Awaited<ReturnType<typeof setUp>>;

/** wait → branch → send, interpreter against hand-written: a warm-up of 20 each, then ABBA in halves. */
async function throughput(bench: Bench, n: number) {
  await publish(bench.interpreterStore, THROUGHPUT_YAML);
  const { version } = await publish(bench.baselineStore, THROUGHPUT_YAML);
  const interpreted = benchCustomers('i', n + 20).map((c) => c.customerId);
  const handWritten = benchCustomers('h', n + 20).map((c) => c.customerId);
  await addCustomers(bench.interpreterStore, benchCustomers('i', n + 20));
  await addCustomers(bench.baselineStore, benchCustomers('h', n + 20));
  const interpreter = (ids: string[]) => runInterpreter(bench.deps, ids);
  const hand = (ids: string[]) => runHandWritten(bench.client, version, ids);
  await interpreter(interpreted.slice(n));
  await hand(handWritten.slice(n));
  const half = Math.floor(n / 2);
  const a1 = await interpreter(interpreted.slice(0, half));
  const b1 = await hand(handWritten.slice(0, half));
  const b2 = await hand(handWritten.slice(half, n));
  const a2 = await interpreter(interpreted.slice(half, n));
  const figures = (x: typeof a1, y: typeof a1) => ({
    seconds: round3(x.seconds + y.seconds),
    journeysPerSecond: round1(n / (x.seconds + y.seconds)),
    startSeconds: round3(x.startSeconds + y.startSeconds),
  });
  return {
    journey: 'wait 1s → if totalSpent ≥ 10000 → send email (vip or regular)',
    customers: n,
    interpreter: figures(a1, a2),
    handWritten: figures(b1, b2),
    ratio: round3((a1.seconds + a2.seconds) / (b1.seconds + b2.seconds)),
    goalRatio: 1.05,
  };
}

/** Event → send: `events` runs wait for an order; each gets one, one at a time. */
async function latency(bench: Bench, events: number) {
  const { journeyId } = await publish(bench.interpreterStore, EVENT_YAML);
  const waiting = benchCustomers('e', events);
  await addCustomers(bench.interpreterStore, waiting);
  await enterMany(
    bench.deps,
    journeyId,
    waiting.map((c) => c.customerId),
  );
  await untilWaiting(bench.interpreterStore.models, journeyId, events, 300_000);
  return { ...(await measureLatency(bench.deps, bench.smtp.arrivals, journeyId, waiting)), goalP99Ms: 1000 };
}

/** The memory phase for each cache size of `--cached-workflows` (a list), each on a fresh worker. */
async function memory(bench: Bench, asleep: number, budgetSeconds: number) {
  const { journeyId } = await publish(bench.interpreterStore, ASLEEP_YAML);
  const memoryBench = {
    deps: bench.deps,
    restartWorker: bench.restartWorker,
    async addCustomers(prefix: string, n: number) {
      const customers = benchCustomers(prefix, n);
      await addCustomers(bench.interpreterStore, customers);
      return customers.map((c) => c.customerId);
    },
  };
  const runs = [];
  for (const cached of cacheSizes()) runs.push(await memoryWith(memoryBench, journeyId, cached, asleep, budgetSeconds));
  return { journeysAsleep: Math.min(...runs.map((r) => r.journeysAsleep)), runs };
}

/** Runs a phase when `--only` lists it (or is absent), printing its figures to stderr at once. */
async function phase<T>(name: string, run: () => Promise<T>): Promise<T | 'not run'> {
  const only = process.argv.indexOf('--only');
  if (only >= 0 && !(process.argv[only + 1] ?? '').split(',').includes(name)) return 'not run';
  const figures = await run();
  process.stderr.write(`bench/runtime: ${name} ${JSON.stringify(figures)}\n`);
  return figures;
}

/** Every phase that ran did its work: each run sent its one mail, the sleepers entered and slept. */
function assertRuntimeWork(figures: {
  throughput: { customers: number } | 'not run';
  latency: { events: number } | 'not run';
  memory: { journeysAsleep: number } | 'not run';
  mailsReceived: number;
}): void {
  const { throughput, latency, memory } = figures;
  // Throughput: both workflows, n customers each plus a warm-up of 20 each; latency: one mail an event.
  const mails =
    (throughput === 'not run' ? 0 : 2 * (throughput.customers + 20)) + (latency === 'not run' ? 0 : latency.events);
  assertWork('runtime', {
    mailsReceived: exactly(figures.mailsReceived, mails),
    ...(memory === 'not run' ? {} : { journeysAsleep: some(memory.journeysAsleep) }),
  });
}

async function main() {
  const loadavgBefore = loadavg().map(round1);
  const bench = await setUp();
  try {
    const figures = {
      benchmark: 'runtime',
      throughput: await phase('throughput', () => throughput(bench, option('customers', 1000))),
      latency: await phase('latency', () => latency(bench, option('events', 200))),
      memory: await phase('memory', () => memory(bench, option('asleep', 10000), option('memory-budget', 1800))),
      workerHeapMb: process.argv.includes('--worker-heap-mb') ? option('worker-heap-mb', 0) : 'default',
      cachedWorkflows: cacheSizes(),
      worker: WORKER_SCRIPT,
      mailsReceived: bench.smtp.total(),
      machine: { cpus: cpus().length, loadavgBefore, loadavgAfter: loadavg().map(round1) },
    };
    assertRuntimeWork(figures);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await bench.close();
  }
}

main().catch((err: unknown) => {
  console.error('bench/runtime failed:', err);
  process.exit(1);
});
