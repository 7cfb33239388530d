/**
 * Erasure of a customer's traces in the ledgers: journal and delivery rows stay (funnels and the send
 * ledger must keep adding up) but every id and key that names the customer is rewritten with an alias
 * (ids keep their shape, so the unique indexes and the per-run grouping of the stats still hold), and
 * free-text provider answers, which may quote an address, are removed.
 */
import { deleteCustomerSlots } from './delivery-slots.js';
import { duplicateKeyWrites } from './errors.js';
import { deleteCustomerJournalMarks } from './journal-counts.js';
import type { Models } from './models/index.js';

const replaceAll = (text: unknown, from: string, to: string) =>
  typeof text === 'string' ? text.split(from).join(to) : text;

/**
 * Rewrites the customer's journal rows: customer id, workflow id and row id name `alias`; deletes the
 * counters' marks that name the customer (the counters themselves name no one). Returns how many rows.
 */
export async function pseudonymiseJournal(models: Models, customerId: string, alias: string): Promise<number> {
  await deleteCustomerJournalMarks(models, customerId);
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
}

/**
 * Rewrites the customer's delivery rows with `alias` (a row whose `_id` names the customer is
 * re-inserted under the aliased id) and removes provider free text; deletes the customer's
 * frequency-cap claims (nothing will be sent to an erased customer). Returns how many rows. A retry
 * after a failure part-way finishes the work.
 */
export async function pseudonymiseDeliveries(models: Models, customerId: string, alias: string): Promise<number> {
  const rows = await models.Delivery.find({ customerId }).lean<Record<string, unknown>[]>();
  await deleteCustomerSlots(models, customerId);
  if (rows.length === 0) return 0;
  const aliased = rows.map(({ detail: _d, providerResponse: _p, ...row }) => ({
    ...row,
    _id: replaceAll(row._id, customerId, alias),
    customerId: alias,
    idempotencyKey: replaceAll(row.idempotencyKey, customerId, alias),
    ...(row.slotId === undefined ? {} : { slotId: replaceAll(row.slotId, customerId, alias) }),
  }));
  // Insert the aliased rows, then delete the originals: a failure in between leaves both, and a retry
  // (the originals still name the customer) finishes. Rows inserted by an earlier attempt are duplicates.
  await models.Delivery.collection.insertMany(aliased as never[], { ordered: false }).catch((err: unknown) => {
    if (duplicateKeyWrites(err) === null) throw err;
  });
  const renamed = new Set(aliased.map((row) => row._id));
  const originals = rows.map((r) => r._id).filter((id) => !renamed.has(id));
  // One delete per id: FerretDB pushes `_id` equality down, not `$in`.
  for (const id of originals) await models.Delivery.deleteOne({ _id: id as never });
  // Rows whose id does not name the customer kept their id: rewrite them in place.
  for (const row of aliased.filter((r) => rows.some((o) => o._id === r._id))) {
    await models.Delivery.collection.replaceOne({ _id: row._id as never }, row);
  }
  return rows.length;
}
