/**
 * LINE Login settings of the friend-add routes, the signed `state` that carries a visit through LINE
 * Login, and PKCE. The state is `<loginId>.<routeId>.<expiry seconds>.<HMAC-SHA256>` under the state
 * secret: the callback trusts neither the route nor the expiry unless the signature matches.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** LINE Login as the routes use it. */
export interface LineLoginConfig {
  /** The LINE Login channel id (`client_id`). */
  channelId: string;
  /** The LINE Login channel secret (`client_secret`; the HS256 key of ID tokens). */
  channelSecret: string;
  /** The public URL of `/line/login/callback`, registered on the LINE Login channel. */
  callbackUrl: string;
  /** Signs `state`. */
  stateSecret: string;
  /** @default 'https://access.line.me/oauth2/v2.1/authorize' */
  authorizeUrl?: string;
  /** Base of the token, verify, friendship and profile endpoints. @default 'https://api.line.me' */
  apiUrl?: string;
  /** The chat with the Official Account the thank-you page opens. @default 'https://line.me/R/' */
  chatUrl?: string;
  /** How long a visit may take to come back from LINE Login (ms). @default 600000 (10 minutes, as a LINE code) */
  stateTtlMs?: number;
}

/** {@link LineLoginConfig} with its defaults resolved. */
export type ResolvedLoginConfig = Required<LineLoginConfig>;

/** Resolves the defaults once. */
export function resolveLoginConfig(config: LineLoginConfig): ResolvedLoginConfig {
  return {
    authorizeUrl: 'https://access.line.me/oauth2/v2.1/authorize',
    apiUrl: 'https://api.line.me',
    chatUrl: 'https://line.me/R/',
    stateTtlMs: 10 * 60 * 1000,
    ...config,
  };
}

const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest();

/** Signs a state for a visit. */
export function signState(secret: string, loginId: string, routeId: string, expiresAtMs: number): string {
  const body = `${loginId}.${routeId}.${Math.floor(expiresAtMs / 1000)}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** Why a state is refused. */
export type StateProblem = 'STATE_INVALID' | 'STATE_EXPIRED';

/** The visit a state names, or why it is refused (a bad signature is `STATE_INVALID`, whatever else it says). */
export function readState(
  secret: string,
  state: string,
  nowMs: number,
): { loginId: string; routeId: string } | { problem: StateProblem } {
  const parts = state.split('.');
  if (parts.length !== 4) return { problem: 'STATE_INVALID' };
  const [loginId, routeId, exp, signature] = parts as [string, string, string, string];
  const expected = mac(secret, `${loginId}.${routeId}.${exp}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: 'STATE_INVALID' };
  if (Number(exp) * 1000 <= nowMs) return { problem: 'STATE_EXPIRED' };
  return { loginId, routeId };
}

/** A random URL-safe token of `bytes` bytes. */
export const randomToken = (bytes: number) => randomBytes(bytes).toString('base64url');

/** PKCE: a verifier (43+ characters) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(48);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
