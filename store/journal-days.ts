/**
 * Day counters of a journey version, beside its funnel counters (store/journal-counts.ts): runs that
 * entered, ended and converted on each UTC calendar day, so "the last 7 / 30 days" costs the same few
 * counter rows as the funnel, whatever the size of the journal. Keys: `day:<YYYY-MM-DD>|entered`,
 * `|ended`, `|converted`; the `days` flag says the counters cover every row of the version.
 */

/** Prefix of the day counters' keys. */
export const DAY_PREFIX = 'day:';
/** What the day counters count. */
export const DAY_FACTS = ['entered', 'ended', 'converted'] as const;
export type DayFact = (typeof DAY_FACTS)[number];

/** The time of a row, however it was read (`atMs` from the engine, `at` from the collection). */
interface TimedRow {
  stepId: string | null;
  action: string;
  atMs?: number;
  at?: Date;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const timeOf = (row: TimedRow) => row.atMs ?? row.at?.getTime();

/** The day key of `fact` for `row`, or null for a row without a time. */
export function dayKey(row: TimedRow, fact: DayFact): string | null {
  const ms = timeOf(row);
  return ms === undefined ? null : `${DAY_PREFIX}${utcDay(ms)}|${fact}`;
}

/** A run ends once: its `completed` or `exited` row outside any step. */
export const endsRun = (row: TimedRow) =>
  row.stepId === null && (row.action === 'completed' || row.action === 'exited');

/**
 * The day counters a batch of new rows moves (each row is counted once: the caller passes new rows):
 * `entered` by the run's `entered` row (a denied entry is not one), `ended` by its last row, and
 * `converted` once per run, by the run's new `converted` mark (store/journal-counts.ts).
 */
export function dayMoves<R extends TimedRow>(
  rows: readonly R[],
  freshMarks: readonly { row: R; counter: string }[],
): { row: R; key: string }[] {
  const moves: { row: R; key: string | null }[] = [];
  for (const row of rows) {
    if (row.stepId === null && row.action === 'entered') moves.push({ row, key: dayKey(row, 'entered') });
    if (endsRun(row)) moves.push({ row, key: dayKey(row, 'ended') });
  }
  for (const { row, counter } of freshMarks) {
    if (counter === 'converted') moves.push({ row, key: dayKey(row, 'converted') });
  }
  return moves.filter((m): m is { row: R; key: string } => m.key !== null);
}

/** Runs that entered, ended and converted on the days from `sinceDay` (inclusive, UTC) on. */
export function sumDays(counts: ReadonlyMap<string, number>, sinceDay: string): Record<DayFact, number> {
  const sums: Record<DayFact, number> = { entered: 0, ended: 0, converted: 0 };
  for (const [key, n] of counts) {
    if (!key.startsWith(DAY_PREFIX)) continue;
    const [day = '', fact] = key.slice(DAY_PREFIX.length).split('|');
    if (day >= sinceDay && (DAY_FACTS as readonly string[]).includes(fact ?? '')) sums[fact as DayFact] += n;
  }
  return sums;
}
