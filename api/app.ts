/**
 * The HTTP API as an express app, without `listen`: api/server.ts serves it, tests call it through
 * supertest with their own dependencies.
 */
import express from 'express';
import { errorHandler, notFound } from './errors.js';
import { healthRouter, type ReadinessCheck } from './health.js';
import { createUnsubscribeRouter, type UnsubscribeDeps } from './unsubscribe.js';

export interface AppDeps {
  /** Dependencies `/readyz` checks, by name (e.g. `mongodb`, `temporal`). */
  readiness: Record<string, ReadinessCheck>;
  /** Unsubscribe pages (`/u/:token`); absent when the process does not serve them. */
  unsubscribe?: UnsubscribeDeps;
}

export function createApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps.readiness));
  if (deps.unsubscribe) app.use(createUnsubscribeRouter(deps.unsubscribe));
  app.use(express.json({ limit: '1mb' }));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
