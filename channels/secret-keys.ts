/**
 * Secrets that can rotate: a current key that signs, and previous keys that are still accepted (or
 * looked up) until what they signed has aged out. Each key has an id derived from its secret, written
 * beside what it signed, so a check knows which key to use without trying them all.
 */
import { createHash, createHmac } from 'node:crypto';

/** One secret and its id. */
export interface SecretKey {
  /** 8 hex characters of sha256 over the secret: names the key, reveals nothing usable about it. */
  id: string;
  secret: string;
}

/** The key in use and the ones before it. */
export interface SecretKeyring {
  current: SecretKey;
  previous: SecretKey[];
}

/** The shortest secret accepted: 32 bytes, as much as the HMAC-SHA256 it keys. */
export const MIN_SECRET_BYTES = 32;

/** The id of a secret (see {@link SecretKey.id}). */
export function keyIdOf(secret: string): string {
  return createHash('sha256').update(`kizuna-key-id\u0000${secret}`).digest('hex').slice(0, 8);
}

/**
 * A keyring from the current secret and a comma-separated list of previous ones (empty entries are
 * ignored). Throws when a secret is shorter than {@link MIN_SECRET_BYTES}, naming `setting`.
 */
export function keyringOf(current: string, previous: string | undefined, setting: string): SecretKeyring {
  const secrets = [current, ...(previous ?? '').split(',').map((s) => s.trim())].filter((s) => s !== '');
  for (const secret of secrets) {
    if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      throw new Error(`${setting}: every secret must be at least ${MIN_SECRET_BYTES} bytes long`);
    }
  }
  const [first, ...rest] = secrets.map((secret) => ({ id: keyIdOf(secret), secret }));
  if (!first) throw new Error(`${setting}: a secret is required`);
  return { current: first, previous: rest };
}

/** The key with id `id` in the ring, if any. */
export function findKey(ring: SecretKeyring, id: string): SecretKey | undefined {
  return [ring.current, ...ring.previous].find((key) => key.id === id);
}

/** HMAC-SHA256 of `text` with the key's secret. */
export function hmac(key: SecretKey, text: string): Buffer {
  return createHmac('sha256', key.secret).update(text).digest();
}
