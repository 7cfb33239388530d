/**
 * Finding a customer by what a support person has at hand: an email address (the console's customer
 * look-up). An equality on the indexed `email` field, which FerretDB pushes down: the cost follows the
 * customers holding that address, not the size of the collection.
 */
import type { Models } from './models/index.js';

/** The ids of the customers whose `email` is exactly `email`, at most `limit`, by id. */
export async function findCustomerIdsByEmail(models: Models, email: string, limit: number): Promise<string[]> {
  const rows = await models.Customer.find({ email }, { customerId: 1, _id: 0 })
    .sort({ customerId: 1 })
    .limit(limit)
    .lean<{ customerId: string }[]>();
  return rows.map((r) => r.customerId);
}
