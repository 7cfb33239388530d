/**
 * Every journey at a glance (the console's journeys page): status, current version, when it was last
 * published, runs going now, and runs that entered, ended and converted in the last 7 and 30 days, from
 * the day counters of each version (store/journal-days.ts): a few counter rows per version, no scan.
 */
import type { Models } from '../../store/connection.js';
import { sumDays, utcDay, type DayFact } from '../../store/journal-days.js';
import { listHeads, listVersions, type JourneyHead } from './catalog.js';
import { readVersionCounts } from './stats.js';

/** The windows the summaries count, in days (today, UTC, and the days before it). */
export const SUMMARY_WINDOWS = [7, 30] as const;

/** One journey's summary. */
export interface JourneySummary extends JourneyHead {
  lastPublishedAt: Date | null;
  /** Runs that entered and have not ended (every version). */
  active: number;
  /** Per window: runs that entered, ended and converted on its days (every version). */
  windows: Array<{ days: (typeof SUMMARY_WINDOWS)[number] } & Record<DayFact, number>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The summary of one journey at `nowMs`. */
export async function summariseJourney(models: Models, head: JourneyHead, nowMs: number): Promise<JourneySummary> {
  const versions = await listVersions(models, head.journeyId);
  const counts = await Promise.all(
    versions.map((v) => readVersionCounts(models, head.journeyId, v.version, { days: true })),
  );
  const sum = (sinceDay: string) => {
    const total: Record<DayFact, number> = { entered: 0, ended: 0, converted: 0 };
    for (const c of counts) for (const [fact, n] of Object.entries(sumDays(c, sinceDay))) total[fact as DayFact] += n;
    return total;
  };
  const ever = sum('');
  const last = versions.at(-1);
  return {
    ...head,
    lastPublishedAt: last ? new Date(last.publishedAt) : null,
    active: Math.max(0, ever.entered - ever.ended),
    windows: SUMMARY_WINDOWS.map((days) => ({ days, ...sum(utcDay(nowMs - (days - 1) * DAY_MS)) })),
  };
}

/** Every journey's summary at `nowMs`, by journey id. */
export async function summariseJourneys(models: Models, nowMs: number): Promise<JourneySummary[]> {
  const heads = await listHeads(models);
  return Promise.all(heads.map((head) => summariseJourney(models, head, nowMs)));
}
