/**
 * Unsubscribe tokens: `<payload>.<signature>`, both base64url. The payload is JSON
 * `{ v: 1, c: customerId, ch: channel, j: journeyId, iat: seconds }` — ids only, no address or name —
 * and the signature is HMAC-SHA256 over the payload's base64url text with the unsubscribe secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token says: who unsubscribes from which channel, from which journey's message, and when it was issued. */
export interface UnsubscribeClaims {
  customerId: string;
  channel: 'email' | 'line';
  journeyId: string;
  issuedAtMs: number;
}

/** Why a token was refused. */
export type UnsubscribeTokenErrorCode = 'TOKEN_MALFORMED' | 'TOKEN_BAD_SIGNATURE';

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

/** Throws when the secret is too short to sign with. */
function checkSecret(secret: string): void {
  if (Buffer.byteLength(secret) < 32) throw new Error('the unsubscribe secret must be at least 32 bytes long');
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest();

/** Signs claims into a URL-safe token. Throws when the secret is shorter than 32 bytes. */
export function createUnsubscribeToken(claims: UnsubscribeClaims, secret: string): string {
  checkSecret(secret);
  const body = {
    v: 1,
    c: claims.customerId,
    ch: claims.channel,
    j: claims.journeyId,
    iat: Math.floor(claims.issuedAtMs / 1000),
  };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

/**
 * Verifies a token and returns its claims. Throws {@link UnsubscribeTokenError}: `TOKEN_MALFORMED` for
 * anything that is not a token, `TOKEN_BAD_SIGNATURE` for a tampered token or one signed with another secret.
 */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaims {
  checkSecret(secret);
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !B64URL.test(payload) || !B64URL.test(signature)) {
    throw new UnsubscribeTokenError('TOKEN_MALFORMED', 'this is not an unsubscribe link');
  }
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnsubscribeTokenError('TOKEN_BAD_SIGNATURE', 'this unsubscribe link is not valid');
  }
  const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!claims) throw new UnsubscribeTokenError('TOKEN_MALFORMED', 'this unsubscribe link is not readable');
  return claims;
}

function parseClaims(text: string): UnsubscribeClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const v = value as { v?: unknown; c?: unknown; ch?: unknown; j?: unknown; iat?: unknown };
  if (v.v !== 1 || typeof v.c !== 'string' || v.c === '' || typeof v.j !== 'string') return null;
  if ((v.ch !== 'email' && v.ch !== 'line') || typeof v.iat !== 'number' || !Number.isFinite(v.iat)) return null;
  return { customerId: v.c, channel: v.ch, journeyId: v.j, issuedAtMs: v.iat * 1000 };
}

/** The public URL of the unsubscribe page for one recipient. */
export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/u/${token}`;
}
