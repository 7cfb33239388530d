/**
 * The memory phase of `bench/runtime.ts`: for each workflow cache size asked, a fresh worker process,
 * then up to `asleep` runs entered in batches of 1,000 until all sleep or the budget is spent. The
 * worker logs what its memory is made of (runtime/worker-memory.ts) every 2 s; the last reading after
 * a 5 s settle is the figure, beside the RSS read from /proc. The memory after each batch goes to stderr.
 */
import type { Client } from '@temporalio/client';
import type { RunningServer } from '../../scripts/servers.js';
import type { Models } from '../../store/connection.js';
import { lastMemoryLine } from '../../runtime/worker-memory.js';
import { enterMany, untilWaiting } from './phases.js';
import { rssMb } from './stack.js';

/** What the phase needs of the bench: its store, client, and a fresh worker with given variables. */
export interface MemoryBench {
  deps: { client: Client; models: Models };
  addCustomers: (prefix: string, n: number) => Promise<string[]>;
  restartWorker: (vars: Record<string, string>) => Promise<RunningServer>;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function sleepersIn(bench: MemoryBench, journeyId: string, ids: string[], budgetSeconds: number, pid: number) {
  const started = performance.now();
  const deadline = Date.now() + budgetSeconds * 1000;
  // The runs of an earlier cache size in the same bench sleep on: count only this worker's.
  const base = await bench.deps.models.JournalRow.countDocuments({ journeyId, action: 'waiting' });
  let entered = 0;
  while (entered < ids.length && Date.now() < deadline) {
    const batch = ids.slice(entered, entered + 1000);
    await enterMany(bench.deps, journeyId, batch);
    entered += batch.length;
    await untilWaiting(bench.deps.models, journeyId, base + entered, 1_800_000);
    const elapsed = round1((performance.now() - started) / 1000);
    process.stderr.write(`bench/runtime: ${entered} asleep after ${elapsed} s, worker RSS ${rssMb(pid)} MB\n`);
  }
  return { entered, enterSeconds: round1((performance.now() - started) / 1000) };
}

/**
 * One worker with `cached` workflows in its cache (`default`: the worker's own) and `asleep` runs of
 * the journey entered: its RSS idle and asleep, and what the RSS is made of.
 */
export async function memoryWith(
  bench: MemoryBench,
  journeyId: string,
  cached: number | 'default',
  asleep: number,
  budgetSeconds: number,
) {
  const worker = await bench.restartWorker({
    KIZUNA_MEMORY_LOG_SECONDS: '2',
    ...(cached === 'default' ? {} : { KIZUNA_MAX_CACHED_WORKFLOWS: String(cached) }),
  });
  const pid = worker.child.pid!;
  await new Promise((ok) => setTimeout(ok, 2500));
  const idle = { workerRssMb: rssMb(pid), breakdown: lastMemoryLine(worker.tail()) };
  const prefix = `s${cached}-`;
  const ids = await bench.addCustomers(prefix, asleep);
  const { entered, enterSeconds } = await sleepersIn(bench, journeyId, ids, budgetSeconds, pid);
  await new Promise((ok) => setTimeout(ok, 5000));
  return {
    cachedWorkflows: cached,
    journeysAsleep: entered,
    asked: asleep,
    enterSeconds,
    idle,
    workerRssMb: rssMb(pid),
    breakdown: lastMemoryLine(worker.tail()),
    goalMb: 400,
  };
}
