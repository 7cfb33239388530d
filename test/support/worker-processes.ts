/**
 * The real worker (`worker.ts`, its own composition of MongoDB, SMTP, LINE and Temporal from the
 * environment) as a separate OS process, so a test can SIGKILL it in the middle of its work or run
 * two of them on one task queue. Each test gets a Temporal namespace of its own on the dev server:
 * the worker polls the fixed `kizuna` task queue, which no other test may see.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { inject } from 'vitest';
import { createLineStandin } from '../../line-standin/app.js';
import type { RuntimeDeps } from '../../runtime/deps.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { localEnv } from '../../scripts/local-env.js';
import { launch, projectRoot, type RunningServer } from '../../scripts/servers.js';
import type { Store } from '../../store/connection.js';
import { workflowsPath } from '../../worker.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../workflows/search-attributes.js';
import { bundleQuietly } from './bundle.js';
import { startSmtpCapture } from './smtp.js';
import { connectTestStore } from './store.js';

const LINE_TOKEN = 'test-line-token';

// temporal.api.enums.v1.IndexedValueType values (the proto enum is not exported by the SDK packages).
const TYPE = { Keyword: 2, Int: 3 } as const;

/** Registers `namespace` on the server with Kizuna's search attributes; resolves once it answers. */
export async function createNamespace(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, TYPE[type]]),
        ),
      });
      // A new namespace reaches the frontend's cache a moment after it is registered.
      await new Client({ connection, namespace }).workflow.count();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((ok) => setTimeout(ok, 500));
    }
  }
}

/** Bundles the workflows once into a file the worker processes load (KIZUNA_WORKFLOW_BUNDLE). */
export async function writeWorkflowBundle(): Promise<string> {
  const { code } = await bundleQuietly(workflowsPath);
  const file = join(mkdtempSync(join(tmpdir(), 'kizuna-bundle-')), 'workflow-bundle.js');
  writeFileSync(file, code);
  return file;
}

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  /** A MongoDB URI with the database in its path. */
  mongoUri: string;
  smtpUrl: string;
  line: { baseUrl: string; token: string } | null;
  bundleFile: string;
  name?: string;
  /** Appends the worker's output to this file. */
  logFile?: string;
}

/** A running worker process: `child.pid`, its output's last lines (`tail()`), `exited`, `stop()` (SIGTERM). */
export type WorkerProcess = RunningServer;

/** Starts `worker.ts` in a process of its own; resolves once it polls the task queue. */
export async function startWorkerProcess(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  return launch({
    name: opts.name ?? 'kizuna worker',
    command: process.execPath,
    args: ['--import', 'tsx', join(projectRoot, 'worker.ts')],
    readyOutput: /polling task queue/,
    env: localEnv({
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_NAMESPACE: opts.namespace,
      MONGODB_URI: opts.mongoUri,
      SMTP_URL: opts.smtpUrl,
      KIZUNA_WORKFLOW_BUNDLE: opts.bundleFile,
      PUBLIC_BASE_URL: 'https://shop.example',
      UNSUBSCRIBE_SECRET: 'a-test-unsubscribe-secret-of-at-least-32-bytes',
      ...(opts.line ? { LINE_CHANNEL_ACCESS_TOKEN: opts.line.token, LINE_API_BASE_URL: opts.line.baseUrl } : {}),
    }),
    timeoutMs: 120_000,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
}

/** SIGKILLs the process (no shutdown of any kind) and resolves once it is gone. */
export async function killWorker(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

/**
 * What the worker-process tests share: a store of the test's own, the SMTP capture and the LINE
 * stand-in in the test process, a namespace of the test's own on the dev server, the bundle file,
 * and a starter for worker processes wired to all of them.
 */
export interface ProcessWorld {
  store: Store;
  smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  line: ReturnType<typeof createLineStandin>;
  client: Client;
  runtime: RuntimeDeps;
  startWorker(name: string): Promise<WorkerProcess>;
  close(): Promise<void>;
}

export async function startProcessWorld(testFile: string): Promise<ProcessWorld> {
  const store = await connectTestStore(testFile);
  const smtp = await startSmtpCapture();
  const line = createLineStandin({ channelAccessToken: LINE_TOKEN, recordFile: inject('lineBodiesFile') });
  const server: Server = await new Promise((ok) => {
    const s = line.app.listen(0, '127.0.0.1', () => ok(s));
  });
  const lineUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const namespace = `${basename(testFile).replace(/\W+/g, '-').slice(0, 30)}-${randomBytes(3).toString('hex')}`;
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  await createNamespace(connection, namespace);
  const client = new Client({ connection, namespace });
  const bundleFile = await writeWorkflowBundle();
  const workers: WorkerProcess[] = [];
  return {
    store,
    smtp,
    line,
    client,
    runtime: { client, models: store.models },
    async startWorker(name) {
      const worker = await startWorkerProcess({
        name,
        temporalAddress: address,
        namespace,
        mongoUri: `${inject('mongoUri')}${store.connection.name}`,
        smtpUrl: smtp.url,
        line: { baseUrl: lineUrl, token: LINE_TOKEN },
        bundleFile,
        // KIZUNA_TEST_WORKER_LOGS=<dir> keeps each worker's whole output (activity failures) for a failing run.
        ...(process.env.KIZUNA_TEST_WORKER_LOGS
          ? { logFile: join(process.env.KIZUNA_TEST_WORKER_LOGS, `${name.replace(/\W+/g, '-')}.log`) }
          : {}),
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const worker of workers) await killWorker(worker);
      await connection.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      await smtp.close();
      await store.close();
      rmSync(dirname(bundleFile), { recursive: true, force: true });
    },
  };
}

/** A journey that sends one email and then one LINE message, `between` apart (none: at once). */
export function emailThenLine(journeyId: string, between: string | null): string {
  return `
journey: ${journeyId}
name: ${journeyId}
entry: { api: true }
steps:
  - id: mail
    send: { channel: email, template: winback-1 }
${between === null ? '' : `  - { id: gap, wait: ${between} }\n`}  - id: line
    send: { channel: line, template: line-welcome }
`;
}

/** A LINE user id of the shape LINE issues (`U` and 32 hex digits), derived from the customer id. */
export const lineUserIdOf = (customerId: string) => `U${createHash('md5').update(customerId).digest('hex')}`;

/** Customers `<prefix>-0..n-1`, subscribed to email and following the LINE account. */
export async function createCustomers(store: Store, prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await store.models.Customer.insertMany(
    ids.map((customerId) => ({
      customerId,
      email: `${customerId}@example.jp`,
      lineUserId: lineUserIdOf(customerId),
      lineFollowing: true,
      consent: { email: 'subscribed', line: 'following' },
    })),
  );
  return ids;
}

/**
 * Per customer, how often each message was delivered, as every record of it counts it. SMTP is
 * counted as a mailbox shows it (distinct Message-IDs: a resend carries the delivery's own) and as
 * the wire saw it (`smtpTransmissions`).
 */
export interface SendCount {
  smtp: number;
  linePushes: number;
  ledgerEmail: number;
  ledgerLine: number;
  journalSent: number;
}

/** The count every customer must have: each message exactly once everywhere. */
export const EXACTLY_ONCE: SendCount = { smtp: 1, linePushes: 1, ledgerEmail: 1, ledgerLine: 1, journalSent: 2 };

const customerOfAddress = (to: string) => to.replace(/@example\.jp$/, '');

/** Counts each customer's messages in the SMTP capture, the LINE stand-in, the delivery ledger and the journal. */
export async function countSends(
  world: ProcessWorld,
  journeyId: string,
  customers: string[],
): Promise<{ counts: Record<string, SendCount>; smtpTransmissions: Record<string, number> }> {
  const counts: Record<string, SendCount> = {};
  for (const c of customers) counts[c] = { smtp: 0, linePushes: 0, ledgerEmail: 0, ledgerLine: 0, journalSent: 0 };
  const bump = (customerId: string | undefined, key: keyof SendCount) => {
    const count = customerId === undefined ? undefined : counts[customerId];
    if (count) count[key] += 1;
  };
  const smtpTransmissions: Record<string, number> = {};
  const messageIds = new Set<string>();
  for (const mail of world.smtp.mails) {
    for (const to of mail.to) {
      const customerId = customerOfAddress(to);
      smtpTransmissions[customerId] = (smtpTransmissions[customerId] ?? 0) + 1;
      if (!messageIds.has(`${to} ${mail.messageId}`)) bump(customerId, 'smtp');
      messageIds.add(`${to} ${mail.messageId}`);
    }
  }
  const byLineUser = new Map(customers.map((c) => [lineUserIdOf(c), c]));
  for (const push of world.line.pushes) bump(byLineUser.get(push.to), 'linePushes');
  const rows = await world.store.models.Delivery.find({ journeyId, status: 'sent' }).lean();
  for (const row of rows) bump(row.customerId, row.channel === 'line' ? 'ledgerLine' : 'ledgerEmail');
  const journal = await world.store.models.JournalRow.find({ journeyId, action: 'sent' }).lean();
  for (const row of journal) bump(row.customerId, 'journalSent');
  return { counts, smtpTransmissions };
}

/**
 * Customers whose email the SMTP server had accepted while its ledger row was still `pending` (the
 * worker died between the server's 250 and the ledger's `sent`): the documented window in which a
 * retry resends, under the same Message-ID. Read after the worker is gone.
 */
export async function emailsInDoubt(world: ProcessWorld, journeyId: string): Promise<string[]> {
  const pending = await world.store.models.Delivery.find({ journeyId, status: 'pending', channel: 'email' }).lean();
  const captured = new Set(world.smtp.mails.flatMap((m) => m.to.map(customerOfAddress)));
  return pending.map((row) => row.customerId).filter((c) => captured.has(c));
}

/** Enters every customer into the journey, `concurrency` at a time; returns the workflow ids in order. */
export async function enterAll(
  world: ProcessWorld,
  journeyId: string,
  customers: string[],
  concurrency = 8,
): Promise<string[]> {
  const ids: string[] = new Array<string>(customers.length);
  let next = 0;
  const lane = async () => {
    while (next < customers.length) {
      const i = next++;
      const entered = await enterJourney(world.runtime, { journeyId, customerId: customers[i]!, event: null });
      if (entered.status !== 'entered') throw new Error(`${customers[i]} was not entered: ${entered.status}`);
      ids[i] = entered.workflowId;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return ids;
}
