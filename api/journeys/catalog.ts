/**
 * Journey heads and versions as the API shows them, over store/journeys.ts. The head is the journey's
 * current version and status; a paused journey takes no entries, an archived one nothing at all.
 */
import type { Plan } from '../../definitions/plan.js';
import { getJourneyHead, loadJourneyVersion, type JourneyStatus } from '../../store/journeys.js';
import type { Models } from '../../store/models/index.js';

export type { JourneyStatus };

export interface JourneyHead {
  journeyId: string;
  name: string;
  version: number;
  status: JourneyStatus;
}

export interface JourneyVersionInfo {
  journeyId: string;
  version: number;
  name: string;
  contentHash: string;
  publishedAt: Date;
  file?: string | null;
}

async function names(models: Models, heads: { journeyId: string; version: number }[]) {
  if (heads.length === 0) return new Map<string, string>();
  const rows = await models.Journey.find(
    { $or: heads.map((h) => ({ journeyId: h.journeyId, version: h.version })) },
    { _id: 0, journeyId: 1, name: 1 },
  ).lean<{ journeyId: string; name: string }[]>();
  return new Map(rows.map((r) => [r.journeyId, r.name]));
}

/** Every journey's head, by id. */
export async function listHeads(models: Models): Promise<JourneyHead[]> {
  const heads = await models.JourneyHead.find({}, { _id: 0, journeyId: 1, version: 1, status: 1 })
    .sort({ journeyId: 1 })
    .lean<{ journeyId: string; version: number; status: JourneyStatus }[]>();
  const byId = await names(models, heads);
  return heads.map((h) => ({ ...h, name: byId.get(h.journeyId) ?? h.journeyId }));
}

/** One journey's head, or null when it was never published. */
export async function getHead(models: Models, journeyId: string): Promise<JourneyHead | null> {
  const head = await getJourneyHead(models, journeyId);
  if (!head) return null;
  const byId = await names(models, [head]);
  return { journeyId, version: head.version, status: head.status, name: byId.get(journeyId) ?? journeyId };
}

/** Published versions of a journey, oldest first. */
export async function listVersions(models: Models, journeyId: string): Promise<JourneyVersionInfo[]> {
  return models.Journey.find(
    { journeyId },
    { _id: 0, journeyId: 1, version: 1, name: 1, contentHash: 1, publishedAt: 1, file: 1 },
  )
    .sort({ version: 1 })
    .lean<JourneyVersionInfo[]>();
}

/** A version's plan and source, or null. */
export async function loadVersion(
  models: Models,
  journeyId: string,
  version: number,
): Promise<{ plan: Plan; source: string } | null> {
  const loaded = await loadJourneyVersion(models, journeyId, version);
  if (!loaded) return null;
  const doc = await models.Journey.findOne({ journeyId, version }, { _id: 0, source: 1 }).lean<{ source: string }>();
  return { plan: loaded.plan, source: doc?.source ?? '' };
}

/**
 * A short text that changes whenever a journey is published, paused, resumed or archived: the event router
 * compares it to decide whether its index is stale. One small read of the heads.
 */
export async function headsFingerprint(models: Models): Promise<string> {
  const heads = await models.JourneyHead.find({}, { _id: 0, journeyId: 1, version: 1, status: 1 })
    .sort({ journeyId: 1 })
    .lean<{ journeyId: string; version: number; status: string }[]>();
  return heads.map((h) => `${h.journeyId}@${h.version}:${h.status}`).join('|');
}
