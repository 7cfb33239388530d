/**
 * LINE Login v2.1 in the stand-in, as LINE documents it: `GET /oauth2/v2.1/authorize` (a consent page
 * where a test user picks a LINE user and ticks "add friend"; the form, or a test, posts the decision
 * to the same path), `POST /oauth2/v2.1/token` (code → access and ID token, PKCE S256 checked, codes
 * single-use, 10 minutes), `POST /oauth2/v2.1/verify` (ID token → claims), `GET /friendship/v1/status`
 * and `GET /v2/profile` with the access token. Ticking "add friend" for a user who is not a friend yet
 * sends the signed `follow` webhook before the browser is sent back, as LINE does.
 */
import express, { Router, type Request, type Response } from 'express';
import { authorizeErrorPage, consentPage } from './login-page.js';
import {
  ACCESS_TOKEN_TTL_S,
  ID_TOKEN_TTL_S,
  ISSUER,
  LoginGrants,
  readIdToken,
  signIdToken,
  type CodeGrant,
} from './login-tokens.js';

/** The LINE Login channel the stand-in plays. */
export interface LoginChannel {
  /** The channel id (`client_id`). */
  channelId: string;
  /** The channel secret: `client_secret`, and the HS256 key of ID tokens. */
  channelSecret: string;
  /** Registered callback URLs; absent = any http(s) URL is accepted. */
  redirectUris?: string[];
  /** LINE users the consent page offers: user id -> display name. */
  users?: Record<string, string>;
}

/** What the login endpoints need from the rest of the stand-in. */
export interface LoginDeps {
  channel: LoginChannel;
  clock: () => number;
  /** Whether the user is a friend of the Official Account. */
  isFriend(userId: string): boolean;
  /** Makes the user a friend and sends the `follow` webhook. */
  addFriend(userId: string): Promise<void>;
}

const USER_ID = /^U[0-9a-f]{32}$/;
type Params = Record<string, string>;

/** Mounts LINE Login on the stand-in's app, with its followers as the Official Account's friends. */
export function loginEndpoints(
  channel: LoginChannel,
  standin: { clock: () => number; followers: Map<string, string>; follow(userId: string): Promise<unknown> },
): Router {
  return lineLoginRouter({
    channel,
    clock: standin.clock,
    isFriend: (userId) => standin.followers.has(userId),
    async addFriend(userId) {
      standin.followers.set(userId, channel.users?.[userId] ?? 'LINE user');
      // LINE sends the webhook on its own; a failing webhook endpoint does not stop the login.
      await standin.follow(userId).catch(() => undefined);
    },
  }).router;
}

/** The LINE Login router; `grants` is exposed for tests of expiry. */
export function lineLoginRouter(deps: LoginDeps): { router: Router; grants: LoginGrants } {
  const router = Router();
  const grants = new LoginGrants(deps.clock);
  const users = (): Record<string, string> => ({ ...deps.channel.users });
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  router.get('/oauth2/v2.1/authorize', (req, res) => {
    const params = stringParams(req.query);
    if (!checkClient(params, deps.channel, res)) return;
    const invalid = requestProblem(params);
    if (invalid) return redirectBack(res, params, { error: 'invalid_request', error_description: invalid });
    res.type('html').send(consentPage(params, users()));
  });

  router.post('/oauth2/v2.1/authorize', form, (req, res, next) => {
    decide(deps, grants, stringParams(req.body), res).catch(next);
  });

  router.post('/oauth2/v2.1/token', form, (req, res) => {
    exchange(deps, grants, stringParams(req.body), res);
  });

  router.post('/oauth2/v2.1/verify', form, (req, res) => {
    const body = stringParams(req.body);
    const problem = verifyProblem(body, deps);
    if (typeof problem === 'string')
      return res.status(400).json({ error: 'invalid_request', error_description: problem });
    res.json(problem);
  });

  router.get('/friendship/v1/status', (req, res) => {
    const userId = bearerUser(req, grants);
    if (!userId) return res.status(401).json({ message: 'invalid token' });
    res.json({ friendFlag: deps.isFriend(userId) });
  });

  router.get('/v2/profile', (req, res) => {
    const userId = bearerUser(req, grants);
    if (!userId) return res.status(401).json({ message: 'invalid token' });
    res.json({ userId, displayName: users()[userId] ?? 'LINE user', statusMessage: '' });
  });
  return { router, grants };
}

/** `POST /oauth2/v2.1/token`: a code for tokens, or LINE's error. */
function exchange(deps: LoginDeps, grants: LoginGrants, body: Params, res: Response): void {
  const refuse = (error: string, description: string) =>
    res.status(400).json({ error, error_description: description });
  if (body['grant_type'] !== 'authorization_code')
    return void refuse('unsupported_grant_type', 'unsupported grant_type');
  if (body['client_id'] !== deps.channel.channelId || body['client_secret'] !== deps.channel.channelSecret) {
    return void refuse('invalid_client', 'invalid client credentials');
  }
  const grant = grants.redeem({
    code: body['code'] ?? '',
    clientId: body['client_id'],
    redirectUri: body['redirect_uri'] ?? '',
    codeVerifier: body['code_verifier'] ?? null,
  });
  if ('error' in grant) return void refuse(grant.error, grant.error_description);
  res.set('cache-control', 'no-store').json(tokenResponse(grants, grant, deps));
}

/** Applies the consent form: a code and back to the client, or `access_denied`. */
async function decide(deps: LoginDeps, grants: LoginGrants, params: Params, res: Response): Promise<void> {
  if (!checkClient(params, deps.channel, res)) return;
  const invalid = requestProblem(params);
  if (invalid) return redirectBack(res, params, { error: 'invalid_request', error_description: invalid });
  if (params['decision'] !== 'allow') {
    return redirectBack(res, params, { error: 'access_denied', error_description: 'The user has denied the request' });
  }
  const userId = params['other_user_id'] || params['user_id'] || '';
  if (!USER_ID.test(userId)) return void res.status(400).type('html').send(authorizeErrorPage('Pick a LINE user.'));
  let changed = false;
  if (params['bot_prompt'] && params['add_friend'] === 'true' && !deps.isFriend(userId)) {
    await deps.addFriend(userId);
    changed = true;
  }
  const code = grants.issueCode({
    clientId: params['client_id']!,
    redirectUri: params['redirect_uri']!,
    userId,
    displayName: deps.channel.users?.[userId] ?? 'LINE user',
    scope: params['scope']!,
    nonce: params['nonce'] ?? null,
    codeChallenge: params['code_challenge'] ?? null,
    codeChallengeMethod: params['code_challenge_method'] ?? null,
  });
  const back: Params = { code };
  if (params['bot_prompt']) back['friendship_status_changed'] = String(changed);
  redirectBack(res, params, back);
}

function tokenResponse(grants: LoginGrants, grant: CodeGrant, deps: LoginDeps) {
  const iat = Math.floor(deps.clock() / 1000);
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: grant.userId,
    aud: grant.clientId,
    exp: iat + ID_TOKEN_TTL_S,
    iat,
    amr: ['linesso'],
    name: grant.displayName,
  };
  if (grant.nonce !== null) claims['nonce'] = grant.nonce;
  const scopes = grant.scope.split(' ');
  return {
    access_token: grants.issueAccessToken(grant),
    expires_in: ACCESS_TOKEN_TTL_S,
    ...(scopes.includes('openid') ? { id_token: signIdToken(claims, deps.channel.channelSecret) } : {}),
    refresh_token: grants.issueRefreshToken(),
    scope: grant.scope,
    token_type: 'Bearer',
  };
}

/** The verify endpoint's answer: the claims, or LINE's error description. */
function verifyProblem(body: Params, deps: LoginDeps): Record<string, unknown> | string {
  if (!body['id_token'] || !body['client_id']) return 'id_token and client_id are required';
  const claims = readIdToken(body['id_token'], deps.channel.channelSecret);
  if (!claims) return 'Invalid IdToken.';
  if (claims['aud'] !== body['client_id']) return 'Invalid IdToken Audience.';
  if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= deps.clock()) return 'IdToken expired.';
  if (body['nonce'] !== undefined && claims['nonce'] !== body['nonce']) return 'Invalid IdToken Nonce.';
  if (body['user_id'] !== undefined && claims['sub'] !== body['user_id']) return 'Invalid IdToken Subject Identifier.';
  return claims;
}

/** Unknown channel or redirect URI: LINE shows an error page and does not redirect. */
function checkClient(params: Params, channel: LoginChannel, res: Response): boolean {
  const uri = params['redirect_uri'] ?? '';
  let problem: string | null = null;
  if (params['client_id'] !== channel.channelId) problem = 'Invalid client_id.';
  else if (!/^https?:\/\//.test(uri)) problem = 'Invalid redirect_uri.';
  else if (channel.redirectUris && !channel.redirectUris.includes(uri)) problem = 'Invalid redirect_uri.';
  if (problem) res.status(400).type('html').send(authorizeErrorPage(problem));
  return problem === null;
}

/** What is wrong with an authorize request that can come back to the client, or null. */
function requestProblem(params: Params): string | null {
  if (params['response_type'] !== 'code') return 'response_type must be code';
  if (!params['state']) return 'state is required';
  const scopes = (params['scope'] ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0 || scopes.some((s) => !['profile', 'openid', 'email'].includes(s))) return 'invalid scope';
  if (params['bot_prompt'] && !['normal', 'aggressive'].includes(params['bot_prompt'])) return 'invalid bot_prompt';
  if (params['code_challenge'] && params['code_challenge_method'] !== 'S256')
    return 'code_challenge_method must be S256';
  return null;
}

function redirectBack(res: Response, params: Params, query: Params): void {
  const url = new URL(params['redirect_uri']!);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  if (params['state']) url.searchParams.set('state', params['state']);
  res.redirect(302, url.toString());
}

function bearerUser(req: Request, grants: LoginGrants): string | null {
  const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
  return match ? grants.userOf(match[1]!) : null;
}

function stringParams(source: unknown): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}
