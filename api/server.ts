/** The API's composition root: reads the environment, opens connections, listens. */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { unsubscribeSettingsFromEnv } from '../channels/delivery-config.js';
import { createLineBudget } from '../channels/line-budget.js';
import { createLineSender } from '../channels/line-sender.js';
import { loadCompileOptions } from '../definitions/catalog.js';
import { loadWorkspace } from '../definitions/workspace.js';
import { connectStore } from '../store/connection.js';
import { createKizunaApi } from './app.js';
import { createLineRichMenus } from '../channels/line-richmenus.js';
import { createLineProfiles } from './line/display-names.js';
import { createRouteRichMenus } from './routes/richmenu-link.js';
import { lineMaxEventAgeFromEnv } from './line/webhook.js';
import { createMetrics } from './http/metrics.js';
import { loadProfileFieldTypes } from './customers/profile-input.js';
import { pseudonymKeysFromEnv } from './customers/pseudonyms.js';
import { bindRuntime } from './temporal/runtime-binding.js';
import { listenOn, listenSettingsFromEnv } from './http/listen.js';
import { temporalConnectionOptions } from '../runtime/temporal-connection.js';
import { createSchedules } from './temporal/schedules.js';
import { consoleOptionsFromEnv } from './console/deps.js';

async function main() {
  const env = process.env;
  const listen = listenSettingsFromEnv(env);
  // Read before any connection opens, so a wrong certificate path stops the start at once.
  const temporalOptions = temporalConnectionOptions(env);
  const lineMaxEventAgeMs = lineMaxEventAgeFromEnv(env);
  const logger = pino({ level: env.LOG_LEVEL ?? 'info', base: { service: 'kizuna-api' } });
  const definitions = env.KIZUNA_DEFINITIONS_DIR ?? 'definitions';
  // The worker's LINE budget, for the report; a file typed wrong stops the start.
  const workspace = loadWorkspace(definitions);
  // The same secret and shop name as the worker's; production refuses to start without the secret.
  const unsubscribe = unsubscribeSettingsFromEnv(env);
  // Erasure rewrites ledger ids with an HMAC under this secret; refused at start when it is missing.
  const pseudonymKeys = pseudonymKeysFromEnv(env);
  const consoleOptions = consoleOptionsFromEnv(env);
  const store = await connectStore(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/kizuna', {
    postgresUrl: env.KIZUNA_POSTGRES_URL || undefined,
  });
  // The same settings as the worker's: address, API key or mTLS client certificates.
  const connection = await Connection.connect(temporalOptions);
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default' });
  const api = createKizunaApi({
    readiness: {
      mongodb: async () => {
        await store.connection.db?.admin().ping();
      },
      temporal: async () => {
        await connection.healthService.check({});
      },
    },
    models: store.models,
    runtime: bindRuntime(client, store.models),
    schedules: createSchedules({ client }),
    profileFields: loadProfileFieldTypes(join(definitions, 'profile-fields.yaml')),
    compileOptions: loadCompileOptions(definitions),
    lineChannelSecret: env.LINE_CHANNEL_SECRET ?? null,
    lineMaxEventAgeMs,
    lineBudget: workspace.lineBudget
      ? createLineBudget({
          models: store.models,
          policy: workspace.lineBudget,
          quota: lineQuotaReader(env),
        })
      : null,
    lineProfiles: env.LINE_CHANNEL_ACCESS_TOKEN
      ? createLineProfiles({
          channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
          ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
        })
      : null,
    // Routes' `richmenu` actions link per user on the channel token the worker's rich menu steps use.
    routeRichMenus: env.LINE_CHANNEL_ACCESS_TOKEN
      ? createRouteRichMenus(
          createLineRichMenus({
            channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
            ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
          }),
        )
      : null,
    lineLogin:
      env.LINE_LOGIN_CHANNEL_ID && env.LINE_LOGIN_CHANNEL_SECRET
        ? {
            channelId: env.LINE_LOGIN_CHANNEL_ID,
            channelSecret: env.LINE_LOGIN_CHANNEL_SECRET,
            // Browsers reach the callback where they reach the unsubscribe pages.
            callbackUrl: new URL(
              '/line/login/callback',
              env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${listen.port}`,
            ).toString(),
            // A state secret of its own can be rotated without touching the LINE channel.
            stateSecret: env.KIZUNA_ROUTE_STATE_SECRET ?? `state:${env.LINE_LOGIN_CHANNEL_SECRET}`,
            ...(env.LINE_LOGIN_AUTHORIZE_URL ? { authorizeUrl: env.LINE_LOGIN_AUTHORIZE_URL } : {}),
            ...(env.LINE_LOGIN_API_URL ? { apiUrl: env.LINE_LOGIN_API_URL } : {}),
            ...(env.LINE_CHAT_URL ? { chatUrl: env.LINE_CHAT_URL } : {}),
          }
        : null,
    logger,
    ...(env.KIZUNA_BATCH_DEADLINE_MS ? { batchDeadlineMs: Number(env.KIZUNA_BATCH_DEADLINE_MS) } : {}),
    metrics: createMetrics({ defaultMetrics: true }),
    pseudonymKeys,
    console: consoleOptions,
    unsubscribe: {
      models: store.models,
      ...unsubscribe,
      // The page stores the event itself (source `unsubscribe`); routing it ends journeys that exit on it.
      onUnsubscribed: (event) =>
        api.pipeline.routeStored('unsubscribe', `${event.customerId}:${event.eventId}`).then(() => undefined),
    },
  });
  api.pipeline.startOutbox();
  const server = await listenOn(api.app, listen, logger);
  const shutdown = () => {
    server.close(() => {
      void api.pipeline
        .stopOutbox()
        .then(() => Promise.all([connection.close(), store.close()]))
        .then(() => process.exit(0));
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** LINE's quota through the channel's token, when the API has one. */
function lineQuotaReader(env: NodeJS.ProcessEnv) {
  const token = env.LINE_CHANNEL_ACCESS_TOKEN;
  if (!token) return null;
  const sender = createLineSender({
    channelAccessToken: token,
    ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
  });
  return () => sender.quota();
}

main().catch((err: unknown) => {
  console.error('kizuna api: failed to start:', err);
  process.exit(1);
});
