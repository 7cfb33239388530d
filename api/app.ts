/**
 * The HTTP API as an express app, without `listen`: api/server.ts serves it, tests call it through
 * supertest with their own dependencies.
 */
import express from 'express';
import { errorHandler, notFound } from './errors.js';
import { healthRouter, type ReadinessCheck } from './health.js';

export interface AppDeps {
  /** Dependencies `/readyz` checks, by name (e.g. `mongodb`, `temporal`). */
  readiness: Record<string, ReadinessCheck>;
}

export function createApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter(deps.readiness));
  app.use(express.json({ limit: '1mb' }));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
