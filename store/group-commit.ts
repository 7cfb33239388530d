/**
 * Group commit: concurrent callers' items are written together in one call, and each caller is
 * answered when the write holding its item is done. While one write is in flight the next group
 * gathers, so a lone request waits for nobody and a stream of them shares writes (FerretDB stores ten
 * events in one `insertMany` about as fast as one in an `insertOne`).
 */
export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
}

/** `write` receives up to `maxItems` items and answers one result per item, in order. */
export function createGroupCommit<T, R>(
  write: (items: T[]) => Promise<R[]>,
  opts: { maxItems?: number; maxInFlight?: number } = {},
): GroupCommit<T, R> {
  const maxItems = opts.maxItems ?? 200;
  const maxInFlight = opts.maxInFlight ?? 2;
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (queue.length > 0 && inFlight < maxInFlight) {
      const group = queue.slice(0, maxItems);
      queue = queue.slice(maxItems);
      inFlight += 1;
      write(group.map((g) => g.item))
        .then((results) => group.forEach((g, i) => g.resolve(results[i] as R)))
        .catch((err: unknown) => group.forEach((g) => g.reject(err)))
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
