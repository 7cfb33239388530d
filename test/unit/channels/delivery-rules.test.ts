import { describe, expect, it } from 'vitest';
import { consentBlock, resolveChannel } from '../../../definitions/consent.js';
import { addressDomain, deliveryMessageId } from '../../../channels/email-headers.js';
import { classifySmtpError } from '../../../channels/email-transport.js';
import { uuidV5 } from '../../../channels/line-retry-key.js';
import { keyIdOf } from '../../../channels/secret-keys.js';
import {
  createUnsubscribeToken,
  verifyUnsubscribeToken,
  UnsubscribeTokenError,
} from '../../../channels/unsubscribe-token.js';

const SECRET = 'unit-test-secret-0123456789abcdefghij';

describe('unsubscribe tokens', () => {
  const claims = { customerId: 'c-1', channel: 'email' as const, journeyId: 'winback', issuedAtMs: 1_700_000_000_000 };

  it('round-trips the claims and carries no personal data', () => {
    const token = createUnsubscribeToken(claims, SECRET);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    const nowMs = claims.issuedAtMs + 1000;
    expect(verifyUnsubscribeToken(token, SECRET, { nowMs })).toEqual(claims);
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).toBe(
      `{"v":2,"k":"${keyIdOf(SECRET)}","c":"c-1","ch":"email","j":"winback","iat":1700000000,"exp":1715552000}`,
    );
  });

  it.each([
    ['another secret', (t: string) => t, 'another-secret-0123456789abcdefghijkl', 'TOKEN_BAD_SIGNATURE'],
    ['a changed payload', (t: string) => `f${t.slice(1)}`, SECRET, 'TOKEN_BAD_SIGNATURE'],
    ['a truncated signature', (t: string) => t.slice(0, -3), SECRET, 'TOKEN_BAD_SIGNATURE'],
    ['no signature', (t: string) => t.split('.')[0]!, SECRET, 'TOKEN_MALFORMED'],
    ['garbage', () => '%%%', SECRET, 'TOKEN_MALFORMED'],
    ['an oversized token', () => 'a'.repeat(2000), SECRET, 'TOKEN_MALFORMED'],
  ])('refuses %s', (_name, change, secret, code) => {
    const token = change(createUnsubscribeToken(claims, SECRET));
    const nowMs = claims.issuedAtMs + 1000;
    expect(() => verifyUnsubscribeToken(token, secret, { nowMs })).toThrow(UnsubscribeTokenError);
    try {
      verifyUnsubscribeToken(token, secret, { nowMs });
    } catch (err) {
      expect((err as UnsubscribeTokenError).code).toBe(code);
    }
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createUnsubscribeToken(claims, 'short')).toThrow(/32 bytes/);
  });
});

describe('channel and consent rules', () => {
  it('prefers LINE only for followers with a user id', () => {
    expect(resolveChannel('preferred', { lineUserId: 'U1', consent: { line: 'following' } })).toBe('line');
    expect(resolveChannel('preferred', { consent: { line: 'following' } })).toBe('email');
    expect(resolveChannel('preferred', { lineUserId: 'U1', consent: { line: 'blocked' } })).toBe('email');
    expect(resolveChannel('line', {})).toBe('line');
  });

  it.each([
    ['email', { email: 'a@b.jp', consent: { email: 'subscribed' } }, null],
    ['email', { email: 'a@b.jp', consent: { email: 'unknown' } }, 'no-consent'],
    ['email', { email: 'a@b.jp', consent: { email: 'unsubscribed' } }, 'unsubscribed'],
    ['email', { email: 'a@b.jp', consent: { email: 'bounced' } }, 'bounced'],
    ['email', { consent: { email: 'subscribed' } }, 'no-address'],
    ['line', { lineUserId: 'U1', consent: { line: 'following' } }, null],
    ['line', { lineUserId: 'U1', consent: { line: 'blocked' } }, 'blocked'],
    ['line', { lineUserId: 'U1', consent: { line: 'unknown' } }, 'not-following'],
    ['line', { consent: { line: 'following' } }, 'no-address'],
  ] as const)('%s %j -> %s', (channel, profile, reason) => {
    expect(consentBlock(channel, profile)).toBe(reason);
  });
});

describe('provider details', () => {
  it('derives retry keys as RFC 9562 UUID v5', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('takes the Message-ID domain from the From address', () => {
    expect(addressDomain('"Shop, Inc." <News@Shop.Example.JP>')).toBe('shop.example.jp');
    expect(() => addressDomain('no address')).toThrow(/not a single email address/);
    expect(deliveryMessageId('k', 'shop.jp')).toBe(deliveryMessageId('k', 'shop.jp'));
    expect(deliveryMessageId('k', 'shop.jp')).not.toBe(deliveryMessageId('k2', 'shop.jp'));
  });

  it.each([
    [{ responseCode: 550, command: 'RCPT TO', message: 'User unknown' }, 'address'],
    [{ responseCode: 554, command: 'DATA', message: '5.7.1 spam' }, 'rejected'],
    [{ responseCode: 552, command: 'DATA', message: '5.1.1 mailbox' }, 'address'],
    [{ responseCode: 451, command: 'RCPT TO', message: 'try later' }, 'transient'],
    [{ code: 'ESOCKET', syscall: 'connect', message: 'connect ECONNREFUSED' }, 'transient'],
    [{ code: 'ETIMEDOUT', command: 'CONN', message: 'Greeting never received' }, 'transient'],
    [{ code: 'ETIMEDOUT', message: 'Timeout' }, 'uncertain'],
    [{ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }, 'uncertain'],
  ])('classifies %j as %s', (err, kind) => {
    expect(classifySmtpError(err).kind).toBe(kind);
  });
});
