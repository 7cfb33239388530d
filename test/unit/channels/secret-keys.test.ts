import { describe, expect, it } from 'vitest';
import { pseudonymKeysFromEnv, pseudonymWith } from '../../../api/customers/pseudonyms.js';
import { DeliveryConfigError } from '../../../channels/delivery-config.js';
import { findKey, keyIdOf, keyringOf } from '../../../channels/secret-keys.js';

const A = 'a-first-secret-of-at-least-32-bytes-long';
const B = 'a-second-secret-of-at-least-32-bytes-long';

describe('keyrings', () => {
  it('name each key by an id derived from its secret, current first', () => {
    const ring = keyringOf(B, ` ${A} ,`, 'X');
    expect(ring.current).toEqual({ id: keyIdOf(B), secret: B });
    expect(ring.previous).toEqual([{ id: keyIdOf(A), secret: A }]);
    expect(keyIdOf(A)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(A)).not.toBe(keyIdOf(B));
    expect(findKey(ring, keyIdOf(A))?.secret).toBe(A);
    expect(findKey(ring, 'nope')).toBeUndefined();
  });

  it('refuse a short secret, current or previous', () => {
    expect(() => keyringOf('short', undefined, 'X')).toThrow(/X: every secret must be at least 32 bytes/);
    expect(() => keyringOf(A, 'short', 'X')).toThrow(/32 bytes/);
  });
});

describe('the pseudonym secret', () => {
  it('is required outside declared local development, even with a local SMTP relay', () => {
    for (const env of [{}, { SMTP_URL: 'smtp://127.0.0.1:1025' }, { NODE_ENV: 'development' }]) {
      expect(() => pseudonymKeysFromEnv(env)).toThrow(DeliveryConfigError);
      expect(() => pseudonymKeysFromEnv(env)).toThrow(/KIZUNA_PSEUDONYM_SECRET is required/);
    }
  });

  it('falls back to a value of the code only with KIZUNA_ENV=development', () => {
    expect(pseudonymKeysFromEnv({ KIZUNA_ENV: 'development' }).current.secret).toMatch(/^local-/);
  });

  it('rotates: the previous secrets stay on the ring', () => {
    const ring = pseudonymKeysFromEnv({ KIZUNA_PSEUDONYM_SECRET: B, KIZUNA_PSEUDONYM_PREVIOUS_SECRETS: A });
    expect(ring.current.id).toBe(keyIdOf(B));
    expect(ring.previous.map((k) => k.id)).toEqual([keyIdOf(A)]);
    expect(() => pseudonymKeysFromEnv({ KIZUNA_PSEUDONYM_SECRET: 'short' })).toThrow(DeliveryConfigError);
  });

  it('makes pseudonyms that depend on the secret and carry its key id', () => {
    const [a, b] = [keyringOf(A, undefined, 'X').current, keyringOf(B, undefined, 'X').current];
    expect(pseudonymWith(a, 'c-1')).toMatch(new RegExp(`^erased:${a.id}:[0-9a-f]{48}$`));
    expect(pseudonymWith(a, 'c-1')).not.toBe(pseudonymWith(b, 'c-1'));
    expect(pseudonymWith(a, 'c-1')).not.toBe(pseudonymWith(a, 'c-2'));
  });
});
