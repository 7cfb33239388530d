/**
 * One writer at a time per document, for the documents several writers change at once (a customer's
 * profile, a journey head). FerretDB v1 applies every update — `$set`, `$inc`, `$addToSet`,
 * `findOneAndUpdate`, a conditional filter — by reading the document, changing it in memory and writing
 * the whole document back by `_id`, with no row lock between the read and the write: two concurrent
 * updates of one document can each overwrite the other's change, and a filter such as
 * `{ rev: 3 }` is checked against the read, not at the write, so a compare-and-set is not atomic
 * either. MongoDB applies each update atomically; the lock costs it a little and changes nothing.
 *
 * Two layers:
 * - in the process, a queue per document (writers of one document wait their turn in memory);
 * - across processes, when the store knows FerretDB's PostgreSQL (`KIZUNA_POSTGRES_URL`), a
 *   PostgreSQL session advisory lock per document, held for the write. A crashed holder's session ends
 *   and PostgreSQL releases its lock; no lease has to run out.
 *
 * Without that URL only the in-process queue holds: one API or worker process is safe, several
 * processes writing one document at the same moment are not (see docs/architecture.md).
 */
import pg from 'pg';

/** Runs `write` while no other writer of the same document runs. */
export interface DocumentLocks {
  withLock<T>(key: string, write: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How long a writer waits for another process's lock before its write fails. @default 15000 */
const LOCK_TIMEOUT_MS = 15_000;

/**
 * The locks of one store. `postgresUrl` (FerretDB's PostgreSQL) adds the cross-process layer;
 * `namespace` (the database name) keeps stores sharing one PostgreSQL apart.
 */
export function createDocumentLocks(opts: { namespace: string; postgresUrl?: string | undefined }): DocumentLocks {
  const pool = opts.postgresUrl
    ? new pg.Pool({ connectionString: opts.postgresUrl, max: 10, lock_timeout: LOCK_TIMEOUT_MS })
    : null;
  // Idle clients that PostgreSQL drops must not crash the process: the pool replaces them.
  pool?.on('error', () => undefined);
  const queue = createKeyedQueue();
  return {
    withLock: (key, write) =>
      queue.run(key, () => (pool ? withAdvisoryLock(pool, `${opts.namespace}/${key}`, write) : write())),
    close: async () => {
      await pool?.end();
    },
  };
}

/** Holds PostgreSQL's session advisory lock on `key` while `write` runs. */
async function withAdvisoryLock<T>(pool: pg.Pool, key: string, write: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
  } catch (err) {
    client.release(true);
    throw err;
  }
  try {
    return await write();
  } finally {
    try {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      client.release();
    } catch {
      // An unlock that failed leaves the lock with the session: ending the session releases it.
      client.release(true);
    }
  }
}

/** Runs tasks of one key one after another, tasks of different keys side by side. */
function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const before = tails.get(key) ?? Promise.resolve();
      const result = before.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      // The map keeps only keys with a task pending.
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}

const registry = new WeakMap<object, DocumentLocks>();
const fallback = new WeakMap<object, DocumentLocks>();

/** Binds a store's locks to its models, so every writer given the models finds them. */
export function bindDocumentLocks(models: object, locks: DocumentLocks): void {
  registry.set(models, locks);
}

/**
 * Runs `write` holding the lock of document `id` of `collection` in the store `models` belongs to.
 * Models built without {@link bindDocumentLocks} (tools, some tests) get an in-process queue.
 */
export function lockDocument<T>(models: object, collection: string, id: string, write: () => Promise<T>): Promise<T> {
  let locks = registry.get(models) ?? fallback.get(models);
  if (!locks) {
    locks = createDocumentLocks({ namespace: 'local' });
    fallback.set(models, locks);
  }
  return locks.withLock(`${collection}/${id}`, write);
}
