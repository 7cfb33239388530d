/**
 * A world for the friend-add route tests over real HTTP: the API listening on a port (FerretDB and
 * Temporal through the harness), the LINE stand-in with LINE Login listening on another, its webhooks
 * signed and posted to the API, and a browser-like client that follows the route through LINE Login.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createRouteRichMenus } from '../../api/routes/richmenu-link.js';
import { createLineRichMenus } from '../../channels/line-richmenus.js';
import { createLineStandin } from '../../line-standin/app.js';
import { freePort } from '../../scripts/servers.js';
import type { Store } from '../../store/connection.js';
import type { Client } from '@temporalio/client';
import { inject } from 'vitest';
import type { AppDeps } from '../../api/app.js';
import { LINE_SECRET, startApiHarness, unique, type ApiHarness } from './api/harness.js';

/** The Messaging API channel token the stand-in accepts. */
export const ROUTE_TOKEN = 'route-token';

export const LOGIN = { channelId: '1650000042', channelSecret: 'route-login-secret' };

/** A fresh LINE user id. */
export const lineUser = () =>
  `U${unique('')
    .replace(/[^0-9a-z]/g, '')
    .replace(/[g-z]/g, 'a')
    .padEnd(32, '0')
    .slice(0, 32)}`;

export interface RouteWorld {
  h: ApiHarness;
  api: string;
  standin: ReturnType<typeof createLineStandin>;
  standinUrl: string;
  /** The API's clock is now + this (ms), so tests can let a state expire. */
  skew: { ms: number };
  close(): Promise<void>;
}

export async function listen(app: Express, port = 0): Promise<{ server: Server; url: string }> {
  const server = app.listen(port, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Builds the world; `apiUrl` replaces the LINE API the API calls (a tampering proxy in one test). */
export async function startRouteWorld(
  testFile: string,
  opts: { apiUrl?: (standinUrl: string) => string; shared?: { store: Store; client: Client } } = {},
): Promise<RouteWorld> {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const standin = createLineStandin({
    channelAccessToken: ROUTE_TOKEN,
    channelSecret: LINE_SECRET,
    webhookUrl: `${api}/webhooks/line`,
    login: { ...LOGIN, redirectUris: [`${api}/line/login/callback`] },
    recordFile: inject('lineBodiesFile'),
  });
  const s = await listen(standin.app);
  const skew = { ms: 0 };
  const overrides: Partial<AppDeps> = {
    clock: () => Date.now() + skew.ms,
    lineLogin: {
      ...LOGIN,
      callbackUrl: `${api}/line/login/callback`,
      stateSecret: 'route-state-secret',
      authorizeUrl: `${s.url}/oauth2/v2.1/authorize`,
      apiUrl: opts.apiUrl ? opts.apiUrl(s.url) : s.url,
      chatUrl: 'https://line.me/R/ti/p/@kizuna',
    },
    routeRichMenus: createRouteRichMenus(createLineRichMenus({ channelAccessToken: ROUTE_TOKEN, baseURL: s.url })),
  };
  const h = await startApiHarness(testFile, overrides, opts.shared ?? {});
  const a = await listen(h.app, port);
  return {
    h,
    api,
    standin,
    standinUrl: s.url,
    skew,
    async close() {
      await new Promise((ok) => a.server.close(ok));
      await new Promise((ok) => s.server.close(ok));
      await h.close();
    },
  };
}

/** Opens `/r/<routeId>`: the 302 to LINE Login and its query. */
export async function visitRoute(world: RouteWorld, routeId: string) {
  const res = await fetch(`${world.api}/r/${routeId}`, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location, params: location ? Object.fromEntries(new URL(location).searchParams) : {} };
}

/** The person's answer on LINE's consent screen; resolves with where LINE sends the browser back. */
export async function consent(
  world: RouteWorld,
  params: Record<string, string>,
  choice: { userId: string; addFriend?: boolean; cancel?: boolean },
): Promise<string> {
  const form = new URLSearchParams({
    ...params,
    user_id: choice.userId,
    decision: choice.cancel ? 'cancel' : 'allow',
    ...(choice.addFriend ? { add_friend: 'true' } : {}),
  });
  const res = await fetch(`${world.standinUrl}/oauth2/v2.1/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  if (res.status !== 302) throw new Error(`the consent answered ${res.status}: ${await res.text()}`);
  return res.headers.get('location')!;
}

/** Opens the callback as the browser does; the page's status, kind and text. */
export async function openCallback(location: string, lang = 'ja,en;q=0.8') {
  const res = await fetch(location, { headers: { 'accept-language': lang }, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, kind: /data-page="([^"]+)"/.exec(text)?.[1], text };
}

/** A route through the whole flow; returns the callback's page. */
export async function arrive(world: RouteWorld, routeId: string, userId: string, addFriend = true) {
  const visit = await visitRoute(world, routeId);
  return openCallback(await consent(world, visit.params, { userId, addFriend }));
}
