/**
 * How MongoDB (and FerretDB, which answers the same codes) reports a write refused by a unique index.
 * The store's idempotent writes rely on it: a duplicate key means "already written", not a failure.
 */

/** MongoDB's error code for a write refused by a unique index. */
export const DUPLICATE_KEY = 11000;

interface WriteError {
  index?: number;
  code?: number;
  err?: { code?: number };
}

/** Whether a single write (insert, upsert, create) failed because a unique index refused it. */
export function isDuplicateKeyError(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/**
 * The refused writes of an unordered bulk write that failed only on unique indexes: their indexes in
 * the batch (`-1` when the driver did not say). Null when the error carries no write errors or any of
 * them is something else than a duplicate key (then nothing can be assumed about the batch).
 */
export function duplicateKeyWrites(err: unknown): number[] | null {
  const writeErrors = (err as { writeErrors?: WriteError[] | WriteError } | null)?.writeErrors;
  if (writeErrors === undefined || writeErrors === null) return null;
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  if (list.some((e) => (e.code ?? e.err?.code) !== DUPLICATE_KEY)) return null;
  return list.map((e) => e.index ?? -1);
}
