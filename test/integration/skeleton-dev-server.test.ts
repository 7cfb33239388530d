import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmailSender } from '../../channels/email.js';
import type { Store } from '../../store/connection.js';
import { KizunaCustomer, KizunaJourney, KizunaOutcome, KizunaStep } from '../../workflows/search-attributes.js';
import { skeletonWorkflow } from '../../workflows/skeleton.js';
import { createKizunaWorker } from '../../worker.js';
import { startSmtpCapture } from '../support/smtp.js';
import { connectTestStore } from '../support/store.js';

describe('walking skeleton on the dev server (visibility, search attributes, user metadata)', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let worker: Worker;

  beforeAll(async () => {
    const address = inject('temporalAddress');
    connection = await Connection.connect({ address });
    nativeConnection = await NativeConnection.connect({ address });
    client = new Client({ connection });
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
    worker = await createKizunaWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: 'skeleton-dev',
      deps: { models: store.models, email: createEmailSender({ smtpUrl: smtp.url, from: 'shop@shop.example' }) },
    });
  });

  afterAll(async () => {
    await smtp?.close();
    await store?.close();
    await nativeConnection?.close();
    await connection?.close();
  });

  it('upserts Kizuna search attributes and current details; a list query by KizunaCustomer finds it', async () => {
    const customerId = `c-dev-${Date.now()}`;
    await store.models.Customer.create({ customerId: customerId, email: 'taro@example.jp' });
    const workflowId = `kizuna/skeleton/${customerId}`;

    await worker.runUntil(async () => {
      const handle = await client.workflow.start(skeletonWorkflow, {
        taskQueue: 'skeleton-dev',
        workflowId,
        staticSummary: `skeleton for ${customerId}`,
        args: [
          {
            journeyId: 'skeleton',
            customerId,
            waitMs: 2_000,
            subject: 'ようこそ',
            text: 'ご登録ありがとうございます。',
          },
        ],
      });
      // While it waits: the current details say what it waits for.
      await expect
        .poll(async () => (await handle.query<string>('__temporal_workflow_metadata')) as unknown, { timeout: 10_000 })
        .toMatchObject({
          currentDetails: expect.stringMatching(/^waiting until .*ようこそ/) as unknown,
        });
      await handle.result();
    });

    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get(KizunaJourney)).toBe('skeleton');
    expect(description.typedSearchAttributes.get(KizunaCustomer)).toBe(customerId);
    expect(description.typedSearchAttributes.get(KizunaStep)).toBe('done');
    expect(description.typedSearchAttributes.get(KizunaOutcome)).toBe('completed');
    expect(await description.staticSummary()).toBe(`skeleton for ${customerId}`);

    // Visibility is eventually consistent: poll the list query until the run shows up.
    await expect
      .poll(
        async () => {
          const ids: string[] = [];
          for await (const wf of client.workflow.list({ query: `KizunaCustomer = '${customerId}'` }))
            ids.push(wf.workflowId);
          return ids;
        },
        { timeout: 15_000, interval: 250 },
      )
      .toEqual([workflowId]);
    expect(smtp.mails.map((m) => m.to)).toEqual([['taro@example.jp']]);
  });
});
