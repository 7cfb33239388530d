/** The journal: engine journal records of every run, for per-step funnels. Written in batches, once per row. */
import { duplicateKeyWrites, isDuplicateKeyError } from './errors.js';
import { countJournalRows } from './journal-counts.js';
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

/**
 * Inserts a batch of rows; rows already written (same `rowId`) are left as they are, so a batch
 * re-sent by an activity retry or a replay writes each row exactly once. Returns how many were new.
 */
export async function appendJournal(models: Models, rows: readonly JournalRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const docs = rows.map(({ atMs, ...row }) => ({ ...row, at: new Date(atMs) }));
  let refused: number[] = [];
  try {
    await models.JournalRow.insertMany(docs, { ordered: false });
  } catch (err) {
    // A batch of one may fail as a single write, without a list of write errors.
    refused = duplicateKeyWrites(err) ?? (isDuplicateKeyError(err) && rows.length === 1 ? [0] : []);
    if (refused.length === 0) throw err;
  }
  const taken = new Set(refused);
  const fresh = rows.filter((_, i) => !taken.has(i));
  await countJournalRows(models, fresh);
  return fresh.length;
}

/** The journal rows of one customer in one journey, oldest first. */
export async function readJournal(
  models: Models,
  query: { journeyId: string; customerId: string },
): Promise<JournalRow[]> {
  const docs = await models.JournalRow.find(query, { _id: 0, __v: 0 }).sort({ at: 1, rowId: 1 }).lean();
  return docs.map(({ at, ...row }) => ({ ...(row as unknown as Omit<JournalRow, 'atMs'>), atMs: at.getTime() }));
}

/** What per-step figures read of a journal row (rows are small: no profile data). */
export interface JournalStatsRow {
  rowId: string;
  customerId: string;
  stepId: string | null;
  action: string;
  reason: string | null;
  detail?: Record<string, unknown>;
  /** When it happened (the day counters, store/journal-days.ts). */
  at?: Date;
}

/**
 * The journal rows of one journey version, streamed through a `$match`/`$project` pipeline (FerretDB
 * pushes the equality match down), for the caller to count.
 */
export function streamVersionJournal(
  models: Models,
  journeyId: string,
  version: number,
): AsyncIterable<JournalStatsRow> {
  return models.JournalRow.aggregate<JournalStatsRow>([
    { $match: { journeyId, version } },
    { $project: { _id: 0, rowId: 1, customerId: 1, stepId: 1, action: 1, reason: 1, detail: 1, at: 1 } },
  ]).cursor() as AsyncIterable<JournalStatsRow>;
}

/** The latest row (by time) of one run's workflow for the customer in the journey, or null. */
export async function findLatestJournalRow(
  models: Models,
  query: { customerId: string; journeyId: string; workflowId: string },
): Promise<{ rowId: string; version: number } | null> {
  const { customerId, journeyId, workflowId } = query;
  return models.JournalRow.findOne({ customerId, journeyId, workflowId }, { rowId: 1, version: 1 })
    .sort({ at: -1 })
    .lean<{ rowId: string; version: number }>();
}

/**
 * Until when a run waits at a step: the `untilMs` of its latest `waiting` row there (a run the runtime
 * says is at that step waits on its latest one), or null. Narrowed by the customer first (indexed).
 */
export async function findRunWaitUntil(
  models: Models,
  query: { customerId: string; journeyId: string; workflowId: string; stepId: string },
): Promise<number | null> {
  const row = await models.JournalRow.findOne({ ...query, action: 'waiting' }, { _id: 0, detail: 1 })
    .sort({ at: -1 })
    .lean<{ detail?: { untilMs?: unknown } }>();
  const until = row?.detail?.untilMs;
  return typeof until === 'number' ? until : null;
}
