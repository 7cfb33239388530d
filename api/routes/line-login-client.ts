/**
 * Kizuna's side of LINE Login: exchanging the code (with the PKCE verifier), checking the ID token
 * locally (HS256 under the channel secret, as LINE signs it for web login: `iss`, `aud`, `exp`,
 * `nonce`), and reading whether the user is a friend of the Official Account.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ResolvedLoginConfig } from './login-config.js';

/** Why a login could not be completed; each has its own page. */
export type LoginFailure = 'TOKEN_REFUSED' | 'ID_TOKEN_INVALID' | 'LINE_UNAVAILABLE';

/** A login LINE refused or that did not check out. */
export class LoginFailedError extends Error {
  constructor(
    readonly code: LoginFailure,
    message: string,
  ) {
    super(message);
    this.name = 'LoginFailedError';
  }
}

const ISSUER = 'https://access.line.me';

async function call(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new LoginFailedError('LINE_UNAVAILABLE', `LINE could not be reached: ${String(err)}`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status >= 500) throw new LoginFailedError('LINE_UNAVAILABLE', `LINE answered ${res.status}`);
  return { status: res.status, body };
}

/**
 * Exchanges an authorization code; returns the access token and the ID token.
 * @throws LoginFailedError `TOKEN_REFUSED` when LINE refuses the code (used, expired, wrong verifier).
 */
export async function exchangeCode(
  config: ResolvedLoginConfig,
  input: { code: string; codeVerifier: string },
): Promise<{ accessToken: string; idToken: string }> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: config.callbackUrl,
    client_id: config.channelId,
    client_secret: config.channelSecret,
    code_verifier: input.codeVerifier,
  });
  const { status, body } = await call(`${config.apiUrl}/oauth2/v2.1/token`, { method: 'POST', body: form });
  if (status !== 200 || typeof body['access_token'] !== 'string' || typeof body['id_token'] !== 'string') {
    throw new LoginFailedError(
      'TOKEN_REFUSED',
      `LINE refused the code: ${typeof body['error_description'] === 'string' ? body['error_description'] : status}`,
    );
  }
  return { accessToken: body['access_token'], idToken: body['id_token'] };
}

/**
 * The LINE user id (`sub`) of an ID token signed HS256 with the channel secret, for this channel,
 * unexpired, carrying `nonce`.
 * @throws LoginFailedError `ID_TOKEN_INVALID` naming the first check that failed.
 */
export function verifyIdToken(config: ResolvedLoginConfig, idToken: string, nonce: string, nowMs: number): string {
  const bad = (why: string) => new LoginFailedError('ID_TOKEN_INVALID', `the ID token ${why}`);
  const parts = idToken.split('.');
  if (parts.length !== 3) throw bad('is not a JWT');
  const [head, body, signature] = parts as [string, string, string];
  const header = parseJson(head);
  if (header?.['alg'] !== 'HS256') throw bad('is not signed HS256');
  const expected = createHmac('sha256', config.channelSecret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad('signature does not match');
  const claims = parseJson(body);
  if (!claims) throw bad('payload is not JSON');
  if (claims['iss'] !== ISSUER) throw bad('issuer is not LINE');
  if (claims['aud'] !== config.channelId) throw bad('is for another channel');
  if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= nowMs) throw bad('has expired');
  if (claims['nonce'] !== nonce) throw bad('nonce does not match');
  if (typeof claims['sub'] !== 'string' || !/^U[0-9a-f]{32}$/.test(claims['sub'])) throw bad('has no LINE user id');
  return claims['sub'];
}

/** Whether the user is a friend of the Official Account linked to the login channel. */
export async function readFriendship(config: ResolvedLoginConfig, accessToken: string): Promise<boolean> {
  const { status, body } = await call(`${config.apiUrl}/friendship/v1/status`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (status !== 200 || typeof body['friendFlag'] !== 'boolean') {
    throw new LoginFailedError('TOKEN_REFUSED', `LINE refused the friendship status (${status})`);
  }
  return body['friendFlag'];
}

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
