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
