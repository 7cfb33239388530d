/**
 * `GET /r/<routeId>`: records the visit and sends the browser to LINE Login (`bot_prompt=aggressive`,
 * signed `state`, `nonce`, PKCE S256). `GET /line/login/callback`: checks the state (signature, expiry,
 * used once), exchanges the code, verifies the ID token, reads the friendship status and records the
 * arrival (api/routes/arrival.ts). Every failure ends on a clear page with nothing linked.
 */
import { Router, type Request, type Response } from 'express';
import { consumeRouteLogin, findRoute, insertRouteLogin } from '../../store/routes.js';
import { recordArrival, type ArrivalDeps } from './arrival.js';
import { exchangeCode, LoginFailedError, readFriendship, verifyIdToken } from './line-login-client.js';
import { pkcePair, randomToken, readState, signState, type ResolvedLoginConfig } from './login-config.js';
import { pageLanguage, routePage, type PageKind } from './pages.js';

export interface RouteLoginDeps extends ArrivalDeps {
  login: ResolvedLoginConfig | null;
}

const STATUS: Record<PageKind, number> = {
  thanks: 200,
  denied: 403,
  expired: 400,
  invalid: 400,
  used: 400,
  refused: 400,
  unavailable: 503,
  'route-not-found': 404,
  'not-configured': 503,
};

function page(req: Request, res: Response, kind: PageKind, chatUrl?: string): void {
  res.set('cache-control', 'no-store');
  res
    .status(STATUS[kind])
    .type('html')
    .send(routePage(kind, pageLanguage(req.get('accept-language')), chatUrl));
}

export function routeLoginRouter(deps: RouteLoginDeps): Router {
  const router = Router();
  router.get('/r/:routeId', (req, res, next) => {
    visit(deps, req, res).catch(next);
  });
  router.get('/line/login/callback', (req, res, next) => {
    callback(deps, req, res).catch(next);
  });
  return router;
}

async function visit(deps: RouteLoginDeps, req: Request, res: Response): Promise<void> {
  const login = deps.login;
  if (!login) return page(req, res, 'not-configured');
  const route = await findRoute(deps.models, String(req.params['routeId']));
  if (!route) return page(req, res, 'route-not-found');
  const now = deps.clock();
  const loginId = randomToken(16);
  const nonce = randomToken(16);
  const { verifier, challenge } = pkcePair();
  await insertRouteLogin(deps.models, {
    loginId,
    routeId: route.routeId,
    nonce,
    codeVerifier: verifier,
    createdAt: new Date(now),
  });
  const url = new URL(login.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: login.channelId,
    redirect_uri: login.callbackUrl,
    state: signState(login.stateSecret, loginId, route.routeId, now + login.stateTtlMs),
    scope: 'profile openid',
    nonce,
    bot_prompt: 'aggressive',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  res.set('cache-control', 'no-store').redirect(302, url.toString());
}

async function callback(deps: RouteLoginDeps, req: Request, res: Response): Promise<void> {
  const login = deps.login;
  if (!login) return page(req, res, 'not-configured');
  const q = (name: string) => {
    const value = req.query[name];
    return typeof value === 'string' ? value : undefined;
  };
  const state = readState(login.stateSecret, q('state') ?? '', deps.clock());
  if ('problem' in state) return page(req, res, state.problem === 'STATE_EXPIRED' ? 'expired' : 'invalid');
  const denied = q('error') !== undefined || q('code') === undefined;
  const visitRow = await consumeRouteLogin(
    deps.models,
    state.loginId,
    new Date(deps.clock()),
    denied ? 'denied' : 'callback',
  );
  if (!visitRow || visitRow.routeId !== state.routeId) return page(req, res, 'used');
  if (denied) return page(req, res, 'denied');
  const route = await findRoute(deps.models, state.routeId);
  if (!route) return page(req, res, 'route-not-found');
  try {
    const tokens = await exchangeCode(login, { code: q('code')!, codeVerifier: visitRow.codeVerifier });
    const lineUserId = verifyIdToken(login, tokens.idToken, visitRow.nonce, deps.clock());
    const friend = await readFriendship(login, tokens.accessToken);
    const arrival = await recordArrival(deps, {
      route,
      loginId: state.loginId,
      lineUserId,
      friend,
      friendshipStatusChanged: q('friendship_status_changed') === 'true',
    });
    deps.logger.info(
      { routeId: route.routeId, customerId: arrival.customerId, actions: arrival.actions },
      'route arrival',
    );
    page(req, res, 'thanks', login.chatUrl);
  } catch (err) {
    if (!(err instanceof LoginFailedError)) throw err;
    deps.logger.warn({ routeId: route.routeId, code: err.code, reason: err.message }, 'route login failed');
    page(req, res, err.code === 'LINE_UNAVAILABLE' ? 'unavailable' : 'refused');
  }
}
