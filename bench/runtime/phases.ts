/** The measurements of the runtime benchmark, one function each. */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { enterJourney } from '../../runtime/enter-journey.js';
import type { RuntimeDeps } from '../../runtime/deps.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import type { Models } from '../../store/models/index.js';
import type { HandWrittenInput } from './baseline-workflow.js';
import { BASELINE_TASK_QUEUE, THROUGHPUT } from './journeys.js';

/** Runs `task` over `items`, `lanes` at a time. */
export async function inLanes<T>(items: T[], lanes: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/** Seconds from the first start to the last completion of the journeys started by `start`. */
async function timeRuns(client: Client, ids: string[], start: (id: string) => Promise<string>) {
  const t0 = performance.now();
  const workflowIds: string[] = [];
  await inLanes(ids, 16, async (id) => void workflowIds.push(await start(id)));
  const started = performance.now();
  const results = await Promise.all(
    workflowIds.map((w) => client.workflow.getHandle(w).result() as Promise<{ outcome: string }>),
  );
  const failed = results.filter((r) => r.outcome !== 'completed').length;
  if (failed > 0) throw new Error(`${failed} journeys did not complete`);
  return { startSeconds: (started - t0) / 1000, seconds: (performance.now() - t0) / 1000 };
}

/** The interpreter: customers enter the published journey as the API enters them. */
export function runInterpreter(deps: RuntimeDeps, ids: string[]) {
  return timeRuns(deps.client, ids, async (customerId) => {
    const entered = await enterJourney(deps, { journeyId: THROUGHPUT.journeyId, customerId, event: null });
    return entered.workflowId;
  });
}

/** The hand-written workflow, started directly. */
export function runHandWritten(client: Client, version: number, ids: string[]) {
  return timeRuns(client, ids, async (customerId) => {
    const input: HandWrittenInput = { ...THROUGHPUT, version, customerId };
    const handle = await client.workflow.start('handWrittenJourney', {
      taskQueue: BASELINE_TASK_QUEUE,
      workflowId: `bench/hand-written/${customerId}`,
      args: [input],
    });
    return handle.workflowId;
  });
}

/** Resolves once `count` journal rows of `journeyId` say `waiting` (every run has reached its wait). */
export async function untilWaiting(models: Models, journeyId: string, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await models.JournalRow.countDocuments({ journeyId, action: 'waiting' });
    if (waiting >= count) return;
    if (Date.now() > deadline) throw new Error(`${journeyId}: ${waiting} of ${count} runs waiting`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

/**
 * Event → send latency: waiting runs get an `order.completed` event each, one at a time (the next
 * once the previous one's message has arrived), so each figure is one event's path and not a queue;
 * the latency is from the signal call to the message's arrival at the SMTP server.
 */
export async function measureLatency(
  deps: RuntimeDeps,
  arrivals: Map<string, number[]>,
  journeyId: string,
  customers: { customerId: string; email: string }[],
) {
  const latencies: number[] = [];
  for (const [i, c] of customers.entries()) {
    const sentAt = performance.now();
    const event = { id: `order-${i}`, type: 'order.completed', timeMs: Date.now(), properties: {} };
    await signalCustomerEvent(deps, { journeyId, customerId: c.customerId, event });
    const deadline = Date.now() + 120_000;
    while (!arrivals.has(c.email)) {
      if (Date.now() > deadline) throw new Error(`${c.customerId}: no message 2 minutes after the event`);
      await new Promise((ok) => setTimeout(ok, 2));
    }
    latencies.push(arrivals.get(c.email)![0]! - sentAt);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!);
  return { events: customers.length, oneAtATime: true, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

/** Enters `ids` into `journeyId` (no event), 32 at a time. */
export async function enterMany(deps: RuntimeDeps, journeyId: string, ids: string[]): Promise<void> {
  await inLanes(ids, 32, async (customerId) => {
    await enterJourney(deps, { journeyId, customerId, event: null });
  });
}
