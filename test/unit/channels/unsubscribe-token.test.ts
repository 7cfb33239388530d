import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyringOf } from '../../../channels/secret-keys.js';
import {
  createUnsubscribeToken,
  DEFAULT_TOKEN_TTL_MS,
  verifyUnsubscribeToken,
  type UnsubscribeKeys,
} from '../../../channels/unsubscribe-token.js';

const OLD = 'the-secret-before-the-rotation-32-bytes+';
const NEW = 'the-secret-after-the-rotation-of-32-bytes';
const claims = { customerId: 'c-1', channel: 'email' as const, journeyId: 'winback', issuedAtMs: 1_700_000_000_000 };
const DAY = 86_400_000;

const codeOf = (token: string, keys: UnsubscribeKeys, nowMs: number) => {
  try {
    verifyUnsubscribeToken(token, keys, { nowMs });
    return 'valid';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

/** A token as version 1 made them: no key id, no expiry. */
function versionOneToken(secret: string): string {
  const body = { v: 1, c: claims.customerId, ch: claims.channel, j: claims.journeyId, iat: claims.issuedAtMs / 1000 };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

describe('unsubscribe tokens expire', () => {
  it(`after ${DEFAULT_TOKEN_TTL_MS / DAY} days by default, or the lifetime given`, () => {
    const token = createUnsubscribeToken(claims, NEW);
    expect(codeOf(token, NEW, claims.issuedAtMs + DEFAULT_TOKEN_TTL_MS - 1000)).toBe('valid');
    expect(codeOf(token, NEW, claims.issuedAtMs + DEFAULT_TOKEN_TTL_MS)).toBe('TOKEN_EXPIRED');
    const short = createUnsubscribeToken(claims, NEW, 30 * DAY);
    expect(codeOf(short, NEW, claims.issuedAtMs + 29 * DAY)).toBe('valid');
    expect(codeOf(short, NEW, claims.issuedAtMs + 31 * DAY)).toBe('TOKEN_EXPIRED');
  });

  it('cannot be extended by editing the expiry', () => {
    const [payload, signature] = createUnsubscribeToken(claims, NEW, DAY).split('.');
    const body = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number };
    const longer = Buffer.from(JSON.stringify({ ...body, exp: body.exp + 1000 * 86_400 })).toString('base64url');
    expect(codeOf(`${longer}.${signature}`, NEW, claims.issuedAtMs)).toBe('TOKEN_BAD_SIGNATURE');
  });
});

describe('unsubscribe secrets rotate', () => {
  const before = keyringOf(OLD, undefined, 'x');
  const after = keyringOf(NEW, OLD, 'x');
  const soon = claims.issuedAtMs + DAY;

  it('tokens of the previous secret stay valid while it is on the ring, and new ones use the new secret', () => {
    const old = createUnsubscribeToken(claims, before);
    expect(codeOf(old, after, soon)).toBe('valid');
    expect(codeOf(old, keyringOf(NEW, undefined, 'x'), soon)).toBe('TOKEN_BAD_SIGNATURE');
    const fresh = createUnsubscribeToken(claims, after);
    expect(codeOf(fresh, NEW, soon)).toBe('valid');
    expect(codeOf(fresh, OLD, soon)).toBe('TOKEN_BAD_SIGNATURE');
  });

  it('version-1 tokens (no key id, no expiry) are accepted from any key on the ring until their lifetime ends', () => {
    const v1 = versionOneToken(OLD);
    expect(codeOf(v1, after, soon)).toBe('valid');
    expect(codeOf(v1, NEW, soon)).toBe('TOKEN_BAD_SIGNATURE');
    expect(codeOf(v1, after, claims.issuedAtMs + DEFAULT_TOKEN_TTL_MS)).toBe('TOKEN_EXPIRED');
  });
});
