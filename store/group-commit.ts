/**
 * Group commit: concurrent callers' items are written together in one call, and each caller is
 * answered when the write holding its item is done. While one write is in flight the next group
 * gathers, so a lone request waits for nobody and a stream of them shares writes (FerretDB stores ten
 * events in one `insertMany` about as fast as one in an `insertOne`).
 *
 * One caller's bad item must not fail the others: when a write fails in a way `splitOn` says is the
 * items' fault (not an outage), the group is halved and each half written again, down to the item
 * that fails alone.
 */
import { DUPLICATE_KEY, duplicateKeyWrites, isDuplicateKeyError } from './errors.js';

export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
}

/** One item's outcome of {@link writeSplitting}. */
export type ItemOutcome<R> = { ok: R } | { error: unknown };

/**
 * Writes `items` with `write`; when it throws an error `splitOn` accepts, writes each half again
 * (in turn, so one bad item costs about 2·log2(n) extra writes), so only the items that fail on their
 * own get the error. Other errors (e.g. the store is down) fail every item at once.
 */
export async function writeSplitting<T, R>(
  write: (items: T[]) => Promise<R[]>,
  items: T[],
  splitOn: (err: unknown) => boolean,
): Promise<ItemOutcome<R>[]> {
  try {
    return (await write(items)).map((ok) => ({ ok }));
  } catch (error) {
    if (items.length <= 1 || !splitOn(error)) return items.map(() => ({ error }));
    const middle = Math.ceil(items.length / 2);
    const first = await writeSplitting(write, items.slice(0, middle), splitOn);
    return [...first, ...(await writeSplitting(write, items.slice(middle), splitOn))];
  }
}

/** `write` receives up to `maxItems` items and answers one result per item, in order. */
export function createGroupCommit<T, R>(
  write: (items: T[]) => Promise<R[]>,
  opts: { maxItems?: number; maxInFlight?: number; splitOn?: (err: unknown) => boolean } = {},
): GroupCommit<T, R> {
  const maxItems = opts.maxItems ?? 200;
  const maxInFlight = opts.maxInFlight ?? 2;
  const splitOn = opts.splitOn ?? (() => false);
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (queue.length > 0 && inFlight < maxInFlight) {
      const group = queue.slice(0, maxItems);
      queue = queue.slice(maxItems);
      inFlight += 1;
      void writeSplitting(
        write,
        group.map((g) => g.item),
        splitOn,
      )
        .then((outcomes) =>
          group.forEach((g, i) => {
            const outcome = outcomes[i]!;
            if ('ok' in outcome) g.resolve(outcome.ok);
            else g.reject(outcome.error);
          }),
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // Let the requests already parsed in this turn of the event loop join the same write.
        if (queue.length === 1) setImmediate(pump);
      });
    },
  };
}

/** The answer to each insert of a batch: null when it went in, else the error that refused it. */
type InsertAnswer = Error | null;

/**
 * Inserts concurrent callers' documents into one collection with one unordered `insertMany` per group
 * (one round trip and one PostgreSQL transaction on FerretDB instead of one each). Each caller gets its
 * own answer: resolved when its document went in, rejected with the duplicate-key error when a unique
 * index refused it — as a lone insert would answer, so callers keep their duplicate-key handling. A
 * batch that failed otherwise, or whose refused writes the driver does not name, fails every caller with
 * its error, as a lost reply would: writing it again would refuse the documents that went in the first
 * time, telling their callers someone else holds their key.
 */
export function createInsertGroup(insertMany: (docs: object[]) => Promise<unknown>): (doc: object) => Promise<void> {
  const group = createGroupCommit<object, InsertAnswer>(async (docs) => {
    try {
      await insertMany(docs);
      return docs.map(() => null);
    } catch (err) {
      const refused = duplicateKeyWrites(err);
      if (docs.length === 1 && isDuplicateKeyError(err)) return [err as Error];
      if (refused === null || refused.includes(-1)) throw err;
      const set = new Set(refused);
      // Each refused caller gets a lone insert's error: code 11000, what isDuplicateKeyError looks for.
      const duplicate = Object.assign(new Error(`E11000 duplicate key: ${(err as Error).message}`), {
        code: DUPLICATE_KEY,
      });
      return docs.map((_, i) => (set.has(i) ? duplicate : null));
    }
  });
  return async (doc) => {
    const refused = await group.submit(doc);
    if (refused !== null) throw refused;
  };
}

/**
 * One {@link createInsertGroup} per store (models) and collection, made on first use: the callers of one
 * process share it, while stores of different databases (tests, benches) keep theirs apart.
 */
export function groupedPerStore<M extends object>(
  insertMany: (models: M) => (docs: object[]) => Promise<unknown>,
): (models: M, doc: object) => Promise<void> {
  const groups = new WeakMap<M, (doc: object) => Promise<void>>();
  return (models, doc) => {
    let insert = groups.get(models);
    if (!insert) groups.set(models, (insert = createInsertGroup(insertMany(models))));
    return insert(doc);
  };
}
