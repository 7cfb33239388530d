/**
 * Pseudonyms of erased customers: `erased:<key id>:<HMAC-SHA256 of the id, 24 bytes hex>`. Without the
 * secret, a list of candidate ids (emails, order numbers) cannot be hashed to find who a row was. The
 * key id rides in the pseudonym, so after a rotation the rows made with an older key still say which
 * key made them, and {@link pseudonymsOf} finds a customer's rows under every key still configured.
 */
import { DeliveryConfigError, isLocalDevelopment } from '../../channels/delivery-config.js';
import { hmac, keyringOf, type SecretKey, type SecretKeyring } from '../../channels/secret-keys.js';

/** The pseudonym that replaces `customerId`, made with `key`. */
export function pseudonymWith(key: SecretKey, customerId: string): string {
  return `erased:${key.id}:${hmac(key, `customer\u0000${customerId}`).toString('hex').slice(0, 48)}`;
}

/** The pseudonym erasure writes now (the ring's current key). */
export function pseudonym(ring: SecretKeyring, customerId: string): string {
  return pseudonymWith(ring.current, customerId);
}

/** Every pseudonym `customerId` may have in stored rows: one per key of the ring, current first. */
export function pseudonymsOf(ring: SecretKeyring, customerId: string): string[] {
  return [ring.current, ...ring.previous].map((key) => pseudonymWith(key, customerId));
}

/** The pseudonym secret of local development only (see {@link isLocalDevelopment}). */
const LOCAL_PSEUDONYM_SECRET = 'local-pseudonym-secret-of-at-least-32-bytes';

/**
 * The pseudonym keys from `KIZUNA_PSEUDONYM_SECRET` (32 bytes or more) and
 * `KIZUNA_PSEUDONYM_PREVIOUS_SECRETS` (comma-separated, after a rotation). Without a secret, local
 * development uses a value of the code and anything else throws {@link DeliveryConfigError}.
 */
export function pseudonymKeysFromEnv(env: Record<string, string | undefined>): SecretKeyring {
  const secret = env.KIZUNA_PSEUDONYM_SECRET;
  if (!secret && !isLocalDevelopment(env)) {
    throw new DeliveryConfigError(
      ['KIZUNA_PSEUDONYM_SECRET'],
      'KIZUNA_PSEUDONYM_SECRET is required (32 bytes or more; see docs/security.md), unless KIZUNA_ENV=development',
    );
  }
  try {
    return keyringOf(
      secret || LOCAL_PSEUDONYM_SECRET,
      env.KIZUNA_PSEUDONYM_PREVIOUS_SECRETS,
      'KIZUNA_PSEUDONYM_SECRET',
    );
  } catch (err) {
    throw new DeliveryConfigError(['KIZUNA_PSEUDONYM_SECRET'], (err as Error).message);
  }
}
