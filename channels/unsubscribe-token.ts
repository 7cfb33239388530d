/**
 * Unsubscribe tokens: `<payload>.<signature>`, both base64url. The payload is JSON
 * `{ v: 2, k: keyId, c: customerId, ch: channel, j: journeyId, iat, exp }` (times in seconds) — ids
 * only, no address or name — and the signature is HMAC-SHA256 over the payload's base64url text with
 * the secret whose id is `k`. The key id lets the secret rotate (tokens of a previous secret stay valid
 * while it is configured); `exp` bounds how long a link in an old mail works.
 * Tokens of version 1 (no key id, no expiry) are still accepted from any configured key until
 * `iat` + the token lifetime.
 */
import { timingSafeEqual } from 'node:crypto';
import { findKey, hmac, keyringOf, type SecretKey, type SecretKeyring } from './secret-keys.js';

/** What a token says: who unsubscribes from which channel, from which journey's message, and when it was issued. */
export interface UnsubscribeClaims {
  customerId: string;
  channel: 'email' | 'line';
  journeyId: string;
  issuedAtMs: number;
}

/** The keys tokens are signed and checked with: a keyring, or one secret (a ring of one key). */
export type UnsubscribeKeys = string | SecretKeyring;

/**
 * How long a link works after its mail was sent: 180 days, well past the 30 days the US CAN-SPAM Act
 * asks and long enough for a mail read months later (`UNSUBSCRIBE_TOKEN_TTL_DAYS` changes it).
 */
export const DEFAULT_TOKEN_TTL_MS = 180 * 86_400_000;

/** Why a token was refused. */
export type UnsubscribeTokenErrorCode = 'TOKEN_MALFORMED' | 'TOKEN_BAD_SIGNATURE' | 'TOKEN_EXPIRED';

/** Thrown by {@link verifyUnsubscribeToken}. */
export class UnsubscribeTokenError extends Error {
  constructor(
    readonly code: UnsubscribeTokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UnsubscribeTokenError';
  }
}

const MAX_TOKEN_LENGTH = 1024;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** The keyring of `keys`; throws when a secret is shorter than 32 bytes. */
export function unsubscribeKeyring(keys: UnsubscribeKeys): SecretKeyring {
  return typeof keys === 'string' ? keyringOf(keys, undefined, 'the unsubscribe secret') : keys;
}

/**
 * Signs claims into a URL-safe token with the ring's current key, valid `ttlMs` after issue.
 * Throws when the secret is shorter than 32 bytes. @default ttlMs {@link DEFAULT_TOKEN_TTL_MS}
 */
export function createUnsubscribeToken(
  claims: UnsubscribeClaims,
  keys: UnsubscribeKeys,
  ttlMs: number = DEFAULT_TOKEN_TTL_MS,
): string {
  const key = unsubscribeKeyring(keys).current;
  const iat = Math.floor(claims.issuedAtMs / 1000);
  const body = {
    v: 2,
    k: key.id,
    c: claims.customerId,
    ch: claims.channel,
    j: claims.journeyId,
    iat,
    exp: iat + Math.ceil(ttlMs / 1000),
  };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${hmac(key, payload).toString('base64url')}`;
}

/** When and against what a token is checked. */
export interface VerifyOptions {
  /** @default Date.now() */
  nowMs?: number;
  /** The lifetime of version-1 tokens, which carry no expiry. @default {@link DEFAULT_TOKEN_TTL_MS} */
  ttlMs?: number;
}

/**
 * Verifies a token and returns its claims. Throws {@link UnsubscribeTokenError}: `TOKEN_MALFORMED` for
 * anything that is not a token, `TOKEN_BAD_SIGNATURE` for a tampered token or one signed with a key not
 * on the ring, `TOKEN_EXPIRED` for a valid token past its expiry.
 */
export function verifyUnsubscribeToken(
  token: string,
  keys: UnsubscribeKeys,
  options: VerifyOptions = {},
): UnsubscribeClaims {
  const ring = unsubscribeKeyring(keys);
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !B64URL.test(payload) || !B64URL.test(signature)) {
    throw new UnsubscribeTokenError('TOKEN_MALFORMED', 'this is not an unsubscribe link');
  }
  const body = parseBody(Buffer.from(payload, 'base64url').toString('utf8'));
  const candidates = body?.v === 2 ? [findKey(ring, body.k)] : [ring.current, ...ring.previous];
  if (!candidates.some((key) => key !== undefined && signedBy(key, payload, signature))) {
    throw new UnsubscribeTokenError('TOKEN_BAD_SIGNATURE', 'this unsubscribe link is not valid');
  }
  if (!body) throw new UnsubscribeTokenError('TOKEN_MALFORMED', 'this unsubscribe link is not readable');
  const expSeconds = body.v === 2 ? body.exp : body.iat + Math.ceil((options.ttlMs ?? DEFAULT_TOKEN_TTL_MS) / 1000);
  if ((options.nowMs ?? Date.now()) >= expSeconds * 1000) {
    throw new UnsubscribeTokenError('TOKEN_EXPIRED', 'this unsubscribe link has expired');
  }
  return { customerId: body.c, channel: body.ch, journeyId: body.j, issuedAtMs: body.iat * 1000 };
}

function signedBy(key: SecretKey, payload: string, signature: string): boolean {
  const given = Buffer.from(signature, 'base64url');
  const expected = hmac(key, payload);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Body =
  | { v: 1; c: string; ch: 'email' | 'line'; j: string; iat: number }
  | { v: 2; k: string; c: string; ch: 'email' | 'line'; j: string; iat: number; exp: number };

function parseBody(text: string): Body | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const v = value as { v?: unknown; k?: unknown; c?: unknown; ch?: unknown; j?: unknown; iat?: unknown; exp?: unknown };
  if ((v.v !== 1 && v.v !== 2) || typeof v.c !== 'string' || v.c === '' || typeof v.j !== 'string') return null;
  if ((v.ch !== 'email' && v.ch !== 'line') || !isSeconds(v.iat)) return null;
  if (v.v === 1) return { v: 1, c: v.c, ch: v.ch, j: v.j, iat: v.iat };
  if (typeof v.k !== 'string' || !isSeconds(v.exp)) return null;
  return { v: 2, k: v.k, c: v.c, ch: v.ch, j: v.j, iat: v.iat, exp: v.exp };
}

const isSeconds = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** The public URL of the unsubscribe page for one recipient. */
export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/u/${token}`;
}
