/**
 * Per-value counters: every counter of a journey version (store/journal-counts.ts) is also kept per
 * value of a few profile fields ({@link BREAKDOWN_FIELDS}), so one campaign's funnel and conversion can
 * be compared across stores, routes or answers without reading the journal.
 *
 * A run is counted under the values its customer had when the run was first counted (its entry): a
 * customer who moves to another store later keeps the runs already made under the first. Those values
 * are kept in one insert-only mark per run (`<run>|dims`), read by `_id` when a later batch of the run
 * is counted. Counter keys: `by:<field>=<value>|<counter key>`, the value URI-encoded (dots too: a
 * stored key may not contain one), {@link NO_VALUE} for a customer without the field.
 */
import { isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

/** The profile fields whose values split the counters (`GET /v1/journeys/:id/stats?by=<field>`). */
export const BREAKDOWN_FIELDS = [
  'acquisitionRoute',
  'acquisitionSource',
  'homeStore',
  'memberRank',
  'prefecture',
  'surveyAnswer',
] as const;

/** The value of a customer without the field. */
export const NO_VALUE = '~';

/** The counter key `key` under value `value` of `field`. */
export function breakdownKey(field: string, value: string, key: string): string {
  return `by:${field}=${value}|${key}`;
}

/** A profile value as it appears in a counter key; {@link NO_VALUE} for anything but a scalar. */
export function encodeValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return encodeURIComponent(String(value)).replaceAll('.', '%2E');
  }
  return NO_VALUE;
}

/** The inverse of {@link encodeValue}: null for {@link NO_VALUE}. */
export function decodeValue(encoded: string): string | null {
  return encoded === NO_VALUE ? null : decodeURIComponent(encoded);
}

/**
 * The counters of one field's values: value (decoded, null = none) -> counter key -> count, from a
 * version's counters.
 */
export function splitByField(counts: Map<string, number>, field: string): Map<string | null, Map<string, number>> {
  const prefix = `by:${field}=`;
  const values = new Map<string | null, Map<string, number>>();
  for (const [key, n] of counts) {
    if (!key.startsWith(prefix)) continue;
    const bar = key.indexOf('|', prefix.length);
    const value = decodeValue(key.slice(prefix.length, bar));
    const into = values.get(value) ?? new Map<string, number>();
    into.set(key.slice(bar + 1), n);
    values.set(value, into);
  }
  return values;
}

type RunRow = { rowId: string; journeyId: string; version: number; customerId: string };

interface DimsMark {
  dims?: Record<string, string>;
}

/** The values a run is counted under: its mark's, or, for a new run, its customer's now (kept in a new mark). */
async function runDims(models: Models, run: string, row: RunRow): Promise<Record<string, string>> {
  const _id = `${run}|dims`;
  const kept = await models.JournalMark.findOne({ _id }).lean<DimsMark>();
  if (kept?.dims) return kept.dims;
  const projection = Object.fromEntries(BREAKDOWN_FIELDS.map((f) => [f, 1]));
  const profile = await models.Customer.findOne({ _id: row.customerId }, projection).lean<Record<string, unknown>>();
  const dims = Object.fromEntries(BREAKDOWN_FIELDS.map((f) => [f, encodeValue(profile?.[f])]));
  const mark = { _id, journeyId: row.journeyId, version: row.version, customerId: row.customerId, dims };
  try {
    await models.JournalMark.collection.insertOne(mark as never);
    return dims;
  } catch (err) {
    // Another batch of the same run wrote the mark first: its values stand.
    if (!isDuplicateKeyError(err)) throw err;
    return (await models.JournalMark.findOne({ _id }).lean<DimsMark>())?.dims ?? dims;
  }
}

/** The values each run of a batch is counted under, by run. */
export async function dimsOfRuns(
  models: Models,
  rows: readonly RunRow[],
  runOf: (rowId: string) => string,
): Promise<Map<string, Record<string, string>>> {
  const dims = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const run = runOf(row.rowId);
    if (!dims.has(run)) dims.set(run, await runDims(models, run, row));
  }
  return dims;
}

/** The per-value keys of counter `key` for a run counted under `dims`. */
export function breakdownKeys(dims: Record<string, string> | undefined, key: string): string[] {
  return Object.entries(dims ?? {}).map(([field, value]) => breakdownKey(field, value, key));
}
