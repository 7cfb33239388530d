/**
 * The journeys part of the stores report: for each journey's current version, its runs, holdout and
 * conversions per `homeStore` (the value the customer had when the run entered), from the per-value
 * counters (store/journal-breakdowns.ts): a few counter rows a journey, whatever the size of the journal.
 * Counters are kept per version, not per day, so these figures cover the version's whole life.
 */
import type { Models } from '../../store/connection.js';
import { splitByField } from '../../store/journal-breakdowns.js';
import { listJourneyHeads } from '../../store/journeys.js';
import { readVersionCounts, summarise } from '../journeys/stats.js';

/** One journey's figures among one store's customers. */
export interface StoreJourneyFigures {
  journeyId: string;
  version: number;
  runs: number;
  holdout: number;
  converted: number;
  holdoutConverted: number;
  /** Conversion share of treated runs, of holdout runs, and their difference (null without runs of that kind). */
  treatedRate: number | null;
  holdoutRate: number | null;
  uplift: number | null;
}

/** Per `homeStore` value (null: customers without one), the journeys with runs there, by journey id. */
export async function readStoreJourneys(models: Models): Promise<Map<string | null, StoreJourneyFigures[]>> {
  const byStore = new Map<string | null, StoreJourneyFigures[]>();
  for (const head of await listJourneyHeads(models)) {
    const counts = await readVersionCounts(models, head.journeyId, head.version, { by: 'homeStore' });
    for (const [store, own] of splitByField(counts, 'homeStore')) {
      const s = summarise(head.journeyId, head.version, own, null);
      if (s.runs === 0) continue;
      const figures: StoreJourneyFigures = {
        journeyId: head.journeyId,
        version: head.version,
        runs: s.runs,
        holdout: s.holdout,
        converted: s.converted,
        holdoutConverted: s.holdoutConverted,
        ...s.conversion,
      };
      byStore.set(store, [...(byStore.get(store) ?? []), figures]);
    }
  }
  return byStore;
}
