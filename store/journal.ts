/** The journal: engine journal records of every run, for per-step funnels. Written in batches, once per row. */
import type { Models } from './models/index.js';

/** One journal row as the runtime writes it. `rowId` is stable across retries and replays. */
export interface JournalRow {
  rowId: string;
  journeyId: string;
  version: number;
  customerId: string;
  workflowId: string;
  stepId: string | null;
  stepKind: string | null;
  action: string;
  reason: string | null;
  detail: { [key: string]: string | number | boolean | null };
  atMs: number;
}

const DUPLICATE_KEY = 11000;

/**
 * Inserts a batch of rows; rows already written (same `rowId`) are left as they are, so a batch
 * re-sent by an activity retry or a replay writes each row exactly once. Returns how many were new.
 */
export async function appendJournal(models: Models, rows: readonly JournalRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const docs = rows.map(({ atMs, ...row }) => ({ ...row, at: new Date(atMs) }));
  try {
    const inserted = await models.JournalRow.insertMany(docs, { ordered: false });
    return inserted.length;
  } catch (err) {
    const e = err as {
      code?: number;
      writeErrors?: { code?: number; err?: { code?: number } }[];
      insertedDocs?: unknown[];
    };
    const errors = e.writeErrors ?? (e.code === undefined ? [] : [{ code: e.code }]);
    const onlyDuplicates = errors.length > 0 && errors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY);
    if (!onlyDuplicates) throw err;
    return rows.length - errors.length;
  }
}

/** The journal rows of one customer in one journey, oldest first. */
export async function readJournal(
  models: Models,
  query: { journeyId: string; customerId: string },
): Promise<JournalRow[]> {
  const docs = await models.JournalRow.find(query, { _id: 0, __v: 0 }).sort({ at: 1, rowId: 1 }).lean();
  return docs.map(({ at, ...row }) => ({ ...(row as unknown as Omit<JournalRow, 'atMs'>), atMs: at.getTime() }));
}
