/**
 * Runtime benchmark on the Temporal dev server with FerretDB and an in-process SMTP capture:
 * - 1,000 customers through wait -> branch -> send, as a journey (the interpreter) and as a
 *   hand-written workflow doing the same activities (bench/runtime-workflows.ts): journeys/s of both;
 * - event -> send latency for an event that makes a waiting journey send (p50, p99);
 * - the RSS of a worker process holding 10,000 journeys asleep.
 * Sizes: BENCH_CUSTOMERS, BENCH_LATENCY_SAMPLES, BENCH_SLEEPING. Prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createDelivery } from '../channels/deliver.js';
import { createSmtpTransport } from '../channels/email-transport.js';
import { enterJourney } from '../runtime/enter-journey.js';
import { signalCustomerEvent } from '../runtime/signal.js';
import { freePort, projectRoot, startFerretDB, startTemporalDevServer } from '../scripts/servers.js';
import { connectStore } from '../store/connection.js';
import { startSmtpCapture } from '../test/support/smtp.js';
import { publishTestJourney } from '../test/support/test-journeys.js';

const SIZE = Number(process.env.BENCH_CUSTOMERS ?? 1000);
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);
const SLEEPING = Number(process.env.BENCH_SLEEPING ?? 10_000);
const QUEUE = 'bench-runtime';
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
Runtime.install({ logger: new DefaultLogger('ERROR') });

async function pool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const journeyYaml = (id: string, steps: string) => `
journey: ${id}
name: ${id}
entry: { api: true, reentry: always }
policy: { timezone: Asia/Tokyo }
steps:
${steps}`;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kizuna-bench-'));
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];
  const [ferret, temporal] = await Promise.all([
    startFerretDB({ port: mongoPort, dataDir: join(dataDir, 'ferretdb') }),
    startTemporalDevServer({ port: temporalPort, uiPort: null }),
  ]);
  const mongoUri = `mongodb://127.0.0.1:${mongoPort}/`;
  const address = `127.0.0.1:${temporalPort}`;
  const store = await connectStore(mongoUri, { dbName: 'bench' });
  const smtp = await startSmtpCapture();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address });
  const delivery = createDelivery({
    models: store.models,
    email: createSmtpTransport({ url: smtp.url, maxConnections: 10 }),
    line: null,
    links: {
      publicBaseUrl: 'https://shop.example',
      unsubscribeSecret: 'a-bench-unsubscribe-secret-of-32-bytes!!',
      mailto: 'u@shop.example',
    },
    shopName: 'Kizuna Coffee',
    from: 'Kizuna Coffee <news@shop.example>',
  });
  const bundleFile = join(dataDir, 'bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./runtime-workflows.ts', import.meta.url)),
    logger: quiet,
  });
  writeFileSync(bundleFile, code);
  const worker = await Worker.create({
    connection: native,
    taskQueue: QUEUE,
    workflowBundle: { code },
    activities: createActivities({ models: store.models, delivery }),
    maxConcurrentActivityTaskExecutions: 100,
  });
  const running = worker.run();
  const deps = { client, models: store.models, taskQueue: QUEUE };

  const main = await publishTestJourney(
    store.models,
    journeyYaml(
      'bench-branch',
      `  - { id: wait, wait: 2s }
  - id: vip-check
    if: { totalSpent: { $gte: 30000 } }
    then: [{ id: winback-vip-coupon, send: { channel: email, template: winback-vip-coupon } }]
    else: [{ id: winback-coupon, send: { channel: email, template: winback-coupon } }]
`,
    ),
  );
  const customers = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      customerId: `${prefix}-${i}`,
      email: `${prefix}-${i}@example.jp`,
      consent: { email: 'subscribed', line: 'unknown' },
      totalSpent: i % 2 === 0 ? 42_000 : 8_000,
    }));
  for (const prefix of ['hand', 'journey', 'latency', 'sleep']) {
    const n = prefix === 'latency' ? SAMPLES : prefix === 'sleep' ? SLEEPING : SIZE;
    for (let i = 0; i < n; i += 1000) await store.models.Customer.insertMany(customers(prefix, n).slice(i, i + 1000));
  }

  // 1. Hand-written baseline, then the interpreter, on the same worker.
  const handStart = Date.now();
  const handIds = await pool(customers('hand', SIZE), 50, async (c) => {
    const id = `hand/${c.customerId}`;
    await client.workflow.start('handWrittenWorkflow', {
      taskQueue: QUEUE,
      workflowId: id,
      args: [{ journeyId: 'bench-hand', version: 1, customerId: c.customerId, waitMs: 2_000 }],
    });
    return id;
  });
  await pool(handIds, 100, (id) => client.workflow.getHandle(id).result());
  const handMs = Date.now() - handStart;

  const journeyStart = Date.now();
  const journeyIds = await pool(
    customers('journey', SIZE),
    50,
    async (c) =>
      (await enterJourney(deps, { journeyId: main.plan.journeyId, customerId: c.customerId, event: null })).workflowId,
  );
  await pool(journeyIds, 100, (id) => client.workflow.getHandle(id).result());
  const journeyMs = Date.now() - journeyStart;

  // 2. Event -> send latency: runs waiting for order.completed send when it arrives.
  const waiting = await publishTestJourney(
    store.models,
    journeyYaml(
      'bench-latency',
      `  - id: wait-order
    wait_for: { event: order.completed, timeout: 1d }
    on_event: [{ id: thanks, send: { channel: email, template: winback-1 } }]
`,
    ),
  );
  const latencyCustomers = customers('latency', SAMPLES);
  await pool(latencyCustomers, 50, (c) =>
    enterJourney(deps, { journeyId: waiting.plan.journeyId, customerId: c.customerId, event: null }),
  );
  while ((await store.models.JournalRow.countDocuments({ journeyId: 'bench-latency', action: 'waiting' })) < SAMPLES) {
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const latencies: number[] = [];
  for (const c of latencyCustomers) {
    const t0 = Date.now();
    const event = { id: `ord-${c.customerId}`, type: 'order.completed', timeMs: t0, properties: {} };
    await signalCustomerEvent(deps, { journeyId: waiting.plan.journeyId, customerId: c.customerId, event });
    while (!smtp.mails.some((m) => m.to.includes(c.email))) await new Promise((ok) => setTimeout(ok, 2));
    latencies.push(Date.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  worker.shutdown();
  await running;

  // 3. RSS of a worker process holding SLEEPING journeys asleep.
  const sleeper = await publishTestJourney(store.models, journeyYaml('bench-sleep', `  - { id: nap, wait: 30d }\n`));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(projectRoot, 'test', 'support', 'worker-process.ts')],
    {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: address,
        MONGODB_URI: mongoUri,
        KIZUNA_DB: 'bench',
        SMTP_URL: smtp.url,
        KIZUNA_TASK_QUEUE: QUEUE,
        KIZUNA_WORKFLOW_BUNDLE: bundleFile,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((ok) =>
    child.stdout.on('data', (d: Buffer) => d.toString().includes('worker ready') && ok()),
  );
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const rssIdle = rss();
  const sleepStart = Date.now();
  await pool(customers('sleep', SLEEPING), 100, (c) =>
    enterJourney(deps, { journeyId: sleeper.plan.journeyId, customerId: c.customerId, event: null }),
  );
  while ((await store.models.JournalRow.countDocuments({ journeyId: 'bench-sleep', action: 'waiting' })) < SLEEPING) {
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  const sleepMs = Date.now() - sleepStart;
  const rssSleeping = rss();
  child.kill('SIGTERM');

  console.log(
    JSON.stringify({
      bench: 'runtime',
      customers: SIZE,
      handWritten: { ms: handMs, journeysPerSec: +(SIZE / (handMs / 1000)).toFixed(1) },
      interpreter: { ms: journeyMs, journeysPerSec: +(SIZE / (journeyMs / 1000)).toFixed(1) },
      ratio: +(journeyMs / handMs).toFixed(3),
      eventToSendMs: {
        samples: SAMPLES,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1),
      },
      sleeping: {
        journeys: SLEEPING,
        enterMs: sleepMs,
        workerRssMb: { idle: Math.round(rssIdle), sleeping: Math.round(rssSleeping) },
      },
      mails: smtp.mails.length,
    }),
  );
  delivery.close();
  await native.close();
  await connection.close();
  await smtp.close();
  await store.close();
  await Promise.all([ferret.stop(), temporal.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
