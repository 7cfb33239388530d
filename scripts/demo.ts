/**
 * What `npm start` does once the stack is up: publish the example journeys, rich menus and friend-add
 * routes, create a local API key and drive a demo through the API, so the Temporal Web UI lists runs,
 * MailDev receives an email, the LINE stand-in a push and the reports live figures. The launcher
 * (scripts/start.ts) only calls {@link runDemo}; what the demo shows can change here on its own.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { enterJourney } from '../runtime/enter-journey.js';
import { connectStore, type Store } from '../store/connection.js';
import { upsertProfile } from '../store/customers.js';
import { DEMO_JOURNEY_ID, publishDemoJourney } from './demo-journey.js';
import { driveRouteDemo, publishDemoRoutes, type DemoCall } from './demo-routes.js';
import { replaceLocalApiKey } from './local-key.js';
import { describePublish, publishExamples } from './publish-examples.js';
import { createLineRichMenus } from '../channels/line-richmenus.js';
import { publishRichMenus, richMenuFiles } from '../cli/publish-richmenus.js';
import { projectRoot } from './servers.js';

const DEMO_CUSTOMER = 'demo-customer';

/** Where the demo finds the local stack. */
export interface DemoTarget {
  mongoUri: string;
  temporalAddress: string;
  /** The API's base URL; default http://127.0.0.1:$KIZUNA_PORT_API (3000). */
  apiUrl?: string;
  /** Prints one progress line (the launcher prefixes it). */
  log: (message: string) => void;
  /** The LINE API (the stand-in) the example rich menus are published to; absent = none are. */
  line?: { baseURL: string; channelAccessToken: string };
}

/**
 * Publishes the examples, replaces the local API key (printed: only its hash is stored; the previous
 * start's key is revoked) and drives real journeys through the API: two customers are created, an
 * order enters the upsell journey, and a tasting-event registration sends its confirmation at once —
 * by LINE to the customer who follows the account (the stand-in's page), by email to the other
 * (MailDev). Resolves with the lines the launcher prints under the URLs.
 */
export async function runDemo(target: DemoTarget): Promise<string[]> {
  const store = await connectStore(target.mongoUri);
  let token: string;
  try {
    await publishAll(store, target.log);
    if (target.line) await publishMenus(target.line, target.log);
    const key = await replaceLocalApiKey(store.models);
    token = key.token;
    if (key.revoked > 0) target.log(`revoked the previous local API key; the new one is ${key.keyId}`);
    await startJourneyDemo(store, target.temporalAddress, target.log);
  } finally {
    await store.close();
  }
  const apiUrl = target.apiUrl ?? `http://127.0.0.1:${process.env.KIZUNA_PORT_API ?? 3000}`;
  const call = demoCall(apiUrl, token);
  await driveDemo(call, target.log);
  const stores = await showRoutes(call, apiUrl, target.log);
  return [
    ...stores,
    `Local API key (all scopes; shown once, revoked at the next start): ${token}`,
    `  e.g. KIZUNA_API_URL=${apiUrl} KIZUNA_API_KEY=${token} npx kizuna journeys`,
    'Demo: demo-line got the tasting-event confirmation on LINE (stand-in page), demo-mail by email (MailDev);',
    '      demo-mail also entered upsell-grinder (Temporal UI), whose offer waits for the weekend after next.',
    `The demo run kizuna/${DEMO_JOURNEY_ID}/${DEMO_CUSTOMER} emails demo@kizuna.local now, again after 15 s,`,
    `and a last time after 45 s more; find it in the Temporal UI with KizunaJourney = '${DEMO_JOURNEY_ID}'.`,
  ];
}

/** Calls to the API with the local key; a refusal throws, naming its code. */
function demoCall(apiUrl: string, token: string): DemoCall {
  return async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json()) as T & { error?: { code: string; message: string } };
    if (!res.ok)
      throw new Error(`${method} ${path}: ${answer.error?.code ?? res.status} ${answer.error?.message ?? ''}`);
    return answer;
  };
}

/**
 * Publishes the routes (printing each route's link), sends a demo LINE user through
 * each route and resolves with the stores report's lines.
 */
async function showRoutes(call: DemoCall, apiUrl: string, log: (message: string) => void): Promise<string[]> {
  for (const line of await publishDemoRoutes(call)) log(line);
  const stores = await driveRouteDemo(call, apiUrl);
  return [
    'Stores, last 30 days (a demo LINE user arrived through each route; `npx kizuna report stores|routes`):',
    ...stores,
  ];
}

/** The demo's requests, as the shop's systems would send them. */
async function driveDemo(call: DemoCall, log: (message: string) => void): Promise<void> {
  const now = new Date();
  // The tasting starts two weeks from today at 14:00 in Tokyo (a time a shop would pick).
  const day = new Date(now.getTime() + 9 * 3_600_000 + 14 * 86_400_000).toISOString().slice(0, 10);
  const startsAt = `${day}T14:00:00+09:00`;
  await call('PUT', '/v1/customers/demo-mail', {
    email: 'demo@kizuna.local',
    lastName: '山田',
    firstName: '花子',
    consent: { email: 'subscribed' },
  });
  await call('PUT', '/v1/customers/demo-line', {
    lineUserId: 'U0123456789abcdef0123456789abcdef',
    displayName: 'きずな太郎',
    consent: { line: 'following', email: 'unknown' },
  });
  const order = await call<{ status?: string }>('POST', '/v1/events', {
    type: 'order.completed',
    customerId: 'demo-mail',
    occurredAt: now.toISOString(),
    idempotencyKey: `demo-order-${now.toISOString().slice(0, 10)}`,
    properties: { total: 3200, orderedAt: now.toISOString(), items: [{ sku: 'BEANS-ETH', category: 'coffee-beans' }] },
  });
  log(`demo: order.completed for demo-mail → ${order.status ?? '?'}`);
  for (const customerId of ['demo-mail', 'demo-line']) {
    const registered = await call<{ status?: string }>('POST', '/v1/events', {
      type: 'seminar.registered',
      customerId,
      occurredAt: now.toISOString(),
      idempotencyKey: `demo-seminar-${customerId}-${now.toISOString().slice(0, 10)}`,
      properties: { startsAt, title: '冬のブレンド試飲会' },
    });
    log(`demo: seminar.registered for ${customerId} → ${registered.status ?? '?'}`);
  }
}

/** Publishes the example journeys (unchanged ones keep their version) and prints one line each. */
async function publishAll(store: Store, log: (message: string) => void) {
  for (const outcome of await publishExamples(store.models)) {
    if (outcome.ok) log(describePublish(outcome));
    else console.error(`kizuna: ${outcome.file} does not compile; not published:\n${outcome.errors.join('\n')}`);
  }
}

/**
 * Publishes the example rich menus at LINE (the stand-in forgets them when it stops), so the survey
 * journey's `line_richmenu` steps and the routes' `richmenu` actions find them by name.
 */
async function publishMenus(line: NonNullable<DemoTarget['line']>, log: (message: string) => void) {
  const files = richMenuFiles([join(projectRoot, 'definitions', 'richmenus')]);
  const { lines, failed } = await publishRichMenus(files, () => Promise.resolve(createLineRichMenus(line)));
  for (const text of lines) (failed > 0 ? console.error : log)(text);
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
