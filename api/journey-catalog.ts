/**
 * Journey heads and versions as the API reads them, over store/journeys.ts. The head is the journey's
 * current version and status; a paused or archived journey takes no entries.
 */
import type { Plan } from '../definitions/plan.js';
import type { Models } from '../store/models/index.js';

export type JourneyStatus = 'active' | 'paused' | 'archived';

export interface JourneyHead {
  journeyId: string;
  name: string;
  version: number;
  status: JourneyStatus;
}

export interface JourneyVersion {
  journeyId: string;
  version: number;
  name: string;
  contentHash: string;
  publishedAt: Date;
  file?: string | null;
}

interface VersionRow extends JourneyVersion {
  status: JourneyStatus;
}

/** Every journey's head, by id. */
export async function listHeads(models: Models): Promise<JourneyHead[]> {
  const rows = await models.Journey.find({}, { journeyId: 1, version: 1, status: 1, name: 1, _id: 0 })
    .sort({ journeyId: 1, version: 1 })
    .lean<VersionRow[]>();
  const heads = new Map<string, JourneyHead>();
  for (const row of rows) {
    heads.set(row.journeyId, { journeyId: row.journeyId, name: row.name, version: row.version, status: row.status });
  }
  return [...heads.values()];
}

/** One journey's head, or null when it was never published. */
export async function getHead(models: Models, journeyId: string): Promise<JourneyHead | null> {
  const row = await models.Journey.findOne({ journeyId }, { journeyId: 1, version: 1, status: 1, name: 1, _id: 0 })
    .sort({ version: -1 })
    .lean<VersionRow>();
  return row ? { journeyId: row.journeyId, name: row.name, version: row.version, status: row.status } : null;
}

/** Published versions of a journey, oldest first. */
export async function listVersions(models: Models, journeyId: string): Promise<JourneyVersion[]> {
  return models.Journey.find(
    { journeyId },
    { _id: 0, journeyId: 1, version: 1, name: 1, contentHash: 1, publishedAt: 1, file: 1 },
  )
    .sort({ version: 1 })
    .lean<JourneyVersion[]>();
}

/** A version's plan and source, or null. */
export async function loadVersion(
  models: Models,
  journeyId: string,
  version: number,
): Promise<{ plan: Plan; source: string } | null> {
  const doc = await models.Journey.findOne({ journeyId, version }, { planJson: 1, source: 1 }).lean();
  return doc ? { plan: JSON.parse(doc.planJson) as Plan, source: doc.source } : null;
}

/**
 * A short text that changes whenever a journey is published, paused, resumed or archived: the router
 * compares it to decide whether its index is stale. One small indexed read.
 */
export async function headsFingerprint(models: Models): Promise<string> {
  const heads = await listHeads(models);
  return heads.map((h) => `${h.journeyId}@${h.version}:${h.status}`).join('|');
}

/** Sets the status of the journey's head (used where the runtime does not keep the head itself). */
export async function setHeadStatus(models: Models, journeyId: string, status: JourneyStatus): Promise<void> {
  await models.Journey.updateMany({ journeyId }, { $set: { status } });
}
