/**
 * `GET /v1/journeys/:id/stats?by=<profile field>`: the version's figures, then the same figures for
 * each value of the field (the value each run's customer had when the run entered), from the per-value
 * counters (store/journal-breakdowns.ts): one campaign compared across stores, routes or answers.
 */
import type { Models } from '../../store/connection.js';
import { BREAKDOWN_FIELDS, splitByField } from '../../store/journal-breakdowns.js';
import { loadJourneyVersion } from '../../store/journeys.js';
import { ApiError } from '../http/errors.js';
import { readVersionCounts, summarise, type JourneyStats } from './stats.js';

/** One value's figures; `value` null gathers the runs whose customer had no value. */
export type ValueStats = Omit<JourneyStats, 'journeyId' | 'version'> & { value: string | null };

/** The version's figures with the per-value ones, most runs first. */
export type JourneyStatsBy = JourneyStats & { by: { field: string; values: ValueStats[] } };

/** Throws 400 VALIDATION_FAILED naming the fields there are, when `field` is not one of them. */
export function checkBreakdownField(field: string): (typeof BREAKDOWN_FIELDS)[number] {
  const known = BREAKDOWN_FIELDS.find((f) => f === field);
  if (known) return known;
  const message = `"by" is one of ${BREAKDOWN_FIELDS.join(', ')}; "${field}" is not counted per value.`;
  throw new ApiError(400, 'VALIDATION_FAILED', message, {
    problems: [{ path: 'by', code: 'invalid_value', message }],
    fields: BREAKDOWN_FIELDS,
  });
}

/** The figures of a version split by `field` (checked by {@link checkBreakdownField}). */
export async function journeyStatsBy(
  models: Models,
  journeyId: string,
  version: number,
  opts: { field: string; recount?: boolean },
): Promise<JourneyStatsBy> {
  const field = checkBreakdownField(opts.field);
  const counts = await readVersionCounts(models, journeyId, version, { recount: opts.recount, by: field });
  const plan = (await loadJourneyVersion(models, journeyId, version))?.plan ?? null;
  const values: ValueStats[] = [];
  for (const [value, own] of splitByField(counts, field)) {
    const { journeyId: _j, version: _v, ...figures } = summarise(journeyId, version, own, plan);
    values.push({ value, ...figures });
  }
  values.sort((a, b) => b.runs - a.runs || String(a.value).localeCompare(String(b.value)));
  return { ...summarise(journeyId, version, counts, plan), by: { field, values } };
}
