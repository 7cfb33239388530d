import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailSender } from '../../channels/email.js';
import type { Store } from '../../store/connection.js';
import { skeletonWorkflow } from '../../workflows/skeleton.js';
import { createKizunaWorker } from '../../worker.js';
import { startSmtpCapture } from '../support/smtp.js';
import { connectTestStore } from '../support/store.js';
import { createTimeSkippingEnv, recordHistory } from '../support/temporal.js';

const DAY = 24 * 60 * 60 * 1000;

describe('walking skeleton on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  const worker = (): Promise<Worker> =>
    createKizunaWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'skeleton-ts',
      deps: {
        models: store.models,
        email: createEmailSender({ smtpUrl: smtp.url, from: 'Kizuna <no-reply@shop.example>' }),
      },
    });

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    store = await connectTestStore(import.meta.filename);
    smtp = await startSmtpCapture();
  });

  afterAll(async () => {
    await smtp?.close();
    await store?.close();
    await env?.teardown();
  });

  it('sleeps 7 simulated days, reads the customer from MongoDB and delivers the email over SMTP', async () => {
    await store.models.Customer.create({ customerId: 'c-1001', email: 'hanako@example.jp' });
    const started = Date.now();
    const result = await (
      await worker()
    ).runUntil(
      env.client.workflow.execute(skeletonWorkflow, {
        taskQueue: 'skeleton-ts',
        workflowId: 'kizuna/skeleton/c-1001',
        args: [
          {
            journeyId: 'skeleton',
            customerId: 'c-1001',
            waitMs: 7 * DAY,
            subject: 'お久しぶりです',
            text: '新作が入荷しました。',
          },
        ],
      }),
    );
    const elapsed = Date.now() - started;

    expect(result.outcome).toBe('completed');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ to: ['hanako@example.jp'], subject: 'お久しぶりです' });
    expect(smtp.mails[0]!.text.trim()).toBe('新作が入荷しました。');
    expect(smtp.mails[0]!.messageId).toBe(result.messageId);
    // Seven days of workflow time passed in seconds of wall time.
    expect(elapsed).toBeLessThan(60_000);
    const delivery = await store.models.Delivery.findOne({ customerId: 'c-1001' }).lean();
    expect(delivery).toMatchObject({ status: 'sent', channel: 'email', providerMessageId: result.messageId });
    recordHistory('skeleton-7d', await env.client.workflow.getHandle('kizuna/skeleton/c-1001').fetchHistory());
  });

  it('fails without retrying when the customer has no email address', async () => {
    await store.models.Customer.create({ customerId: 'c-1002' });
    const run = (await worker()).runUntil(
      env.client.workflow.execute(skeletonWorkflow, {
        taskQueue: 'skeleton-ts',
        workflowId: 'kizuna/skeleton/c-1002',
        args: [{ journeyId: 'skeleton', customerId: 'c-1002', waitMs: DAY, subject: 's', text: 't' }],
      }),
    );
    const failure = await run.then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toMatchObject({ cause: { cause: { type: 'NO_EMAIL_ADDRESS', nonRetryable: true } } });
    expect(smtp.mails).toHaveLength(1);
  });
});
