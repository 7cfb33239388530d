import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lineMaxEventAgeFromEnv, verifyLineSignature } from '../../../api/line/webhook.js';

const secret = 'channel-secret';
const body = Buffer.from('{"destination":"Ubot","events":[]}');
const signature = createHmac('sha256', secret).update(body).digest('base64');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const nonCanonical = (sig: string) => `${sig.slice(0, 42)}${ALPHABET[ALPHABET.indexOf(sig[42]!) + 1]}=`;

describe('verifyLineSignature', () => {
  it('accepts the canonical base64 signature', () => {
    expect(verifyLineSignature(body, signature, secret)).toBe(true);
    expect(Buffer.from(nonCanonical(signature), 'base64')).toEqual(Buffer.from(signature, 'base64'));
  });

  it.each([
    ['doubled as Node joins a repeated header', `${signature}, ${signature}`],
    ['with extra padding', `${signature}==`],
    ['with whitespace', ` ${signature}`],
    ['without its padding', signature.slice(0, -1)],
    // The last character's two low bits are padding: a variant decodes to the same bytes.
    ['in a non-canonical spelling of its last character', nonCanonical(signature)],
  ])('refuses the signature %s', (_what, given) => {
    expect(verifyLineSignature(body, given, secret)).toBe(false);
  });
});

describe('LINE_WEBHOOK_MAX_AGE_S', () => {
  it('defaults to 10 minutes and refuses what is not a whole number of seconds', () => {
    expect(lineMaxEventAgeFromEnv({})).toBe(600_000);
    expect(lineMaxEventAgeFromEnv({ LINE_WEBHOOK_MAX_AGE_S: '3600' })).toBe(3_600_000);
    for (const bad of ['0', '-5', 'ten', '1.5']) {
      expect(() => lineMaxEventAgeFromEnv({ LINE_WEBHOOK_MAX_AGE_S: bad })).toThrow(/whole number of seconds/);
    }
  });
});
