/**
 * Everything a journey needs to run for real in a test: FerretDB (a database of the test's own), the
 * SMTP capture, the LINE stand-in, the delivery layer on both, the example journeys published (and
 * their rich menus, at the stand-in), and a worker factory on a given Temporal connection.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { inject } from 'vitest';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createDelivery } from '../../channels/deliver.js';
import { createSmtpTransport } from '../../channels/email-transport.js';
import { createLineRichMenus } from '../../channels/line-richmenus.js';
import { createLineSender } from '../../channels/line-sender.js';
import { loadRichMenu } from '../../definitions/richmenus.js';
import { createLineBudget } from '../../channels/line-budget.js';
import type { LineBudgetPolicy } from '../../definitions/workspace.js';
import { createLineStandin } from '../../line-standin/app.js';
import type { RuntimeDeps } from '../../runtime/deps.js';
import { publishExamples } from '../../scripts/publish-examples.js';
import { projectRoot } from '../../scripts/servers.js';
import type { Store } from '../../store/connection.js';
import { createKizunaWorker, workflowsPath } from '../../worker.js';
import { bundleQuietly } from './bundle.js';
import { startSmtpCapture } from './smtp.js';
import { connectTestStore } from './store.js';

const LINE_TOKEN = 'test-line-token';
/** The example rich menus, published at the stand-in as `kizuna publish definitions/richmenus` does. */
const EXAMPLE_RICH_MENUS = ['members', 'newcomers'];

export interface JourneyWorld {
  store: Store;
  /** The stand-in's address (its quota is set with `POST /__standin/quota`). */
  lineUrl: string;
  smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  line: ReturnType<typeof createLineStandin>;
  /** Where the LINE stand-in listens, and the channel token it accepts. */
  lineApi: { url: string; token: string };
  /** A new worker on `taskQueue` with the real activities (a worker runs once: take one per run). */
  worker(opts?: { maxCachedWorkflows?: number }): Promise<Worker>;
  runtime(extra?: Partial<RuntimeDeps>): RuntimeDeps;
  /** The workflow bundle every worker of the test loads (for replaying histories against it). */
  bundleCode: string;
  close(): Promise<void>;
}

/** Starts the world; `connection`/`client` are the Temporal server's (time-skipping or dev). */
export async function startJourneyWorld(opts: {
  testFile: string;
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  /** A workspace LINE budget for the delivery (LINE's quota read from the stand-in); default none. */
  lineBudget?: LineBudgetPolicy;
}): Promise<JourneyWorld> {
  const store = await connectTestStore(opts.testFile);
  const smtp = await startSmtpCapture();
  // Every push body the stand-in accepts is checked against LINE's rules at the end of the run.
  const line = createLineStandin({ channelAccessToken: LINE_TOKEN, recordFile: inject('lineBodiesFile') });
  const server: Server = await new Promise((ok) => {
    const s = line.app.listen(0, '127.0.0.1', () => ok(s));
  });
  const lineUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const richMenus = createLineRichMenus({ channelAccessToken: LINE_TOKEN, baseURL: lineUrl });
  for (const name of EXAMPLE_RICH_MENUS) {
    const loaded = loadRichMenu(join(projectRoot, 'definitions', 'richmenus', `${name}.yaml`));
    if (!loaded.ok) throw new Error(`example rich menu ${name} does not check: ${JSON.stringify(loaded.errors)}`);
    await richMenus.publish(loaded.menu);
  }
  const published = await publishExamples(store.models);
  const broken = published.filter((p) => !p.ok);
  if (broken.length > 0) throw new Error(`example journeys do not compile: ${JSON.stringify(broken)}`);
  const sender = createLineSender({ channelAccessToken: LINE_TOKEN, baseURL: lineUrl });
  const policy = opts.lineBudget;
  const delivery = createDelivery({
    models: store.models,
    email: createSmtpTransport({ url: smtp.url }),
    line: sender,
    lineBudget: policy ? createLineBudget({ models: store.models, policy, quota: () => sender.quota() }) : null,
    links: {
      publicBaseUrl: 'https://shop.example',
      unsubscribeSecret: 'a-test-unsubscribe-secret-of-at-least-32-bytes',
      mailto: 'unsubscribe@shop.example',
    },
    shopName: 'Kizuna Coffee',
    from: 'Kizuna Coffee <news@shop.example>',
  });
  // Bundled once: every worker of the test loads the same code (a worker runs only once).
  const { code } = await bundleQuietly(workflowsPath);
  return {
    store,
    lineUrl,
    smtp,
    line,
    lineApi: { url: lineUrl, token: LINE_TOKEN },
    worker: (w = {}) =>
      createKizunaWorker({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: opts.taskQueue,
        deps: { models: store.models, delivery, richMenus },
        workflowBundleCode: code,
        ...w,
      }),
    bundleCode: code,
    runtime: (extra = {}) => ({ client: opts.client, models: store.models, taskQueue: opts.taskQueue, ...extra }),
    async close() {
      delivery.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      await smtp.close();
      await store.close();
    },
  };
}

/**
 * The result of a run that ends without more time passing (after a signal): polls its status in
 * real time. Awaiting `result()` on the time-skipping server would let the clock jump meanwhile,
 * firing other runs' timers.
 */
export async function settledResult<T>(client: Client, workflowId: string, timeoutMs = 20_000): Promise<T> {
  // A plain client on the same connection: its result() does not unlock time skipping.
  const plain = new Client({ connection: client.connection, namespace: client.options.namespace });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const description = await plain.workflow.getHandle(workflowId).describe();
    if (description.status.name === 'CONTINUED_AS_NEW' || description.status.name === 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`${workflowId} still runs after ${timeoutMs} ms`);
      await new Promise((ok) => setTimeout(ok, 50));
      continue;
    }
    // The closed run itself (following a continue-as-new chain hangs on the time-skipping server).
    return (await plain.workflow.getHandle(workflowId, description.runId, { followRuns: false }).result()) as T;
  }
}
