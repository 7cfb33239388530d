/**
 * The HTTP API as an express app, without `listen`: api/server.ts serves it, tests call it through
 * supertest with their own dependencies. One router per resource, each with its own body parser (the
 * LINE webhook reads the raw body), one JSON error middleware at the end.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pino, type Logger } from 'pino';
import type { CompileOptions } from '../definitions/compile.js';
import type { SecretKeyring } from '../channels/secret-keys.js';
import type { Models } from '../store/connection.js';
import { createAuth } from './http/auth.js';
import { customersRouter, type Eraser } from './customers/routes.js';
import { deliveriesEraser, journalEraser } from './customers/erasure.js';
import { timelineRouter } from './customers/timeline.js';
import { reportsRouter } from './reports/routes.js';
import { errorHandler, notFound } from './http/errors.js';
import { createEventPipeline, type EventPipeline } from './events/pipeline.js';
import { eventsRouter } from './events/routes.js';
import { healthRouter, type ReadinessCheck } from './http/health.js';
import { journeysRouter } from './journeys/routes.js';
import { lineWebhookRouter } from './line/webhook.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { openApiRouter } from './http/openapi.js';
import { methodGuard } from './http/methods.js';
import type { LineBudgetPort, LineProfilesPort, RuntimePort, SchedulesPort } from './ports.js';
import type { ProfileFieldTypes } from './customers/profile-input.js';
import { requestContext } from './http/request-context.js';
import { createEventRouter, type EventRouter } from './events/event-router.js';
import { trackSends } from './http/sends-metric.js';
import { createUnsubscribeRouter, type UnsubscribeDeps } from './unsubscribe/routes.js';
import { routesRouter, type LineLoginConfig, type RouteRichMenuPort } from './routes/index.js';
import { routeTouchesEraser } from './routes/erasure.js';
import { consoleRouter } from './console/index.js';
import { resolveConsoleOptions, type ConsoleOptions } from './console/deps.js';

export interface AppDeps {
  /** Dependencies `/readyz` checks, by name (e.g. `mongodb`, `temporal`). */
  readiness: Record<string, ReadinessCheck>;
  models: Models;
  runtime: RuntimePort;
  /** Segment journeys' schedules; absent = segment entry is not scheduled by this process. */
  schedules?: SchedulesPort | null;
  /** Declared profile fields (api/customers/profile-input.ts `loadProfileFieldTypes`). */
  profileFields: ProfileFieldTypes;
  /** The server's definitions: template catalog and profile fields for compiling published journeys. */
  compileOptions: CompileOptions;
  /** LINE channel secret for webhook signatures; absent = the webhook answers LINE_NOT_CONFIGURED. */
  lineChannelSecret?: string | null;
  /** LINE's profile endpoint: a follow stores the follower's display name; absent = names are not read. */
  lineProfiles?: LineProfilesPort | null;
  /** The LINE message budget (`GET /v1/reports/line-budget`); absent = no `line_budget` is set. */
  lineBudget?: LineBudgetPort | null;
  /** LINE webhook events further than this from now (by their `timestamp`) are skipped (ms); default 10 min. */
  lineMaxEventAgeMs?: number;
  /** Erasure steps besides profile and events; default: journal and delivery rows pseudonymised. */
  erasers?: Eraser[];
  /** Keys of the pseudonyms erasure writes (`KIZUNA_PSEUDONYM_SECRET`); absent = erasure answers 500. */
  pseudonymKeys?: SecretKeyring | null;
  logger?: Logger;
  metrics?: Metrics;
  clock?: () => number;
  /** API key lookups are reused this long (ms); default 5,000. */
  authCacheMs?: number;
  defaultRateLimitPerMinute?: number;
  /** Requests a minute without a valid API key, per client address (then 429, no store lookup); default 60. */
  failedAuthPerMinute?: number;
  /** A batch of events answers within this many ms; items not routed by then answer `pending`. @default 5000 */
  batchDeadlineMs?: number;
  /** Customers a batch routes at the same time. @default 16 */
  batchConcurrency?: number;
  /** How often the event router checks whether journeys changed (ms); default 1,000. */
  eventRouterRefreshMs?: number;
  /** How long `/metrics` reuses its read of the delivery ledger (ms); default 10,000. */
  sendsMetricMaxAgeMs?: number;
  /** Unsubscribe pages (`/u/:token`); absent when the process does not serve them. */
  unsubscribe?: UnsubscribeDeps;
  /** LINE Login for friend-add routes (`/r/:routeId`); absent = routes have no link. */
  lineLogin?: LineLoginConfig | null;
  /**
   * Links routes' rich menus per user (api/routes/richmenu-link.ts `createRouteRichMenus`); absent =
   * `richmenu` actions are recorded as `not-configured`, not carried out.
   */
  routeRichMenus?: RouteRichMenuPort | null;
  /** The marketer's console at `/console` (time zone, shop name, session length, cookie security). */
  console?: ConsoleOptions;
}

/** The app and the services behind it (the outbox loop is started by the server, driven by tests). */
export interface KizunaApi {
  app: Express;
  pipeline: EventPipeline;
  eventRouter: EventRouter;
  metrics: Metrics;
}

/** Builds the app and its services. */
export function createKizunaApi(deps: AppDeps): KizunaApi {
  const logger = deps.logger ?? pino({ level: 'silent' });
  const metrics = deps.metrics ?? createMetrics();
  trackSends(metrics.registry, deps.models, { maxAgeMs: deps.sendsMetricMaxAgeMs });
  const clock = deps.clock ?? Date.now;
  const auth = createAuth({
    models: deps.models,
    clock,
    cacheMs: deps.authCacheMs,
    defaultRateLimitPerMinute: deps.defaultRateLimitPerMinute,
    failedAuthPerMinute: deps.failedAuthPerMinute,
  });
  const eventRouter = createEventRouter({
    models: deps.models,
    runtime: deps.runtime,
    metrics,
    clock,
    refreshMs: deps.eventRouterRefreshMs,
  });
  const pipeline = createEventPipeline({
    models: deps.models,
    eventRouter,
    metrics,
    logger,
    clock,
    batchDeadlineMs: deps.batchDeadlineMs,
    batchConcurrency: deps.batchConcurrency,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestContext(logger));
  app.use(helmet());
  app.use(methodGuard());
  app.use(healthRouter(deps.readiness, logger));
  app.get('/metrics', (_req, res, next) => {
    metrics.registry
      .metrics()
      .then((text) => res.type(metrics.registry.contentType).send(text))
      .catch(next);
  });
  app.use(openApiRouter(deps.profileFields));
  if (deps.unsubscribe) app.use(createUnsubscribeRouter(deps.unsubscribe));
  app.use(
    lineWebhookRouter({
      models: deps.models,
      pipeline,
      secret: deps.lineChannelSecret ?? null,
      logger,
      clock,
      profiles: deps.lineProfiles ?? null,
      maxEventAgeMs: deps.lineMaxEventAgeMs,
    }),
  );
  app.use(eventsRouter({ models: deps.models, auth, pipeline, metrics, profileFields: deps.profileFields }));
  app.use(
    customersRouter({
      models: deps.models,
      auth,
      runtime: deps.runtime,
      profileFields: deps.profileFields,
      erasers: deps.erasers ?? [
        journalEraser(deps.models, deps.pseudonymKeys ?? null),
        deliveriesEraser(deps.models, deps.pseudonymKeys ?? null),
        routeTouchesEraser(deps.models, deps.pseudonymKeys ?? null),
      ],
      onErased: (customerId) => pipeline.forgetCustomer(customerId),
    }),
  );
  app.use(timelineRouter({ models: deps.models, auth }));
  app.use(reportsRouter({ models: deps.models, auth, clock, lineBudget: deps.lineBudget ?? null }));
  app.use(
    journeysRouter({
      models: deps.models,
      auth,
      runtime: deps.runtime,
      schedules: deps.schedules ?? null,
      eventRouter,
      compileOptions: deps.compileOptions,
      clock,
    }),
  );
  app.use(
    routesRouter({
      ...deps,
      auth,
      pipeline,
      logger,
      clock,
      lineLogin: deps.lineLogin ?? null,
      richMenus: deps.routeRichMenus ?? null,
      // A route names a menu as a journey step does: one of the server's definitions.
      ...(deps.compileOptions.richMenus ? { richMenuNames: [...deps.compileOptions.richMenus] } : {}),
    }),
  );
  app.use(
    consoleRouter({
      models: deps.models,
      runtime: deps.runtime,
      schedules: deps.schedules ?? null,
      eventRouter,
      logger,
      clock,
      ...resolveConsoleOptions(deps.console),
      routeOrigin: deps.lineLogin ? new URL(deps.lineLogin.callbackUrl).origin : null,
    }),
  );
  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, pipeline, eventRouter, metrics };
}

/** What a process serving only the health checks and the unsubscribe pages needs. */
export type PagesOnlyDeps = Pick<AppDeps, 'readiness' | 'unsubscribe' | 'logger'>;

/**
 * The express app alone (see {@link createKizunaApi}). Without `models` it serves only `/healthz`,
 * `/readyz` and the unsubscribe pages (a pages-only process, and tests of those pages).
 */
export function createApp(deps: AppDeps | PagesOnlyDeps): Express {
  if ('models' in deps) return createKizunaApi(deps).app;
  const logger = deps.logger ?? pino({ level: 'silent' });
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(logger));
  app.use(helmet());
  app.use(healthRouter(deps.readiness, logger));
  if (deps.unsubscribe) app.use(createUnsubscribeRouter(deps.unsubscribe));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
