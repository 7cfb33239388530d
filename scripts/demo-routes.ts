/**
 * The friend-add routes part of `npm start`'s demo: the example rich menus published to the LINE
 * stand-in, the example routes published through the API (their links printed), a LINE user arriving
 * through each route by the stand-in's LINE Login as a browser would, an order, and the stores report
 * read back, so the reports have live figures from the first start.
 */
import { join } from 'node:path';
import { routeFiles } from '../cli/publish-routes.js';
import type { StoresReport } from '../api/reports/stores.js';
import { readFileSync } from 'node:fs';
import { projectRoot } from './servers.js';

/** A call to the Kizuna API with the local key: the answer's body, or a thrown error naming the code. */
export type DemoCall = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;

/** The demo's LINE users, one per example route, and the store the shop knows each by (`homeStore`). */
const ARRIVALS: Array<{ routeId: string; userId: string; customerId: string; homeStore: string; order?: number }> = [
  {
    routeId: 'spring-flyer-shibuya',
    userId: 'U0000000000000000000000000000d001',
    customerId: 'demo-shibuya',
    homeStore: 'shibuya',
    order: 2400,
  },
  {
    routeId: 'register-pop-umeda',
    userId: 'U0000000000000000000000000000d002',
    customerId: 'demo-umeda',
    homeStore: 'umeda',
  },
  // Through the web banner (no store): the stores report counts her under her home store.
  {
    routeId: 'web-banner-top',
    userId: 'U0000000000000000000000000000d003',
    customerId: 'demo-web',
    homeStore: 'umeda',
  },
];

/** Publishes definitions/routes/ through the API (the journeys are published first); one line each, with the link. */
export async function publishDemoRoutes(call: DemoCall): Promise<string[]> {
  const lines: string[] = [];
  for (const path of routeFiles([join(projectRoot, 'definitions', 'routes')])) {
    const file = path.replace(`${projectRoot}/`, '');
    const { result, route } = await call<{ result: string; route: { routeId: string; url: string | null } }>(
      'POST',
      '/v1/routes',
      { source: readFileSync(path, 'utf8'), file },
    );
    lines.push(`route ${route.routeId} ${result}: ${route.url ?? '(no link: LINE Login is not configured)'}`);
  }
  return lines;
}

/**
 * One demo LINE user arrives through each example route (the link opened, LINE Login on the stand-in
 * with "add friend" ticked, the callback), the Shibuya one orders; resolves with the stores report's
 * lines for the last 30 days.
 */
export async function driveRouteDemo(call: DemoCall, apiUrl: string): Promise<string[]> {
  for (const a of ARRIVALS) {
    await call('PUT', `/v1/customers/${a.customerId}`, { lineUserId: a.userId, homeStore: a.homeStore });
    await arriveThroughRoute(apiUrl, a.routeId, a.userId);
    if (a.order) {
      const now = new Date().toISOString();
      await call('POST', '/v1/events', {
        type: 'order.completed',
        customerId: a.customerId,
        occurredAt: now,
        idempotencyKey: `demo-route-order-${a.customerId}-${now.slice(0, 10)}`,
        properties: { total: a.order, orderedAt: now, items: [{ sku: 'DRIP-SET', category: 'equipment' }] },
      });
    }
  }
  const report = await call<StoresReport>('GET', '/v1/reports/stores?days=30');
  return report.stores.map(
    (s) =>
      `  ${(s.store ?? '(none)').padEnd(8)} visits ${s.visits}, arrivals ${s.logins}, friends added ${s.friendsAdded}, ` +
      `customers ${s.customersLinked}, orders ${s.orders} (¥${s.revenue})`,
  );
}

/** The browser's part of a route: `/r/<routeId>`, the stand-in's consent form, the callback page. */
async function arriveThroughRoute(apiUrl: string, routeId: string, userId: string): Promise<void> {
  const visit = await fetch(`${apiUrl}/r/${routeId}`, { redirect: 'manual' });
  const authorize = new URL(visit.headers.get('location') ?? '');
  if (visit.status !== 302) throw new Error(`/r/${routeId} answered ${visit.status}`);
  const form = new URLSearchParams({
    ...Object.fromEntries(authorize.searchParams),
    user_id: userId,
    decision: 'allow',
    add_friend: 'true',
  });
  const consent = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || !callback) throw new Error(`LINE Login answered ${consent.status}`);
  const page = await fetch(callback, { redirect: 'manual' });
  if (page.status !== 200) throw new Error(`the LINE Login callback of ${routeId} answered ${page.status}`);
}
