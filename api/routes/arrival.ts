/**
 * What happens when a person arrives through a route (LINE Login completed): the route is linked to
 * the customer carrying the LINE user id (or `line:<userId>`, as the webhook names a new follower),
 * the first touch becomes `acquisitionRoute`, every touch is recorded, the event
 * `line.route.arrived { routeId, friendshipStatusChanged, friend }` is stored and routed (journeys
 * can enter on it), and the route's actions run: tags, a journey to enter, a rich menu to link.
 */
import type { Logger } from 'pino';
import type { Models } from '../../store/connection.js';
import { ensureCustomers, findCustomerIdByLineUser, upsertProfile } from '../../store/customers.js';
import { insertRouteTouch, setAcquisitionRoute, type StoredRoute } from '../../store/routes.js';
import type { EventPipeline } from '../events/pipeline.js';
import type { CustomerEvent, RuntimePort } from '../ports.js';

/** The event stored for each arrival. */
export const ROUTE_ARRIVED = 'line.route.arrived';

/**
 * Links a rich menu to a LINE user; the rich menu code provides it. Absent, a route's `richmenu`
 * action is validated and recorded as `not-configured`, not carried out.
 */
export interface RouteRichMenuPort {
  link(input: { customerId: string; lineUserId: string; richMenu: string }): Promise<void>;
}

export interface ArrivalDeps {
  models: Models;
  pipeline: EventPipeline;
  runtime: RuntimePort;
  richMenus: RouteRichMenuPort | null;
  logger: Logger;
  clock: () => number;
}

/** How each action went. */
export type ActionOutcome = 'done' | 'failed' | 'not-configured' | 'inactive';

export interface Arrival {
  customerId: string;
  firstTouch: boolean;
  eventId: string;
  actions: { journey?: ActionOutcome; richmenu?: ActionOutcome };
}

/** Records an arrival and runs the route's actions; `loginId` makes it idempotent per visit. */
export async function recordArrival(
  deps: ArrivalDeps,
  input: { route: StoredRoute; loginId: string; lineUserId: string; friend: boolean; friendshipStatusChanged: boolean },
): Promise<Arrival> {
  const { models, clock } = deps;
  const { route, lineUserId } = input;
  const customerId = (await findCustomerIdByLineUser(models, lineUserId)) ?? `line:${lineUserId}`;
  await ensureCustomers(models, [{ customerId, acquisitionSource: 'line' }]);
  await upsertProfile(models, customerId, { set: { lineUserId }, addTags: route.actions.tags ?? [] });
  const firstTouch = await setAcquisitionRoute(models, customerId, route.routeId);
  const at = new Date(clock());
  await insertRouteTouch(models, {
    touchId: input.loginId,
    routeId: route.routeId,
    customerId,
    lineUserId,
    friend: input.friend,
    friendshipStatusChanged: input.friendshipStatusChanged,
    firstTouch,
    at,
  });
  const properties = {
    routeId: route.routeId,
    friendshipStatusChanged: input.friendshipStatusChanged,
    friend: input.friend,
    ...(route.store ? { store: route.store } : {}),
    ...(route.channel ? { channel: route.channel } : {}),
  };
  const stored = await deps.pipeline.acceptOne({
    source: 'line',
    idempotencyKey: `route-arrival:${input.loginId}`,
    type: ROUTE_ARRIVED,
    customerId,
    occurredAt: at,
    properties,
    profile: [{ path: 'lineUserId', value: lineUserId }],
  });
  const event: CustomerEvent = { id: stored.eventId, type: ROUTE_ARRIVED, timeMs: at.getTime(), properties };
  const actions = await runActions(deps, route, { customerId, lineUserId, event });
  return { customerId, firstTouch, eventId: stored.eventId, actions };
}

/** The journey and rich menu actions; a failing action is logged and reported, never thrown. */
async function runActions(
  deps: ArrivalDeps,
  route: StoredRoute,
  who: { customerId: string; lineUserId: string; event: CustomerEvent },
): Promise<Arrival['actions']> {
  const out: Arrival['actions'] = {};
  const { journey, richmenu } = route.actions;
  if (journey) {
    try {
      const entered = await deps.runtime.enterJourney({
        journeyId: journey,
        customerId: who.customerId,
        event: who.event,
      });
      out.journey = entered.status === 'inactive' ? 'inactive' : 'done';
    } catch (err) {
      deps.logger.warn({ err, routeId: route.routeId, journey }, 'route action: journey entry failed');
      out.journey = 'failed';
    }
  }
  if (richmenu) {
    if (!deps.richMenus) {
      out.richmenu = 'not-configured';
    } else {
      try {
        await deps.richMenus.link({ customerId: who.customerId, lineUserId: who.lineUserId, richMenu: richmenu });
        out.richmenu = 'done';
      } catch (err) {
        deps.logger.warn({ err, routeId: route.routeId, richmenu }, 'route action: rich menu link failed');
        out.richmenu = 'failed';
      }
    }
  }
  return out;
}
