import type { DeliveryChannel, Plan } from '../definitions/plan.js';
import type { Models } from './models/index.js';

/** Template sources a version pins: name -> channel -> file, content hash and source text. */
export type PinnedTemplates = {
  [name: string]: { [channel in DeliveryChannel]?: { file: string; hash: string; source: string } };
};

export interface PublishResult {
  journeyId: string;
  version: number;
  /** False when this exact content was already published: publishing is idempotent. */
  created: boolean;
}

const DUPLICATE_KEY = 11000;

/**
 * Stores a compiled plan as the next version of its journey, unless the same content (by hash) is
 * already published, in which case that version is returned. Two concurrent publishes of different
 * content get consecutive versions: the unique (journeyId, version) index decides, and the loser retries.
 */
export async function publishJourney(
  models: Models,
  input: { plan: Plan; source: string; file?: string; templates?: PinnedTemplates },
): Promise<PublishResult> {
  const { Journey } = models;
  const { journeyId, contentHash, name } = input.plan;
  for (let attempt = 0; attempt < 5; attempt++) {
    const same = await Journey.findOne({ journeyId, contentHash }, { version: 1 }).lean();
    if (same) return { journeyId, version: same.version, created: false };
    const latest = await Journey.findOne({ journeyId }, { version: 1 }).sort({ version: -1 }).lean();
    const version = (latest?.version ?? 0) + 1;
    try {
      await Journey.create({
        journeyId,
        version,
        contentHash,
        name,
        planJson: JSON.stringify(input.plan),
        templatesJson: JSON.stringify(input.templates ?? {}),
        source: input.source,
        file: input.file,
      });
      return { journeyId, version, created: true };
    } catch (err) {
      if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
    }
  }
  throw new Error(`publishing ${journeyId}: too many concurrent publishes, try again`);
}

/** The plan of a published version, or null when there is no such version. */
export async function loadJourneyPlan(models: Models, journeyId: string, version: number): Promise<Plan | null> {
  const doc = await models.Journey.findOne({ journeyId, version }, { planJson: 1 }).lean();
  return doc ? (JSON.parse(doc.planJson) as Plan) : null;
}

/** The template sources a plan references, picked from a catalog of `{ file, source }` by name and channel. */
export function pinTemplates(
  plan: Plan,
  catalog: { [name: string]: { [channel in DeliveryChannel]?: { file: string; source: string } } },
): PinnedTemplates {
  const pinned: PinnedTemplates = {};
  for (const [name, ref] of Object.entries(plan.templates)) {
    for (const channel of ['email', 'line'] as const) {
      const variant = catalog[name]?.[channel];
      const pin = ref[channel];
      if (pin && variant) (pinned[name] ??= {})[channel] = { file: pin.file, hash: pin.hash, source: variant.source };
    }
  }
  return pinned;
}
