/**
 * What `npm start` does once the stack is up: publish the example journeys and start a demo run, so
 * the Temporal Web UI lists a workflow and the MailDev inbox receives its email. The launcher
 * (scripts/start.ts) only calls {@link runDemo}; what the demo shows can change here on its own.
 */
import { Client, Connection } from '@temporalio/client';
import { enterJourney } from '../runtime/enter-journey.js';
import { connectStore, type Store } from '../store/connection.js';
import { upsertProfile } from '../store/customers.js';
import { DEMO_JOURNEY_ID, publishDemoJourney } from './demo-journey.js';
import { publishExamples } from './publish-examples.js';

const DEMO_CUSTOMER = 'demo-customer';

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
    await startJourneyDemo(store, target.temporalAddress, target.log);
  } finally {
    await store.close();
  }
  return [
    `The demo run kizuna/${DEMO_JOURNEY_ID}/${DEMO_CUSTOMER} emails demo@kizuna.local now, again after 15 s,`,
    `and a last time after 45 s more; find it in the Temporal UI with KizunaJourney = '${DEMO_JOURNEY_ID}'.`,
  ];
}

/** Publishes the example journeys (unchanged ones keep their version) and prints one line each. */
async function publishAll(store: Store, log: (message: string) => void) {
  for (const outcome of await publishExamples(store.models)) {
    if (outcome.ok)
      log(`journey ${outcome.journeyId} v${outcome.version} ${outcome.created ? 'published' : 'unchanged'}`);
    else console.error(`kizuna: ${outcome.file} does not compile; not published:\n${outcome.errors.join('\n')}`);
  }
}

/**
 * Enters the demo customer into the demo journey (a running demo run is left alone): the Temporal UI
 * lists it under KizunaJourney = winback-90d-demo with its summary, details and timers, and MailDev
 * receives the winback emails within a minute.
 */
async function startJourneyDemo(store: Store, temporalAddress: string, log: (message: string) => void) {
  const demo = await publishDemoJourney(store.models);
  await upsertProfile(store.models, DEMO_CUSTOMER, {
    set: {
      email: 'demo@kizuna.local',
      'consent.email': 'subscribed',
      'consent.line': 'unknown',
      lineFollowing: false,
      timezone: 'Asia/Tokyo',
      totalSpent: 42_000,
      lastOrderAt: new Date(Date.now() - 120 * 86_400_000),
    },
  });
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection });
    const entered = await enterJourney(
      { client, models: store.models },
      { journeyId: DEMO_JOURNEY_ID, customerId: DEMO_CUSTOMER, event: null },
    );
    log(`demo: ${DEMO_CUSTOMER} ${entered.status} ${DEMO_JOURNEY_ID} v${demo.version} (${entered.workflowId})`);
  } finally {
    await connection.close();
  }
}
