/**
 * Template sources pinned with a journey version, read from the `journeys` collection. Versions are
 * immutable, so what was read once is kept (per process, bounded).
 */
import type { PinnedTemplates } from './journeys.js';
import type { Models } from './models/index.js';

const cache = new Map<string, PinnedTemplates>();
const MAX_CACHED = 500;

/** The pinned templates of a version, or null when the version does not exist. */
export async function loadPinnedTemplates(
  models: Models,
  journeyId: string,
  version: number,
): Promise<PinnedTemplates | null> {
  const key = `${journeyId}@${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const doc = await models.Journey.findOne({ journeyId, version }, { templatesJson: 1 }).lean();
  if (!doc) return null;
  const templates = JSON.parse(doc.templatesJson ?? '{}') as PinnedTemplates;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, templates);
  return templates;
}
