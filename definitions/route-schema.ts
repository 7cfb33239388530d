/**
 * The language of friend-add routes (`definitions/routes/*.yaml`): one route per file, the door a
 * customer comes through (a flyer, a QR code in a store, a web banner) and what Kizuna does when they
 * arrive through it. The zod schema is the single source of truth: the loader validates with it and
 * the JSON Schema editors use is generated from it.
 */
import { z } from 'zod';
import { JOURNEY_ID } from './patterns.js';

/** A route id: lowercase letters, digits and -, as it appears in `/r/<routeId>` and QR codes. */
export const ROUTE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A tag or rich menu name: letters, digits, -, _ and . */
export const ROUTE_NAME_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const token = (what: string) => z.string().regex(ROUTE_NAME_TOKEN, `${what}: letters, digits, -, _ and . (at most 64)`);

/** What Kizuna does when a customer arrives through the route (after LINE Login). */
export const routeActionsSchema = z
  .strictObject({
    tags: z.array(token('a tag')).max(20).optional().describe('Tags added to the customer on arrival.'),
    journey: z
      .string()
      .regex(JOURNEY_ID, 'a journey id: lowercase letters, digits and -')
      .optional()
      .describe('A published journey the customer enters on arrival (with the `line.route.arrived` event).'),
    richmenu: token('a rich menu name')
      .optional()
      .describe('A rich menu (by its name in `definitions/richmenus/`) linked to the customer on arrival.'),
  })
  .describe('Actions run when a customer arrives through the route.');

/** One route file. */
export const routeSchema = z
  .strictObject({
    route: z
      .string()
      .regex(ROUTE_ID, 'a route id: lowercase letters, digits and - (at most 64)')
      .describe('The route id, used in `/r/<routeId>` links and QR codes, e.g. `spring-flyer-shibuya`.'),
    name: z.string().min(1).max(200).describe('A readable name shown in reports.'),
    store: token('a store label').optional().describe('The store the route belongs to (e.g. `shibuya`), for reports.'),
    channel: token('a channel label')
      .optional()
      .describe('Where the link or QR code is shown (e.g. `flyer`, `web`, `event`), for reports.'),
    actions: routeActionsSchema.optional(),
  })
  .describe('A LINE friend-add route: a link or QR code whose arrivals Kizuna attributes and acts on.');

/** A validated route definition. */
export type RouteDefinition = z.infer<typeof routeSchema>;

/** The JSON Schema of route files (`definitions/route.schema.json`). */
export function routeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(routeSchema, { target: 'draft-2020-12' });
}
