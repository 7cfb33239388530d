/**
 * Makes sure the customers of incoming events exist, in bulk: one `$in` read for a whole group of
 * customer ids and one unordered insert of the missing ones (with their first touch as acquisition
 * source). On FerretDB every read of `customers` by `customerId` scans the collection, so one read per
 * group instead of one per event is what lets events of new customers keep up. A process remembers the
 * customers it has seen, so their next events need no read at all.
 *
 * It writes `customers` directly (creation only, never a profile field of an existing customer); the
 * runtime's store/customers.ts is the natural home for `ensureCustomers` and can take it over as is.
 */
import type { Models } from '../store/models/index.js';
import { createGroupCommit } from './group-commit.js';

const DUPLICATE_KEY = 11000;
const KNOWN_LIMIT = 100_000;

/** Creates the customers among `wanted` that do not exist; returns how many it created. */
export async function ensureCustomers(
  models: Models,
  wanted: readonly { customerId: string; acquisitionSource: string }[],
): Promise<number> {
  const ids = [...new Set(wanted.map((w) => w.customerId))];
  if (ids.length === 0) return 0;
  const existing = await models.Customer.find({ customerId: { $in: ids } }, { customerId: 1, _id: 0 }).lean<
    { customerId: string }[]
  >();
  const have = new Set(existing.map((c) => c.customerId));
  const now = new Date();
  const missing = new Map<string, string>();
  for (const w of wanted)
    if (!have.has(w.customerId) && !missing.has(w.customerId)) missing.set(w.customerId, w.acquisitionSource);
  if (missing.size === 0) return 0;
  const docs = [...missing].map(([customerId, acquisitionSource]) => ({
    customerId,
    acquisitionSource,
    consent: { email: 'unknown', line: 'unknown' },
    tags: [],
    createdAt: now,
    updatedAt: now,
  }));
  try {
    await models.Customer.collection.insertMany(docs, { ordered: false });
    return docs.length;
  } catch (err) {
    // Another process created some of them meanwhile: they exist, which is all that is asked.
    const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : null;
    if (!list || list.some((e) => e.code !== DUPLICATE_KEY)) throw err;
    return docs.length - list.length;
  }
}

/** Per-process registry: known customers skip the read; unknown ones are ensured in groups. */
export function createCustomerRegistry(models: Models) {
  const known = new Set<string>();
  const group = createGroupCommit(async (items: { customerId: string; acquisitionSource: string }[]) => {
    await ensureCustomers(models, items);
    return items.map(() => undefined);
  });
  return {
    async ensure(customerId: string, acquisitionSource: string): Promise<void> {
      if (known.has(customerId)) return;
      await group.submit({ customerId, acquisitionSource });
      if (known.size >= KNOWN_LIMIT) known.clear();
      known.add(customerId);
    },
    /** Ensures many at once (a batch): one read and one insert for those not known yet. */
    async ensureMany(wanted: { customerId: string; acquisitionSource: string }[]): Promise<void> {
      const unknown = wanted.filter((w) => !known.has(w.customerId));
      await ensureCustomers(models, unknown);
      if (known.size + unknown.length >= KNOWN_LIMIT) known.clear();
      for (const w of unknown) known.add(w.customerId);
    },
    forget(customerId: string): void {
      known.delete(customerId);
    },
  };
}
