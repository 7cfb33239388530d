// Workers in processes of their own on the dev server: one killed with SIGKILL in the middle of 50
// journeys' sends and replaced, then two workers sharing 200 journeys. Every customer gets each
// message exactly once: counted in the SMTP capture (by Message-ID) and in the delivery ledger.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { freePort, projectRoot } from '../../scripts/servers.js';
import type { Store } from '../../store/connection.js';
import { connectTestStore } from '../support/store.js';
import { createEmailCustomer, publishTestJourney } from '../support/test-journeys.js';

/** An SMTP capture that takes `delayMs` per message, so a worker can be killed mid-send. */
async function slowSmtp(delayMs: number) {
  const mails: { to: string[]; messageId: string }[] = [];
  const port = await freePort();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream)
        .then((mail) =>
          setTimeout(() => {
            mails.push({ to: session.envelope.rcptTo.map((r) => r.address), messageId: mail.messageId ?? '' });
            done();
          }, delayMs),
        )
        .catch(done);
    },
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('journey workers in their own processes', () => {
  let connection: Connection;
  let client: Client;
  let store: Store;
  let smtp: Awaited<ReturnType<typeof slowSmtp>>;
  const children: ChildProcess[] = [];

  function startWorker(taskQueue: string): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'test', 'support', 'worker-process.ts')],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          MONGODB_URI: inject('mongoUri'),
          KIZUNA_DB: store.connection.name,
          SMTP_URL: smtp.url,
          KIZUNA_TASK_QUEUE: taskQueue,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    return new Promise((ok, fail) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('worker ready')) ok(child);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => fail(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
    });
  }

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
    store = await connectTestStore(import.meta.filename);
    smtp = await slowSmtp(150);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await smtp?.close();
    await store?.close();
    await connection?.close();
  });

  async function enterAll(journeyId: string, customers: string[], taskQueue: string) {
    const deps = { client, models: store.models, taskQueue };
    return Promise.all(customers.map((customerId) => enterJourney(deps, { journeyId, customerId, event: null })));
  }

  async function waitClosed(workflowIds: string[], timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (const id of workflowIds) {
      while ((await client.workflow.getHandle(id).describe()).status.name === 'RUNNING') {
        if (Date.now() > deadline) throw new Error(`${id} still runs`);
        await new Promise((ok) => setTimeout(ok, 250));
      }
    }
  }

  /** Per customer: distinct Message-IDs received, and ledger rows sent. */
  async function countPerCustomer(journeyId: string, customers: string[]) {
    const byAddress = new Map<string, Set<string>>();
    for (const mail of smtp.mails)
      for (const to of mail.to) (byAddress.get(to) ?? byAddress.set(to, new Set()).get(to)!).add(mail.messageId);
    const rows = await store.models.Delivery.find({ journeyId }).lean();
    return customers.map((c) => ({
      customer: c,
      received: byAddress.get(`${c}@example.jp`)?.size ?? 0,
      sentRows: rows.filter((r) => r.customerId === c && r.status === 'sent').length,
    }));
  }

  const journey = (id: string) => `
journey: ${id}
name: ${id}
entry: { api: true }
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
`;

  it('SIGKILL in the middle of 50 journeys sending, then a new worker: each message exactly once', async () => {
    const journeyId = `t-kill-${Date.now()}`;
    await publishTestJourney(store.models, journey(journeyId));
    const customers = Array.from({ length: 50 }, (_, i) => `${journeyId}-c${i}`);
    for (const c of customers) await createEmailCustomer(store.models, c);
    const first = await startWorker('kill-queue');
    const runs = await enterAll(journeyId, customers, 'kill-queue');
    // Kill once some mails are through and others are on their way.
    while (smtp.mails.length < 10) await new Promise((ok) => setTimeout(ok, 20));
    first.kill('SIGKILL');
    const killedAt = smtp.mails.length;
    expect(killedAt).toBeLessThan(50);
    await startWorker('kill-queue');
    await waitClosed(
      runs.map((r) => r.workflowId),
      240_000,
    );
    const counts = await countPerCustomer(journeyId, customers);
    expect(counts.filter((c) => c.received !== 1 || c.sentRows !== 1)).toEqual([]);
  }, 300_000);

  it('two workers on one task queue run 200 journeys: no duplicate, no lost send', async () => {
    const journeyId = `t-two-${Date.now()}`;
    await publishTestJourney(store.models, journey(journeyId));
    const customers = Array.from({ length: 200 }, (_, i) => `${journeyId}-c${i}`);
    for (const c of customers) await createEmailCustomer(store.models, c);
    await Promise.all([startWorker('two-queue'), startWorker('two-queue')]);
    const runs = await enterAll(journeyId, customers, 'two-queue');
    await waitClosed(
      runs.map((r) => r.workflowId),
      240_000,
    );
    const counts = await countPerCustomer(journeyId, customers);
    const mine = smtp.mails.filter((m) => m.to.some((to) => to.startsWith(journeyId)));
    expect(counts.filter((c) => c.received !== 1 || c.sentRows !== 1)).toEqual([]);
    // Not only one Message-ID each: one SMTP transmission each.
    expect(mine).toHaveLength(200);
  }, 300_000);
});
