/**
 * Index changes that `createIndexes` cannot make by itself: MongoDB refuses an index whose key is
 * already indexed with other options, so an index that became unique is dropped first and built again.
 */
import type { Models } from './models/index.js';

interface IndexInfo {
  name?: string;
  unique?: boolean;
}

/** Indexes that must now be unique, by model: `lineUserId_1` (one customer per LINE user). */
const NOW_UNIQUE: { model: keyof Models; name: string }[] = [{ model: 'Customer', name: 'lineUserId_1' }];

/**
 * Drops the listed indexes where they exist without `unique`, so `createIndexes` builds them as the
 * models declare. Building a unique index fails when stored documents already share a value; the
 * error names the index and the duplicate (see docs/operations.md). Returns the names dropped.
 */
export async function upgradeIndexes(models: Models): Promise<string[]> {
  const dropped: string[] = [];
  for (const { model, name } of NOW_UNIQUE) {
    const collection = models[model].collection;
    const indexes = (await collection.indexes().catch(() => [])) as IndexInfo[];
    if (indexes.some((index) => index.name === name && index.unique !== true)) {
      await collection.dropIndex(name);
      dropped.push(`${collection.collectionName}.${name}`);
    }
  }
  return dropped;
}
