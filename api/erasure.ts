/**
 * Erasure of a customer's traces outside the profile and events: journal and delivery rows stay
 * (funnels and the send ledger must keep adding up) but lose everything that names the customer. The
 * customer id is replaced by a pseudonym (`erased:<sha256 prefix>`) wherever it appears (ids and keys
 * built from it keep their shape, so the unique indexes and the per-run grouping of the stats still
 * hold), and free-text provider answers, which may quote an address, are removed.
 */
import { createHash } from 'node:crypto';
import type { Models } from '../store/models/index.js';
import type { Eraser } from './customers-routes.js';

/** The pseudonym that replaces an erased customer id. */
export function pseudonym(customerId: string): string {
  return `erased:${createHash('sha256').update(customerId).digest('hex').slice(0, 24)}`;
}

const replaceAll = (text: unknown, from: string, to: string) =>
  typeof text === 'string' ? text.split(from).join(to) : text;

/** Journal rows: customer id, workflow id and row id pseudonymised. */
export function journalEraser(models: Models): Eraser {
  return {
    name: 'journal',
    async erase(customerId) {
      const alias = pseudonym(customerId);
      const rows = await models.JournalRow.find({ customerId }, { _id: 1, rowId: 1, workflowId: 1 }).lean();
      if (rows.length === 0) return 0;
      await models.JournalRow.bulkWrite(
        rows.map((row) => ({
          updateOne: {
            filter: { _id: row._id },
            update: {
              $set: {
                customerId: alias,
                workflowId: replaceAll(row.workflowId, customerId, alias),
                rowId: replaceAll(row.rowId, customerId, alias),
              },
            },
          },
        })),
        { ordered: false },
      );
      return rows.length;
    },
  };
}

/** Delivery rows: customer id and the keys built from it pseudonymised; provider free text removed. */
export function deliveriesEraser(models: Models): Eraser {
  return {
    name: 'deliveries',
    async erase(customerId) {
      const alias = pseudonym(customerId);
      const rows = await models.Delivery.find({ customerId }, { _id: 1, idempotencyKey: 1, capSlot: 1 }).lean();
      if (rows.length === 0) return 0;
      await models.Delivery.bulkWrite(
        rows.map((row) => ({
          updateOne: {
            filter: { _id: row._id },
            update: {
              $set: {
                customerId: alias,
                idempotencyKey: replaceAll(row.idempotencyKey, customerId, alias),
                capSlot: replaceAll(row.capSlot, customerId, alias),
              },
              $unset: { detail: '', providerResponse: '' },
            },
          },
        })),
        { ordered: false },
      );
      return rows.length;
    },
  };
}
