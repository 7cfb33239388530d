/**
 * Makes sure the customers of incoming events exist, in groups: concurrent requests' new customers
 * are created in one unordered insert (`ensureCustomers`). A process remembers the customers it has
 * seen, so their next events need no write at all.
 */
import { ensureCustomers } from '../../store/customers.js';
import type { Models } from '../../store/connection.js';
import { createGroupCommit } from './group-commit.js';

const KNOWN_LIMIT = 100_000;

/** Per-process registry: known customers need no write; unknown ones are ensured in groups. */
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
    /** Ensures many at once (a batch): one insert for those not known yet. */
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
