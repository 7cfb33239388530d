/**
 * A route's `richmenu` action over real HTTP: the menu published at the LINE stand-in (`kizuna
 * publish`'s client), the route's arrival through LINE Login, and the stand-in reporting the menu
 * linked to that user, on its API and on its page. A menu that is not published links nothing and the
 * arrival still ends on the thank-you page.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineRichMenus } from '../../channels/line-richmenus.js';
import { loadRichMenu } from '../../definitions/richmenus.js';
import { unique } from './api/harness.js';
import { arrive, lineUser, ROUTE_TOKEN, startRouteWorld, type RouteWorld } from './routes-world.js';

let w: RouteWorld;
let newcomersId: string;
const withMenu = unique('flyer-menu');
const unpublished = unique('flyer-nomenu');

const userMenu = (userId: string) =>
  fetch(`${w.standinUrl}/v2/bot/user/${userId}/richmenu`, { headers: { authorization: `Bearer ${ROUTE_TOKEN}` } });

beforeAll(async () => {
  w = await startRouteWorld(import.meta.filename);
  const loaded = loadRichMenu('definitions/richmenus/newcomers.yaml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const line = createLineRichMenus({ channelAccessToken: ROUTE_TOKEN, baseURL: w.standinUrl });
  newcomersId = (await line.publish(loaded.menu)).richMenuId;
  for (const [route, richmenu] of [
    [withMenu, 'newcomers'],
    [unpublished, 'members'],
  ] as const) {
    const res = await request(w.h.app)
      .post('/v1/routes')
      .set('authorization', `Bearer ${w.h.token}`)
      .send({ route, name: `route ${route}`, actions: { tags: ['menu-route'], richmenu } });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await w?.close();
});

describe('a route with a rich menu', () => {
  it('links the menu to the arriving LINE user, as the stand-in reports', async () => {
    const user = lineUser();
    expect((await userMenu(user)).status).toBe(404);
    const page = await arrive(w, withMenu, user);
    expect(page).toMatchObject({ status: 200, kind: 'thanks' });
    const linked = await userMenu(user);
    expect(linked.status).toBe(200);
    expect(await linked.json()).toEqual({ richMenuId: newcomersId });
    const standinPage = await (await fetch(`${w.standinUrl}/`)).text();
    expect(standinPage).toContain(
      `<tr><td>${user}</td><td>newcomers</td><td>newcomers</td><td>${newcomersId}</td></tr>`,
    );
  });

  it('arriving again keeps the one link', async () => {
    const user = lineUser();
    await arrive(w, withMenu, user);
    await arrive(w, withMenu, user, false);
    expect(await (await userMenu(user)).json()).toEqual({ richMenuId: newcomersId });
    expect([...w.standin.richMenus.links.keys()].filter((u) => u === user)).toHaveLength(1);
  });

  it('a menu not published at LINE links nothing, and the arrival is still thanked and recorded', async () => {
    const user = lineUser();
    const page = await arrive(w, unpublished, user);
    expect(page).toMatchObject({ status: 200, kind: 'thanks' });
    expect((await userMenu(user)).status).toBe(404);
    const customer = await w.h.store.models.Customer.findOne({ customerId: `line:${user}` }).lean();
    expect(customer).toMatchObject({ lineUserId: user, acquisitionRoute: unpublished });
    expect(customer?.tags).toContain('menu-route');
  });

  it('refuses a route naming a rich menu the definitions do not hold, at its line, and stores nothing', async () => {
    const route = unique('flyer-typo');
    const res = await request(w.h.app)
      .post('/v1/routes')
      .set('authorization', `Bearer ${w.h.token}`)
      .type('text/yaml')
      .send(`route: ${route}\nname: typo\nactions:\n  richmenu: memebrs\n`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_DEFINITION');
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_RICH_MENU', line: 4, col: 13, suggestion: 'members' }),
    ]);
    expect(await w.h.store.models.Route.countDocuments({ routeId: route })).toBe(0);
  });
});
