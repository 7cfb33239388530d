/**
 * The baseline's worker process: the hand-written workflow (`baseline-workflow.ts`) with the same
 * activities, delivery layer and worker settings as `worker.ts` gives the journey workflow, on its own
 * task queue and database. Reads TEMPORAL_ADDRESS, MONGODB_URI (with the database) and SMTP_URL.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { createDelivery } from '../../channels/deliver.js';
import { createSmtpTransport } from '../../channels/email-transport.js';
import { connectStore } from '../../store/connection.js';
import { DEFAULT_CACHED_WORKFLOWS } from '../../worker.js';
import { BASELINE_TASK_QUEUE } from './journeys.js';

const env = process.env;
const store = await connectStore(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/kizuna-baseline', {
  postgresUrl: env.KIZUNA_POSTGRES_URL || undefined,
});
const delivery = createDelivery({
  models: store.models,
  email: createSmtpTransport({ url: env.SMTP_URL ?? 'smtp://127.0.0.1:1025' }),
  line: null,
  links: {
    publicBaseUrl: 'http://localhost:3000',
    unsubscribeSecret: 'local-unsubscribe-secret-of-at-least-32-bytes',
    mailto: 'unsubscribe@kizuna.local',
  },
  shopName: 'Kizuna Coffee',
  from: 'Kizuna <no-reply@kizuna.local>',
});
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: BASELINE_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
  activities: createActivities({ models: store.models, delivery }),
  // As createKizunaWorker sets them.
  maxCachedWorkflows: DEFAULT_CACHED_WORKFLOWS,
  maxConcurrentActivityTaskExecutions: 50,
  shutdownGraceTime: '30 seconds',
});
console.log(`baseline worker: polling task queue "${BASELINE_TASK_QUEUE}"`);
await worker.run();
await connection.close();
delivery.close();
await store.close();
