/**
 * Holding a document's lock in one store while another store's writer queues for it: the held lock
 * stands for a writer of another process caught between its read and its write, and the waiter is seen
 * in PostgreSQL's `pg_locks` (an advisory lock not granted), so a test knows the writer has come as
 * far as the lock without guessing a delay.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { lockDocument } from '../../store/document-locks.js';
import type { Store } from '../../store/connection.js';

/** A document lock held by the test until {@link HeldLock.release}; the test writes meanwhile as its holder. */
export interface HeldLock {
  /** Resolves once a writer of another store waits for this lock; rejects, letting go, after `timeoutMs`. */
  waiter(timeoutMs?: number): Promise<void>;
  release(): Promise<void>;
}

/** Takes the lock of document `id` of `collection` in `store` and holds it. */
export async function holdDocumentLock(store: Store, collection: string, id: string): Promise<HeldLock> {
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding: Promise<void> = Promise.resolve();
  await new Promise<void>((acquired) => {
    holding = lockDocument(store.models, collection, id, async () => {
      acquired();
      await held;
    });
  });
  const key = `${store.connection.name}/${collection}/${id}`;
  return {
    async waiter(timeoutMs = 10_000) {
      // A writer that never comes fails the test; the lock is let go so the stores can still close.
      await waitForLockWaiter(key, timeoutMs).catch(async (err: unknown) => {
        release();
        await holding;
        throw err;
      });
    },
    async release() {
      release();
      await holding;
    },
  };
}

/** Polls `pg_locks` until a session waits for the advisory lock of `key` (document-locks.ts's hash). */
async function waitForLockWaiter(key: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rowCount } = await client.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
           AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
        [key],
      );
      if ((rowCount ?? 0) > 0) return;
      await sleep(20);
    }
    throw new Error(`no writer came to wait for the lock of ${key} within ${timeoutMs} ms`);
  } finally {
    await client.end();
  }
}
