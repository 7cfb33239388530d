/**
 * Friend-add routes: their definitions (`/v1/routes`), the visit and LINE Login (`/r/:routeId`,
 * `/line/login/callback`) and their report (`/v1/reports/routes`), mounted by the app as one router.
 */
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Models } from '../../store/connection.js';
import type { EventPipeline } from '../events/pipeline.js';
import type { Auth } from '../http/auth.js';
import type { RuntimePort } from '../ports.js';
import type { RouteRichMenuPort } from './arrival.js';
import { routeDefinitionsRouter } from './definitions.js';
import { resolveLoginConfig, type LineLoginConfig } from './login-config.js';
import { routeLoginRouter } from './login.js';
import { routesReportRouter } from './report.js';

export type { LineLoginConfig } from './login-config.js';
export type { RouteRichMenuPort } from './arrival.js';

export interface RoutesDeps {
  models: Models;
  auth: Auth;
  pipeline: EventPipeline;
  runtime: RuntimePort;
  logger: Logger;
  clock: () => number;
  /** LINE Login of the routes; absent = `/r/` and the callback answer "not configured". */
  lineLogin: LineLoginConfig | null;
  /** Carries out routes' `richmenu` actions; absent = they are recorded as `not-configured`. */
  richMenus: RouteRichMenuPort | null;
  /** The rich menus of the server's definitions (`richmenus/`); absent = a route's menu is checked for form only. */
  richMenuNames?: readonly string[];
}

/** The routes' router. */
export function routesRouter(deps: RoutesDeps): Router {
  const login = deps.lineLogin ? resolveLoginConfig(deps.lineLogin) : null;
  const router = Router();
  const menus = deps.richMenuNames;
  router.use(
    routeDefinitionsRouter({
      models: deps.models,
      auth: deps.auth,
      publicOrigin: login ? new URL(login.callbackUrl).origin : null,
      ...(menus ? { richMenuNames: () => Promise.resolve([...menus]) } : {}),
    }),
  );
  router.use(routeLoginRouter({ ...deps, login }));
  router.use(routesReportRouter(deps));
  return router;
}
