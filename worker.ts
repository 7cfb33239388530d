/**
 * The worker's composition root: reads the environment, opens MongoDB and SMTP, and polls the
 * `kizuna` task queue. `createKizunaWorker` is the same composition without the environment, for tests.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { createEmailSender } from './channels/email.js';
import { connectStore } from './store/connection.js';
import { TASK_QUEUE } from './workflows/search-attributes.js';

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Creates a worker on an open Temporal connection with the given activity dependencies. */
export async function createKizunaWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowsPath,
    activities: createActivities(opts.deps),
  });
}

async function main() {
  const env = process.env;
  const store = await connectStore(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/kizuna');
  const email = createEmailSender({
    smtpUrl: env.SMTP_URL ?? 'smtp://127.0.0.1:1025',
    from: env.MAIL_FROM ?? 'Kizuna <no-reply@kizuna.local>',
  });
  const connection = await NativeConnection.connect({
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true } : {}),
  });
  const worker = await createKizunaWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    deps: { models: store.models, email },
  });
  console.log(`kizuna worker: polling task queue "${TASK_QUEUE}" on ${env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'}`);
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks are done.
  await worker.run();
  await connection.close();
  email.close();
  await store.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error('kizuna worker: failed to start:', err);
    process.exit(1);
  });
}
