/**
 * LINE Login's grants in the stand-in: authorization codes (valid 10 minutes, once, bound to the client,
 * redirect URI and PKCE challenge), access tokens, and ID tokens (JWT signed HS256 with the channel
 * secret, as LINE signs them for web login).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long an authorization code can be exchanged (LINE: 10 minutes). */
export const CODE_TTL_MS = 10 * 60 * 1000;
/** Lifetime of an access token (LINE: 30 days) and of an ID token (LINE: 1 hour). */
export const ACCESS_TOKEN_TTL_S = 30 * 24 * 60 * 60;
export const ID_TOKEN_TTL_S = 60 * 60;
export const ISSUER = 'https://access.line.me';

/** What a code was issued for. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  userId: string;
  displayName: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  issuedAtMs: number;
}

/** A LINE Login error body: `{ error, error_description }`. */
export interface OAuthError {
  status: number;
  error: string;
  error_description: string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const fail = (error: string, description: string, status = 400): OAuthError => ({
  status,
  error,
  error_description: description,
});

/** Signs claims as a JWT with HS256 under `secret`. */
export function signIdToken(claims: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const body = b64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/** The claims of an HS256 JWT signed with `secret`, or null when the token is malformed or the signature differs. */
export function readIdToken(token: string, secret: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown };
    if (header.alg !== 'HS256') return null;
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Codes, access tokens and their users, in memory. */
export class LoginGrants {
  private readonly codes = new Map<string, CodeGrant>();
  private readonly used = new Set<string>();
  readonly accessTokens = new Map<string, { userId: string; clientId: string; expiresAtMs: number }>();

  constructor(private readonly clock: () => number) {}

  /** Issues a code for a consent. */
  issueCode(grant: Omit<CodeGrant, 'issuedAtMs'>): string {
    const code = randomBytes(15).toString('base64url');
    this.codes.set(code, { ...grant, issuedAtMs: this.clock() });
    return code;
  }

  /**
   * Exchanges a code (consumed even when the exchange fails after finding it, as a replayed or stolen
   * code must not get a second try). Returns the grant or LINE's error.
   */
  redeem(input: {
    code: string;
    clientId: string;
    redirectUri: string;
    codeVerifier: string | null;
  }): CodeGrant | OAuthError {
    if (this.used.has(input.code)) return fail('invalid_grant', 'authorization code has already been used');
    const grant = this.codes.get(input.code);
    if (!grant) return fail('invalid_grant', 'invalid authorization code');
    this.codes.delete(input.code);
    this.used.add(input.code);
    if (this.clock() - grant.issuedAtMs > CODE_TTL_MS) return fail('invalid_grant', 'authorization code expired');
    if (grant.clientId !== input.clientId) return fail('invalid_grant', 'client_id does not match');
    if (grant.redirectUri !== input.redirectUri) return fail('invalid_grant', 'redirect_uri does not match');
    if (grant.codeChallenge !== null) {
      if (!input.codeVerifier) return fail('invalid_grant', 'code_verifier is required');
      const derived = createHash('sha256').update(input.codeVerifier).digest('base64url');
      if (derived !== grant.codeChallenge) return fail('invalid_grant', 'code_verifier does not match');
    }
    return grant;
  }

  /** An access token for the grant's user. */
  issueAccessToken(grant: CodeGrant): string {
    const token = randomBytes(24).toString('base64url');
    this.accessTokens.set(token, {
      userId: grant.userId,
      clientId: grant.clientId,
      expiresAtMs: this.clock() + ACCESS_TOKEN_TTL_S * 1000,
    });
    return token;
  }

  /** A refresh token (the stand-in does not implement refreshing). */
  issueRefreshToken(): string {
    return randomBytes(20).toString('base64url');
  }

  /** The user of a valid access token, or null. */
  userOf(token: string): string | null {
    const found = this.accessTokens.get(token);
    return found && found.expiresAtMs > this.clock() ? found.userId : null;
  }
}
