/**
 * Memory for what a journey head determines and never changes: a published version (journey, version,
 * content hash) is immutable, and so is everything read from it or from the versions before it.
 */
import type { Models } from '../store/connection.js';

export interface HeadKey {
  journeyId: string;
  version: number;
  contentHash: string;
}

/** At most this many heads are kept per store; past it the memory starts over. */
const KEPT = 200;

/**
 * Wraps `load` so each (store, head) is read once. A failed read, or a value `keep` refuses (a
 * version not found), is not kept: the next call reads again.
 */
export function keptByHead<T>(
  load: (models: Models, head: HeadKey) => Promise<T>,
  keep: (value: T) => boolean = () => true,
): (models: Models, head: HeadKey) => Promise<T> {
  const stores = new WeakMap<Models, Map<string, Promise<T>>>();
  return (models, head) => {
    let cache = stores.get(models);
    if (!cache) stores.set(models, (cache = new Map<string, Promise<T>>()));
    const key = `${head.journeyId}|${head.version}|${head.contentHash}`;
    let value = cache.get(key);
    if (!value) {
      if (cache.size >= KEPT) cache.clear();
      const entries = cache;
      value = load(models, head);
      entries.set(key, value);
      value.then(
        (v) => keep(v) || entries.delete(key),
        () => entries.delete(key),
      );
    }
    return value;
  };
}
