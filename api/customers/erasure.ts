/**
 * Erasure of a customer's traces outside the profile and events: journal and delivery rows stay
 * (funnels and the send ledger must keep adding up) but lose everything that names the customer. The
 * customer id is replaced by a pseudonym (`erased:<sha256 prefix>`) wherever it appears (see
 * store/erasure.ts).
 */
import { createHash } from 'node:crypto';
import type { Models } from '../../store/connection.js';
import { pseudonymiseDeliveries, pseudonymiseJournal } from '../../store/erasure.js';
import type { Eraser } from './routes.js';

/** The pseudonym that replaces an erased customer id. */
export function pseudonym(customerId: string): string {
  return `erased:${createHash('sha256').update(customerId).digest('hex').slice(0, 24)}`;
}

/** Journal rows: customer id, workflow id and row id pseudonymised. */
export function journalEraser(models: Models): Eraser {
  return { name: 'journal', erase: (customerId) => pseudonymiseJournal(models, customerId, pseudonym(customerId)) };
}

/**
 * Delivery rows: customer id, and the ids and keys built from it, pseudonymised; provider free text
 * removed; the customer's frequency-cap claims deleted.
 */
export function deliveriesEraser(models: Models): Eraser {
  return {
    name: 'deliveries',
    erase: (customerId) => pseudonymiseDeliveries(models, customerId, pseudonym(customerId)),
  };
}
