/**
 * Erasure of a customer's traces outside the profile and events: journal and delivery rows stay
 * (funnels and the send ledger must keep adding up) but lose everything that names the customer. The
 * customer id is replaced by a pseudonym (`erased:<sha256 prefix>`) wherever it appears (ids and keys
 * built from it keep their shape, so the unique indexes and the per-run grouping of the stats still
 * hold), and free-text provider answers, which may quote an address, are removed.
 */
import { createHash } from 'node:crypto';
import type { Models } from '../../store/models/index.js';
import type { Eraser } from './routes.js';

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

/**
 * Delivery rows: customer id, and the ids and keys built from it, pseudonymised (a row whose `_id`
 * names the customer is re-inserted under the pseudonymous id); provider free text removed. The
 * customer's frequency-cap claims are deleted (nothing will be sent to an erased customer).
 */
export function deliveriesEraser(models: Models): Eraser {
  return {
    name: 'deliveries',
    async erase(customerId) {
      const alias = pseudonym(customerId);
      const rows = await models.Delivery.find({ customerId }).lean<Record<string, unknown>[]>();
      const escaped = customerId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await models.DeliveryClaim.deleteMany({ _id: { $regex: `^(slot|head)\\|${escaped}\\|` } });
      if (rows.length === 0) return 0;
      const pseudonymous = rows.map(({ detail: _d, providerResponse: _p, ...row }) => ({
        ...row,
        _id: replaceAll(row._id, customerId, alias),
        customerId: alias,
        idempotencyKey: replaceAll(row.idempotencyKey, customerId, alias),
        ...(row.slotId === undefined ? {} : { slotId: replaceAll(row.slotId, customerId, alias) }),
      }));
      // Insert the pseudonymous rows, then delete the originals: a failure in between leaves both,
      // and a retry (the originals still name the customer) finishes.
      await models.Delivery.collection.insertMany(pseudonymous as never[], { ordered: false }).catch((err: unknown) => {
        const errors = (err as { writeErrors?: { code?: number }[] }).writeErrors;
        if (!Array.isArray(errors) || errors.some((e) => e.code !== 11000)) throw err;
      });
      const renamed = new Set(pseudonymous.map((row) => row._id));
      const originals = rows.map((r) => r._id).filter((id) => !renamed.has(id));
      await models.Delivery.deleteMany({ _id: { $in: originals as never[] } });
      // Rows whose id does not name the customer kept their id: rewrite them in place.
      for (const row of pseudonymous.filter((r) => rows.some((o) => o._id === r._id))) {
        await models.Delivery.collection.replaceOne({ _id: row._id as never }, row);
      }
      return rows.length;
    },
  };
}
