// The send activity on a real Temporal dev server and a real worker, with FerretDB behind a proxy that
// is severed the moment the SMTP server accepts the email: the ledger cannot record `sent`, the activity
// fails, and its retries find the provider's answer in their heartbeat details (Temporal keeps them
// across attempts). They record the send once the store is back; the customer gets one email.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDelivery, type Delivery } from '../../channels/deliver.js';
import { createSmtpTransport } from '../../channels/email-transport.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import type { Store } from '../../store/connection.js';
import { createKizunaWorker, workflowsPath } from '../../worker.js';
import { bundleQuietly } from '../support/bundle.js';
import { startSmtpCapture } from '../support/smtp.js';
import { connectThroughProxy, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { publishTestJourney } from '../support/test-journeys.js';
import { createCustomers } from '../support/worker-processes.js';

const TASK_QUEUE = 'send-heartbeat';
const JOURNEY = `
journey: hb-carry
name: hb-carry
entry: { api: true }
steps:
  - id: mail
    send: { channel: email, template: winback-1 }
`;

describe('the send activity keeps an accepted message across attempts (heartbeat details)', () => {
  let connection: Connection;
  let native: NativeConnection;
  let proxy: TcpProxy;
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let delivery: Delivery;
  let worker: Worker;
  let running: Promise<void>;
  let severOnAccept = true;

  beforeAll(async () => {
    const address = inject('temporalAddress');
    connection = await Connection.connect({ address });
    native = await NativeConnection.connect({ address });
    const target = new URL(inject('mongoUri'));
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    store = await connectThroughProxy(proxy, inject('mongoUri'), 'send_heartbeat');
    smtp = await startSmtpCapture({
      onAccept: () => {
        if (severOnAccept) proxy.sever();
        severOnAccept = false;
      },
    });
    delivery = createDelivery({
      models: store.models,
      email: createSmtpTransport({ url: smtp.url }),
      line: null,
      links: {
        publicBaseUrl: 'https://shop.example',
        unsubscribeSecret: 'a-test-unsubscribe-secret-of-at-least-32-bytes',
        mailto: 'unsubscribe@shop.example',
      },
      shopName: '珈琲焙煎所きずな',
      from: '珈琲焙煎所きずな <news@shop.example>',
      recordSentDelaysMs: [50, 100],
    });
    const { code } = await bundleQuietly(workflowsPath);
    worker = await createKizunaWorker({
      connection: native,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      deps: { models: store.models, delivery },
      workflowBundleCode: code,
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    delivery?.close();
    await smtp?.close();
    await store?.close();
    await proxy?.close();
    await native?.close();
    await connection?.close();
  });

  it('the `sent` write fails after SMTP accepted: later attempts record it, one email', async () => {
    const client = new Client({ connection });
    const { plan } = await publishTestJourney(store.models, JOURNEY);
    const [customerId] = await createCustomers(store, 'hb', 1);
    const entered = await enterJourney(
      { client, models: store.models, taskQueue: TASK_QUEUE },
      { journeyId: plan.journeyId, customerId: customerId!, event: null },
    );
    const handle = client.workflow.getHandle(entered.workflowId);
    // The store stays away until an attempt has failed (the `sent` write gave up).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { raw } = await handle.describe();
      if ((raw.pendingActivities ?? []).some((a) => a.lastFailure)) break;
      if (Date.now() > deadline) throw new Error('no send attempt failed while the store was away');
      await new Promise((ok) => setTimeout(ok, 250));
    }
    proxy.restore();
    await handle.result();
    const mails = smtp.mails.filter((m) => m.to.includes(`${customerId}@example.jp`));
    expect(mails).toHaveLength(1);
    const rows = await store.models.Delivery.find({ customerId }).lean();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', uncertain: false, providerMessageId: mails[0]!.messageId });
    const sends = (await handle.fetchHistory()).events!.filter(
      (e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1,
    );
    expect(sends.length).toBeGreaterThan(0);
  }, 180_000);
});
