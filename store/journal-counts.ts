/**
 * The journal's counters: per-step figures of a journey version kept up to date as journal rows are
 * written, so reading them costs a few rows whatever the size of the journal (FerretDB v1 runs no
 * `$group` in the database: counting a million rows would mean reading them all).
 *
 * Counter keys of a version:
 * - `rows:<group>`: journal rows of one group (step, action, reason, template, channel, holdout,
 *   attributed step), everything the funnel tells apart but the run;
 * - `runs`, `reached:<step>`, `converted`: distinct runs (seen at all, at a step, converted), moved
 *   only by a new mark (store/models/journal-count.ts);
 * - `holdout`, `holdoutConverted`: runs of the holdout, and those of them that converted;
 * - `complete`: present when the counters cover every row of the version (set at publish, or by a
 *   recount of a version journaled before counters existed); `breakdowns` likewise for the per-value
 *   counters (`by:<field>=<value>|<key>`, store/journal-breakdowns.ts), `days` for the day counters
 *   (`day:<YYYY-MM-DD>|<fact>`, store/journal-days.ts);
 *
 * Each journal batch inserts one delta per version (never an update: FerretDB v1 can lose one of two
 * concurrent `$inc`); reads fold deltas into a new total now and then. Counters move after the rows
 * are inserted: a crash between the two leaves that batch uncounted (`kizuna stats --recount`
 * rebuilds a version's counters from its journal).
 */
import { randomUUID } from 'node:crypto';
import { duplicateKeyWrites, isDuplicateKeyError } from './errors.js';
import { breakdownKeys, dimsOfRuns } from './journal-breakdowns.js';
import { dayMoves } from './journal-days.js';
import type { JournalRow } from './journal.js';
import type { Models } from './models/index.js';

/** What the funnel tells apart in a row, but the run. */
export interface CountedGroup {
  stepId: string | null;
  action: string;
  reason: string | null;
  template: string | null;
  channel: string | null;
  holdout: boolean | null;
  attributedTo: string | null;
}

/** A version's counters by key (see the module's summary). */
export interface JournalCounts {
  complete: boolean;
  /** Whether the day counters (`day:` keys) cover every row too. */
  days: boolean;
  /** Whether the per-value counters (`by:` keys) cover every row too. */
  breakdowns: boolean;
  counts: Map<string, number>;
}

type CountedRow = Pick<
  JournalRow,
  'rowId' | 'journeyId' | 'version' | 'customerId' | 'stepId' | 'action' | 'reason'
> & {
  detail?: Record<string, unknown> | null;
  /** When the row happened (rows from the engine); `at` when read back from the journal. */
  atMs?: number;
  at?: Date;
};

const runOf = (rowId: string) => rowId.slice(0, rowId.lastIndexOf('/'));

/**
 * Reasons of the `dropped` rows journaled for an entry event that reached no run: the run it found
 * going would not act on it, or a keyed entry came without its key (runtime/dropped-entry.ts). Their row
 * ids (`<workflowId>/entry/<eventId>`) name no run of the journey, so they move no run counter.
 */
export const ENTRY_DROP_REASONS = ['already-in-journey', 'missing-key'] as const;

/** Whether a row is an entry event dropped before any run: counted as its group's row, never as a run. */
const outsideAnyRun = (row: CountedRow) =>
  row.stepId === null &&
  row.action === 'dropped' &&
  (ENTRY_DROP_REASONS as readonly (string | null)[]).includes(row.reason ?? null);

/** The group of a row, as its counter key. */
export function groupKey(row: CountedRow): string {
  const d = row.detail ?? {};
  const group: CountedGroup = {
    stepId: row.stepId ?? null,
    action: row.action,
    reason: row.reason ?? null,
    template: (d.template as string | undefined) ?? null,
    channel: (d.channel as string | undefined) ?? null,
    holdout: (d.holdout as boolean | undefined) ?? null,
    attributedTo: (d.attributedTo as string | undefined) ?? null,
  };
  return `rows:${JSON.stringify(group)}`;
}

interface Mark {
  id: string;
  row: CountedRow;
  counter: string;
}

/** The marks a batch of rows asks for, one per (run, fact), with the counter each moves when new. */
function marksOf(rows: readonly CountedRow[]): Mark[] {
  const marks = new Map<string, Mark>();
  const add = (row: CountedRow, fact: string, counter: string) => {
    const id = `${runOf(row.rowId)}|${fact}`;
    if (!marks.has(id)) marks.set(id, { id, row, counter });
  };
  for (const row of rows) {
    if (outsideAnyRun(row)) continue;
    add(row, 'seen', 'runs');
    if (row.stepId !== null) add(row, `step:${row.stepId}`, `reached:${row.stepId}`);
    if (row.action === 'converted') add(row, 'converted', 'converted');
    if (row.action === 'entered' && row.stepId === null && row.detail?.holdout === true) add(row, 'holdout', 'holdout');
  }
  return [...marks.values()];
}

/** Inserts the marks; returns those that were new (the others were counted before). */
async function insertMarks(models: Models, marks: readonly Mark[]): Promise<Mark[]> {
  if (marks.length === 0) return [];
  const docs = marks.map(({ id, row }) => ({
    _id: id,
    journeyId: row.journeyId,
    version: row.version,
    customerId: row.customerId,
  }));
  try {
    await models.JournalMark.collection.insertMany(docs as never[], { ordered: false });
    return [...marks];
  } catch (err) {
    const refused = duplicateKeyWrites(err) ?? (isDuplicateKeyError(err) && marks.length === 1 ? [0] : null);
    if (refused === null) throw err;
    const taken = new Set(refused);
    return marks.filter((_, i) => !taken.has(i));
  }
}

/** Records what one batch adds to its versions' counters: one delta document per version. */
async function insertDeltas(models: Models, moves: Map<string, { row: CountedRow; key: string; by: number }>) {
  const deltas = new Map<string, { journeyId: string; version: number; counts: Record<string, number> }>();
  for (const { row, key, by } of moves.values()) {
    const id = `${row.journeyId}|${row.version}`;
    const delta = deltas.get(id) ?? { journeyId: row.journeyId, version: row.version, counts: {} };
    delta.counts[storedKey(key)] = (delta.counts[storedKey(key)] ?? 0) + by;
    deltas.set(id, delta);
  }
  if (deltas.size === 0) return;
  const docs = [...deltas.values()].map((d) => ({ _id: `delta|${randomUUID()}`, kind: 'delta', ...d }));
  await models.JournalCount.collection.insertMany(docs as never[], { ordered: false });
}

/**
 * Counts rows just inserted into the journal (each row once: the caller passes only the new ones).
 * Holdout conversions look up the run's holdout mark when its entry was journaled in an earlier batch.
 */
export async function countJournalRows(models: Models, rows: readonly CountedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const moves = new Map<string, { row: CountedRow; key: string; by: number }>();
  const dims = await dimsOfRuns(models, rows, runOf);
  const add = (row: CountedRow, key: string) => {
    const id = `${row.journeyId}|${row.version}|${key}`;
    const hit = moves.get(id);
    if (hit) hit.by += 1;
    else moves.set(id, { row, key, by: 1 });
  };
  // Every counter moves once overall and once per breakdown value of the run (journal-breakdowns.ts).
  const move = (row: CountedRow, counter: string) => {
    for (const key of [counter, ...breakdownKeys(dims.get(runOf(row.rowId)), counter)]) add(row, key);
  };
  for (const row of rows) move(row, groupKey(row));
  const fresh = await insertMarks(models, marksOf(rows));
  const holdoutRuns = new Set(fresh.filter((m) => m.counter === 'holdout').map((m) => runOf(m.row.rowId)));
  for (const { row, key } of dayMoves(rows, fresh)) add(row, key);
  for (const mark of fresh) {
    move(mark.row, mark.counter);
    if (mark.counter !== 'converted') continue;
    const run = runOf(mark.row.rowId);
    if (holdoutRuns.has(run) || (await models.JournalMark.exists({ _id: `${run}|holdout` }))) {
      move(mark.row, 'holdoutConverted');
    }
  }
  await insertDeltas(models, moves);
}

interface CountDoc {
  _id: string;
  kind: 'delta' | 'total';
  counts: Record<string, number>;
  gen?: number;
  folded?: string[];
}

/**
 * A counter key as a stored field name. MongoDB and FerretDB refuse a field name with a dot (and read
 * `$` as an operator), and keys carry reasons, event types and template ids (`order.completed`): `%`,
 * `.` and `$` are stored as `%25`, `%2E` and `%24`, and read back, so any key survives the round trip.
 */
const storedKey = (key: string) => key.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const readKey = (stored: string) =>
  stored.replace(/%(25|2E|24)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const add = (into: Map<string, number>, counts: Record<string, number>) => {
  for (const [stored, n] of Object.entries(counts)) {
    const key = readKey(stored);
    into.set(key, (into.get(key) ?? 0) + n);
  }
};

/**
 * A version's counters: its latest total plus the deltas not folded into it yet. When more than
 * `compactAfter` deltas wait, they are folded into a new total (one insert; a compaction that loses the
 * race to another leaves the work to it). `complete` false: rows journaled before counters existed
 * are not counted.
 */
export async function readJournalCounts(
  models: Models,
  journeyId: string,
  version: number,
  opts: { compactAfter?: number } = {},
): Promise<JournalCounts> {
  const docs = await models.JournalCount.find({ journeyId, version }).lean<CountDoc[]>();
  const totals = docs.filter((d) => d.kind === 'total').sort((a, b) => (b.gen ?? 0) - (a.gen ?? 0));
  const total = totals[0];
  const folded = new Set(total?.folded ?? []);
  const deltas = docs.filter((d) => d.kind === 'delta' && !folded.has(d._id));
  const counts = new Map<string, number>();
  add(counts, total?.counts ?? {});
  for (const d of deltas) add(counts, d.counts);
  const complete = counts.has('complete');
  if (deltas.length > (opts.compactAfter ?? 100)) {
    await compact(models, { journeyId, version, gen: (total?.gen ?? 0) + 1, counts, deltas, stale: totals });
  }
  const breakdowns = counts.has('breakdowns');
  const days = counts.has('days');
  counts.delete('complete');
  counts.delete('breakdowns');
  counts.delete('days');
  return { complete, breakdowns, days, counts };
}

/** Writes the next total (refused if another compaction wrote it first), then drops what it replaces. */
async function compact(
  models: Models,
  next: {
    journeyId: string;
    version: number;
    gen: number;
    counts: Map<string, number>;
    deltas: CountDoc[];
    stale: CountDoc[];
  },
) {
  const { journeyId, version, gen } = next;
  const doc = {
    _id: `total|${journeyId}|${version}|${gen}`,
    journeyId,
    version,
    kind: 'total',
    gen,
    counts: Object.fromEntries([...next.counts].map(([key, n]) => [storedKey(key), n])),
    folded: next.deltas.map((d) => d._id),
  };
  try {
    await models.JournalCount.collection.insertOne(doc as never);
  } catch (err) {
    if (isDuplicateKeyError(err)) return;
    throw err;
  }
  for (const old of [...next.deltas, ...next.stale]) await models.JournalCount.deleteOne({ _id: old._id });
}

/** Marks a version's counters as covering all its rows (a new version, which has none yet). */
export async function markJournalCountsComplete(models: Models, journeyId: string, version: number): Promise<void> {
  await models.JournalCount.collection
    .insertOne({
      _id: `delta|complete|${journeyId}|${version}`,
      journeyId,
      version,
      kind: 'delta',
      // `breakdowns`, `days`: the per-value and the day counters cover every row too.
      counts: { complete: 1, breakdowns: 1, days: 1 },
    } as never)
    .catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
}

/**
 * Rebuilds a version's counters from its rows (streamed by the caller) and marks them complete. Exact
 * when no run of the version writes meanwhile; rows written during the recount may be counted twice.
 */
export async function recountJournal(
  models: Models,
  journeyId: string,
  version: number,
  rows: AsyncIterable<Omit<CountedRow, 'journeyId' | 'version'>>,
): Promise<JournalCounts> {
  await models.JournalCount.deleteMany({ journeyId, version });
  await models.JournalMark.deleteMany({ journeyId, version });
  let batch: CountedRow[] = [];
  for await (const row of rows) {
    batch.push({ ...row, journeyId, version });
    if (batch.length < 1_000) continue;
    await countJournalRows(models, batch);
    batch = [];
  }
  await countJournalRows(models, batch);
  await markJournalCountsComplete(models, journeyId, version);
  return readJournalCounts(models, journeyId, version, { compactAfter: 0 });
}

/** Deletes the marks naming a customer (erasure); the counters hold no one's data and stay. */
export async function deleteCustomerJournalMarks(models: Models, customerId: string): Promise<number> {
  return (await models.JournalMark.deleteMany({ customerId })).deletedCount;
}
