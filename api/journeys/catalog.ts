/**
 * Journey heads and versions as the API shows them, over store/journeys.ts. The head is the journey's
 * current version and status; a paused journey takes no entries, an archived one nothing at all.
 */
import type { Plan } from '../../definitions/plan.js';
import type { Models } from '../../store/connection.js';
import {
  findJourneyNames,
  getJourneyHead,
  listJourneyHeads,
  listJourneyVersions,
  loadJourneySource,
  loadJourneyVersion,
  type JourneyStatus,
  type JourneyVersionSummary,
} from '../../store/journeys.js';

export type { JourneyStatus };

export interface JourneyHead {
  journeyId: string;
  name: string;
  version: number;
  status: JourneyStatus;
}

export type JourneyVersionInfo = JourneyVersionSummary;

/** Every journey's head, by id. */
export async function listHeads(models: Models): Promise<JourneyHead[]> {
  const heads = await listJourneyHeads(models);
  const byId = await findJourneyNames(models, heads);
  return heads.map((h) => ({ ...h, name: byId.get(h.journeyId) ?? h.journeyId }));
}

/** One journey's head, or null when it was never published. */
export async function getHead(models: Models, journeyId: string): Promise<JourneyHead | null> {
  const head = await getJourneyHead(models, journeyId);
  if (!head) return null;
  const byId = await findJourneyNames(models, [head]);
  return { journeyId, version: head.version, status: head.status, name: byId.get(journeyId) ?? journeyId };
}

/** Published versions of a journey, oldest first. */
export async function listVersions(models: Models, journeyId: string): Promise<JourneyVersionInfo[]> {
  return listJourneyVersions(models, journeyId);
}

/** A version's plan and source, or null. */
export async function loadVersion(
  models: Models,
  journeyId: string,
  version: number,
): Promise<{ plan: Plan; source: string } | null> {
  const loaded = await loadJourneyVersion(models, journeyId, version);
  if (!loaded) return null;
  const source = await loadJourneySource(models, journeyId, version);
  return { plan: loaded.plan, source: source ?? '' };
}

/**
 * A short text that changes whenever a journey is published, paused, resumed or archived: the event router
 * compares it to decide whether its index is stale. One small read of the heads.
 */
export async function headsFingerprint(models: Models): Promise<string> {
  const heads = await listJourneyHeads(models);
  return heads.map((h) => `${h.journeyId}@${h.version}:${h.status}`).join('|');
}
