/**
 * A journey worker in a process of its own, for tests that kill workers (SIGKILL) or run several:
 * `node --import tsx test/support/worker-process.ts` with TEMPORAL_ADDRESS, MONGODB_URI, KIZUNA_DB,
 * SMTP_URL and KIZUNA_TASK_QUEUE. Prints "worker ready" once it polls.
 */
import { NativeConnection } from '@temporalio/worker';
import { createDelivery } from '../../channels/deliver.js';
import { createSmtpTransport } from '../../channels/email-transport.js';
import { connectStore } from '../../store/connection.js';
import { createKizunaWorker } from '../../worker.js';

async function main() {
  const env = process.env;
  const store = await connectStore(env.MONGODB_URI ?? '', { dbName: env.KIZUNA_DB ?? 'kizuna' });
  const delivery = createDelivery({
    models: store.models,
    email: createSmtpTransport({ url: env.SMTP_URL ?? '' }),
    line: null,
    links: {
      publicBaseUrl: 'https://shop.example',
      unsubscribeSecret: 'a-test-unsubscribe-secret-of-at-least-32-bytes',
      mailto: 'unsubscribe@shop.example',
    },
    shopName: 'Kizuna Coffee',
    from: 'Kizuna Coffee <news@shop.example>',
  });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '' });
  const worker = await createKizunaWorker({
    connection,
    namespace: 'default',
    taskQueue: env.KIZUNA_TASK_QUEUE ?? 'kizuna',
    deps: { models: store.models, delivery },
    ...(env.KIZUNA_WORKFLOW_BUNDLE
      ? {
          workflowBundleCode: await import('node:fs').then((fs) =>
            fs.readFileSync(env.KIZUNA_WORKFLOW_BUNDLE!, 'utf8'),
          ),
        }
      : {}),
  });
  console.log('worker ready');
  await worker.run();
  delivery.close();
  await connection.close();
  await store.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
