/**
 * The routes' part of the OpenAPI document: their operations and the schemas of the route and of the
 * routes report, merged into api/http/openapi.ts.
 */
import { z } from 'zod';
import { routeSchema } from '../../definitions/route-schema.js';

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
    url: z.string().nullable().meta({ description: 'The public link `/r/<routeId>`; null without LINE Login.' }),
  })
  .meta({ id: 'Route' });

/** The body of `POST /v1/routes` as JSON (YAML text is accepted too). */
export const routeInput = routeSchema.meta({ id: 'RouteInput' });

const count = (description: string) => z.number().int().min(0).meta({ description });

/** `GET /v1/reports/routes`. */
export const routesReportSchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    days: z
      .number()
      .int()
      .meta({ description: 'Orders and conversions are counted within this many days of arriving.' }),
    routes: z.array(
      z
        .object({
          routeId: z.string(),
          name: z.string(),
          store: z.string().nullable(),
          channel: z.string().nullable(),
          visits: count('`/r/<routeId>` opened in the period'),
          denied: count('LINE Logins cancelled'),
          logins: count('arrivals: LINE Logins completed'),
          friendsAdded: count('arrivals that made the person a friend of the Official Account'),
          customersLinked: count('distinct customers who arrived'),
          newCustomers: count('arrivals that were the customer’s first route (acquisitionRoute)'),
          blockedSince: count('linked customers who block the account now'),
          orders: count('order.completed events of linked customers within `days` of arriving'),
          revenue: z.number().meta({ description: 'Sum of those orders’ `properties.total`' }),
          conversions: z
            .record(z.string(), z.number().int())
            .meta({ description: 'Linked customers who converted in each journey within `days`' }),
        })
        .meta({ id: 'RouteReportRow' }),
    ),
  })
  .meta({ id: 'RoutesReport' });

/** The zod schemas whose JSON Schemas join the document's components. */
export const ROUTE_SCHEMAS = [routeView, routeInput, routesReportSchema];

/** The routes' operations, in the shape of api/http/openapi.ts. */
export const ROUTE_OPERATIONS = {
  '/v1/routes': {
    post: {
      summary: 'Publish a friend-add route (YAML text, { source, file } as kizuna publish sends, or the route as JSON)',
      scope: 'journeys:publish',
      body: { schema: 'RouteInput' },
      ok: {
        status: 201,
        description: '{ result: created | updated | unchanged, route: Route } (200 when not created)',
      },
      errors: ['INVALID_DEFINITION'],
    },
    get: {
      summary: 'List the routes with their links',
      scope: 'journeys:read',
      ok: { status: 200, description: '{ routes: Route[] }' },
      errors: [],
    },
  },
  '/v1/routes/{id}': {
    get: {
      summary: 'Read a route with its link',
      scope: 'journeys:read',
      ok: { status: 200, schema: 'Route', description: 'the route' },
      errors: ['ROUTE_NOT_FOUND'],
    },
  },
  '/v1/routes/{id}/qr.svg': {
    get: {
      summary: "The QR code of the route's link, as SVG",
      scope: 'journeys:read',
      ok: { status: 200, description: 'image/svg+xml' },
      errors: ['ROUTE_NOT_FOUND', 'LINE_NOT_CONFIGURED'],
    },
  },
  '/v1/reports/routes': {
    get: {
      summary:
        'Per route: visits, logins, friends added, blocked since, customers, orders, revenue, conversions (?from&to&days)',
      scope: 'journeys:read',
      ok: { status: 200, schema: 'RoutesReport', description: 'the report' },
      errors: ['VALIDATION_FAILED'],
    },
  },
  '/r/{routeId}': {
    get: {
      summary: 'A route link: records the visit and redirects (302) to LINE Login',
      ok: { status: 302, description: 'to LINE Login (an HTML page 404 for an unknown route)' },
      errors: [],
    },
  },
  '/line/login/callback': {
    get: {
      summary: "LINE Login's callback: links the arrival and shows a thank-you page (or a page saying what failed)",
      ok: { status: 200, description: 'text/html' },
      errors: [],
    },
  },
} as const;
