/**
 * `/v1/routes`: publish a route (the YAML of `definitions/routes/`, or a route made on the fly as
 * JSON), list them, read one with its link, and draw its QR code (`/v1/routes/:id/qr.svg`).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { ProblemSink, formatDefinitionError } from '../../definitions/errors.js';
import { checkRouteValue, loadRouteDefinition, type LoadRouteResult } from '../../definitions/route-definition.js';
import type { Models } from '../../store/connection.js';
import { findRoute, listRoutes, saveRoute, type StoredRoute } from '../../store/routes.js';
import type { Auth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { jsonBody, textBody, YAML_TYPES } from '../http/body.js';
import { listHeads } from '../journeys/catalog.js';

export interface RouteDefinitionDeps {
  models: Models;
  auth: Auth;
  /** Where `/r/<routeId>` is served publicly (the LINE Login callback's origin); null = links unknown. */
  publicOrigin: string | null;
  /** Rich menu names a route may link; absent = names are not checked here. */
  richMenuNames?: () => Promise<string[]>;
}

type Handler = (req: Request) => Promise<[number, unknown]>;
const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  fn(req)
    .then(([status, body]) => res.status(status).json(body))
    .catch(next);
};

/** The public link of a route, or null when the server does not know its public address. */
export function routeLink(publicOrigin: string | null, routeId: string): string | null {
  return publicOrigin === null ? null : new URL(`/r/${encodeURIComponent(routeId)}`, publicOrigin).toString();
}

export function routeDefinitionsRouter(deps: RouteDefinitionDeps): Router {
  const router = Router();
  const read = deps.auth.require('journeys:read');
  const publish = deps.auth.require('journeys:publish');
  const view = (route: StoredRoute) => ({ ...route, url: routeLink(deps.publicOrigin, route.routeId) });

  router.post(
    '/v1/routes',
    publish,
    textBody(YAML_TYPES, '256kb'),
    jsonBody('256kb', YAML_TYPES),
    wrap(async (req) => {
      const loaded = await checkRoute(deps, req.body as unknown);
      const { route, contentHash } = loaded;
      const origin = typeof req.body === 'string' || asYaml(req.body) !== null ? 'definitions' : 'api';
      const result = await saveRoute(deps.models, {
        routeId: route.route,
        name: route.name,
        ...(route.store ? { store: route.store } : {}),
        ...(route.channel ? { channel: route.channel } : {}),
        actions: { tags: route.actions?.tags ?? [], ...withoutUndefined(route.actions) },
        origin,
        contentHash,
      });
      const stored = (await findRoute(deps.models, route.route))!;
      return [result === 'created' ? 201 : 200, { result, route: view(stored) }];
    }),
  );
  router.get(
    '/v1/routes',
    read,
    wrap(async () => [200, { routes: (await listRoutes(deps.models)).map(view) }]),
  );
  router.get(
    '/v1/routes/:id',
    read,
    wrap(async (req) => [200, view(await routeOr404(deps.models, String(req.params['id'])))]),
  );
  router.get('/v1/routes/:id/qr.svg', read, (req, res, next) => {
    routeOr404(deps.models, String(req.params['id']))
      .then((route) => QRCode.toString(linkOr409(deps, route.routeId), { type: 'svg', margin: 2 }))
      .then((svg) => res.type('image/svg+xml').send(svg))
      .catch(next);
  });
  return router;
}

/**
 * Validates a request body: YAML text, `{ source, file }` (what `kizuna publish` sends) or the route
 * as JSON. Throws 422 INVALID_DEFINITION with every positioned problem.
 */
async function checkRoute(deps: RouteDefinitionDeps, body: unknown): Promise<Extract<LoadRouteResult, { ok: true }>> {
  const journeys = new Set((await listHeads(deps.models)).map((h) => h.journeyId));
  const richMenus = deps.richMenuNames ? new Set(await deps.richMenuNames()) : undefined;
  const options = { journeys, ...(richMenus ? { richMenus } : {}) };
  const yaml = typeof body === 'string' ? { source: body, file: 'route.yaml' } : asYaml(body);
  const result = yaml
    ? loadRouteDefinition(yaml.source, yaml.file, options)
    : checkRouteValue(body, new ProblemSink('route.json'), options);
  if (result.ok) return result;
  const file = yaml?.file ?? 'route.json';
  throw new ApiError(422, 'INVALID_DEFINITION', `${file} is not a valid route: ${result.errors.length} error(s).`, {
    errors: result.errors.map((e) => ({ ...e, formatted: formatDefinitionError(e, yaml?.source) })),
  });
}

function asYaml(body: unknown): { source: string; file: string } | null {
  const b = body as { source?: unknown; file?: unknown } | null;
  if (typeof b?.source !== 'string') return null;
  return { source: b.source, file: typeof b.file === 'string' ? b.file : 'route.yaml' };
}

async function routeOr404(models: Models, routeId: string): Promise<StoredRoute> {
  const route = await findRoute(models, routeId);
  if (!route) throw new ApiError(404, 'ROUTE_NOT_FOUND', `No route "${routeId}".`);
  return route;
}

function linkOr409(deps: RouteDefinitionDeps, routeId: string): string {
  const link = routeLink(deps.publicOrigin, routeId);
  if (link === null)
    throw new ApiError(503, 'LINE_NOT_CONFIGURED', 'LINE Login is not configured: routes have no link.');
  return link;
}

function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
