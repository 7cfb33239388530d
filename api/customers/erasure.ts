/**
 * Erasure of a customer's traces outside the profile and events: journal and delivery rows stay
 * (funnels and the send ledger must keep adding up) but lose everything that names the customer. The
 * customer id is replaced by a keyed pseudonym (`erased:<key id>:<HMAC>`, see pseudonyms.ts) wherever it
 * appears (see store/erasure.ts).
 */
import type { SecretKeyring } from '../../channels/secret-keys.js';
import type { Models } from '../../store/connection.js';
import { pseudonymiseDeliveries, pseudonymiseJournal } from '../../store/erasure.js';
import { pseudonym } from './pseudonyms.js';
import type { Eraser } from './routes.js';

/** The keys of pseudonyms; `null` refuses erasure of ledger rows rather than hash without a secret. */
export type Keys = SecretKeyring | null;

/** The customer's pseudonym under the current key. Throws when no pseudonym secret is configured. */
export function aliasOf(keys: Keys, customerId: string): string {
  if (keys === null) {
    throw new Error('erasure needs the pseudonym secret (KIZUNA_PSEUDONYM_SECRET, see docs/security.md)');
  }
  return pseudonym(keys, customerId);
}

/** Journal rows: customer id, workflow id and row id pseudonymised. */
export function journalEraser(models: Models, keys: Keys): Eraser {
  return {
    name: 'journal',
    check: () => void aliasOf(keys, 'check'),
    erase: (customerId) => pseudonymiseJournal(models, customerId, aliasOf(keys, customerId)),
  };
}

/**
 * Delivery rows: customer id, and the ids and keys built from it, pseudonymised; provider free text
 * removed; the customer's frequency-cap claims deleted.
 */
export function deliveriesEraser(models: Models, keys: Keys): Eraser {
  return {
    name: 'deliveries',
    check: () => void aliasOf(keys, 'check'),
    erase: (customerId) => pseudonymiseDeliveries(models, customerId, aliasOf(keys, customerId)),
  };
}
