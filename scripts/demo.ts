/**
 * What `npm start` does once the stack is up: publish the example journeys and start a demo run, so
 * the Temporal Web UI lists a workflow and the MailDev inbox receives its email. The launcher
 * (scripts/start.ts) only calls {@link runDemo}; what the demo shows can change here on its own.
 */
import { Client, Connection } from '@temporalio/client';
import { connectStore, type Store } from '../store/connection.js';
import { TASK_QUEUE } from '../workflows/search-attributes.js';
import { describePublish, publishExamples } from './publish-examples.js';

/** Where the demo finds the local stack. */
export interface DemoTarget {
  mongoUri: string;
  temporalAddress: string;
  /** Prints one progress line (the launcher prefixes it). */
  log: (message: string) => void;
}

/**
 * Publishes the examples and starts the demo run. Resolves with the lines the launcher prints under
 * the URLs, telling the user what to look at.
 */
export async function runDemo(target: DemoTarget): Promise<string[]> {
  const store = await connectStore(target.mongoUri);
  try {
    await publishAll(store, target.log);
    await startSkeletonDemo(store, target.temporalAddress);
  } finally {
    await store.close();
  }
  return ['The demo workflow kizuna/skeleton/demo-customer emails demo@kizuna.local in ~10 s.'];
}

/** Publishes the example journeys (unchanged ones keep their version) and prints one line each. */
async function publishAll(store: Store, log: (message: string) => void) {
  for (const outcome of await publishExamples(store.models)) {
    if (outcome.ok) log(describePublish(outcome));
    else console.error(`kizuna: ${outcome.file} does not compile; not published:\n${outcome.errors.join('\n')}`);
  }
}

/** Starts the skeleton workflow for a demo customer; starting it again reuses the running one. */
async function startSkeletonDemo(store: Store, temporalAddress: string) {
  await store.models.Customer.updateOne(
    { customerId: 'demo-customer' },
    { $set: { email: 'demo@kizuna.local', consent: { email: 'subscribed', line: 'unknown' } } },
    { upsert: true },
  );
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection });
    await client.workflow.start('skeletonWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: 'kizuna/skeleton/demo-customer',
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: 'Skeleton demo: waits 10 seconds, then emails demo-customer',
      args: [
        {
          journeyId: 'skeleton',
          customerId: 'demo-customer',
          waitMs: 10_000,
          subject: 'Kizuna へようこそ',
          text: 'ローカル環境が動いています。',
        },
      ],
    });
  } finally {
    await connection.close();
  }
}
