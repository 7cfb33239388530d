/**
 * The routes' part of the OpenAPI document: their operations and the schemas of the route and of the
 * routes report, merged into api/http/openapi.ts.
 */
import { z } from 'zod';
import { routeSchema } from '../../definitions/route-schema.js';
import { ROUTE_ID } from '../../definitions/route-schema.js';
import type { Operation, Parameter } from '../http/openapi-operations.js';
import { arrivalFigureFields, reportPeriodFields } from '../http/report-schemas.js';
import { PERIOD_PARAMETERS } from '../reports/openapi.js';

/** A stored route as `GET /v1/routes/:id` answers it. */
export const routeView = z
  .object({
    routeId: z.string(),
    name: z.string(),
    store: z.string().optional(),
    channel: z.string().optional(),
    actions: z.object({
      tags: z.array(z.string()),
      journey: z.string().optional(),
      richmenu: z.string().optional(),
    }),
    origin: z.enum(['definitions', 'api']),
    contentHash: z.string(),
    createdAt: z.iso.datetime().optional(),
    updatedAt: z.iso.datetime().optional(),
    url: z.string().nullable().meta({ description: 'The public link `/r/<routeId>`; null without LINE Login.' }),
  })
  .meta({ id: 'Route' });

/** The body of `POST /v1/routes` as JSON (YAML text is accepted too). */
export const routeInput = routeSchema.meta({ id: 'RouteInput' });

/** `GET /v1/reports/routes`. */
export const routesReportSchema = z
  .object({
    ...reportPeriodFields(),
    routes: z.array(
      z
        .object({
          routeId: z.string(),
          name: z.string(),
          store: z.string().nullable(),
          channel: z.string().nullable(),
          ...arrivalFigureFields({
            visits: '`/r/<routeId>` opened in the period',
            denied: 'LINE Logins cancelled',
            logins: 'arrivals: LINE Logins completed',
          }),
        })
        .meta({ id: 'RouteReportRow' }),
    ),
  })
  .meta({ id: 'RoutesReport' });

/** `GET /v1/routes`. */
export const routeList = z.object({ routes: z.array(routeView) }).meta({ id: 'RouteList' });

/** `POST /v1/routes`: what happened, and the stored route. */
export const routePublished = z
  .object({ result: z.enum(['created', 'updated', 'unchanged']), route: routeView })
  .meta({ id: 'RoutePublished' });

/** Request schemas of the routes' operations, joining the document's components. */
export const ROUTE_INPUT_SCHEMAS = [routeInput];
/** Response schemas of the routes' operations. */
export const ROUTE_OUTPUT_SCHEMAS = [routeView, routeList, routePublished, routesReportSchema];

const routeId: Parameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The route id (lowercase letters, digits and -).',
  schema: { type: 'string', pattern: ROUTE_ID.source, maxLength: 64 },
};
/**
 * The routes' operations, in the shape of api/http/openapi-operations.ts. The browser's side (`/r/<id>`,
 * LINE Login's callback) answers redirects and pages, not JSON, and is described in docs/routes.md.
 */
export const ROUTE_OPERATIONS: Record<string, Record<string, Operation>> = {
  '/v1/routes': {
    post: {
      operationId: 'publishRoute',
      summary: 'Publish a friend-add route (YAML text, { source, file } as kizuna publish sends, or the route as JSON)',
      scope: 'journeys:publish',
      body: { schema: 'RouteInput', yaml: true },
      ok: { status: [201, 200], schema: 'RoutePublished', description: '201 created; 200 updated or unchanged.' },
      errors: { 422: ['INVALID_DEFINITION'] },
    },
    get: {
      operationId: 'listRoutes',
      summary: 'List the routes with their links',
      scope: 'journeys:read',
      ok: { status: [200], schema: 'RouteList', description: 'Every route.' },
      errors: {},
    },
  },
  '/v1/routes/{id}': {
    get: {
      operationId: 'getRoute',
      summary: 'Read a route with its link',
      scope: 'journeys:read',
      parameters: [routeId],
      ok: { status: [200], schema: 'Route', description: 'The route.' },
      errors: { 404: ['ROUTE_NOT_FOUND'] },
    },
  },
  '/v1/routes/{id}/qr.svg': {
    get: {
      operationId: 'getRouteQr',
      summary: "The QR code of the route's link, as SVG",
      scope: 'journeys:read',
      parameters: [routeId],
      ok: { status: [200], schema: 'Svg', mediaType: 'image/svg+xml', description: 'The QR code.' },
      errors: { 404: ['ROUTE_NOT_FOUND'], 503: ['LINE_NOT_CONFIGURED'] },
    },
  },
  '/v1/reports/routes': {
    get: {
      operationId: 'getRoutesReport',
      summary:
        'Per route: visits, logins, friends added, blocked since, customers, orders, revenue, conversions (?from&to&days)',
      scope: 'journeys:read',
      parameters: PERIOD_PARAMETERS,
      ok: { status: [200], schema: 'RoutesReport', description: 'The report.' },
      errors: { 400: ['VALIDATION_FAILED'] },
    },
  },
};
