// Task queue priority and fairness on the dev server (started with `matching.enableFairness`): runs that
// bulk sources enter wait behind a customer's own entry, and one journey's burst does not starve
// another's. One worker with one workflow task slot takes the backlog; the order in which runs finished
// is the order the server handed out their tasks.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import type { Store } from '../../store/connection.js';
import { bundleQuietly } from '../support/bundle.js';
import { connectTestStore } from '../support/store.js';
import { publishTestJourney } from '../support/test-journeys.js';

let connection: Connection;
let native: NativeConnection;
let client: Client;
let store: Store;
let bundle: { code: string };

beforeAll(async () => {
  const address = inject('temporalAddress');
  [connection, native, store, bundle] = await Promise.all([
    Connection.connect({ address }),
    NativeConnection.connect({ address }),
    connectTestStore(import.meta.filename),
    bundleQuietly(join(import.meta.dirname, '../support/first-task-workflow.ts')),
  ]);
  client = new Client({ connection });
});
afterAll(async () => {
  await native?.close();
  await connection?.close();
  await store?.close();
});

const uid = () => randomBytes(4).toString('hex');

async function publish(prefix: string): Promise<string> {
  const journeyId = `${prefix}-${uid()}`;
  await publishTestJourney(
    store.models,
    `journey: ${journeyId}\nname: ${prefix}\nentry: { api: true, reentry: always }\npolicy: { timezone: Asia/Tokyo }\nsteps:\n  - { id: nap, wait: 1d }\n`,
  );
  return journeyId;
}

/** Enters each customer, one after another, so the queue's backlog holds them in this order. */
async function enterAll(taskQueue: string, journeyId: string, customers: string[], bulk: boolean) {
  for (const customerId of customers) {
    await enterJourney({ client, models: store.models, taskQueue }, { journeyId, customerId, event: null, bulk });
  }
  return customers.map((customerId) => `kizuna/${journeyId}/${customerId}`);
}

/** Drains the backlog with one workflow task at a time; the workflow ids in the order their runs ended. */
async function drain(taskQueue: string, workflowIds: string[]): Promise<string[]> {
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: bundle,
    maxConcurrentWorkflowTaskExecutions: 1,
    maxCachedWorkflows: 0,
  });
  await worker.runUntil(Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).result())));
  const ended = await Promise.all(
    workflowIds.map(async (id) => {
      const history = await client.workflow.getHandle(id).fetchHistory();
      const last = history.events!.at(-1)!;
      expect(last.workflowExecutionCompletedEventAttributes).toBeTruthy();
      return { id, at: BigInt(String(last.eventTime!.seconds)) * 1_000_000_000n + BigInt(last.eventTime!.nanos ?? 0) };
    }),
  );
  return ended.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((e) => e.id);
}

describe('task queue priority and fairness of journey runs', () => {
  it("runs a customer's own entry ahead of a backlog that a bulk source entered before it", async () => {
    const taskQueue = `priority-${uid()}`;
    const burst = await publish('burst');
    const due = await publish('due');
    const bulkRuns = await enterAll(
      taskQueue,
      burst,
      Array.from({ length: 20 }, (_, i) => `c${i}`),
      true,
    );
    const [single] = await enterAll(taskQueue, due, ['own'], false);

    const order = await drain(taskQueue, [...bulkRuns, single!]);

    expect(order[0]).toBe(single);
  });

  it("serves two journeys' bulk entries in turn: the later, smaller burst is not left to the end", async () => {
    const taskQueue = `fairness-${uid()}`;
    const big = await publish('big');
    const small = await publish('small');
    const bigRuns = await enterAll(
      taskQueue,
      big,
      Array.from({ length: 20 }, (_, i) => `b${i}`),
      true,
    );
    const smallRuns = await enterAll(
      taskQueue,
      small,
      Array.from({ length: 5 }, (_, i) => `s${i}`),
      true,
    );

    const order = await drain(taskQueue, [...bigRuns, ...smallRuns]);

    // First come, first served would end the small journey's runs last (positions 20 to 24).
    const lastSmall = Math.max(...smallRuns.map((id) => order.indexOf(id)));
    expect(lastSmall).toBeLessThan(15);
  });
});
