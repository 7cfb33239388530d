/**
 * Published journeys: immutable versions (`journeys`) and one head per journey (`journeyheads`: the
 * current version and the status). The only code that reads or writes those collections.
 */
import { markJournalCountsComplete } from './journal-counts.js';
import type { DeliveryChannel, Plan } from '../definitions/plan.js';
import type { JourneyStatus } from './models/journey-head.js';
import { isDuplicateKeyError } from './errors.js';
import { lockDocument } from './document-locks.js';
import type { Models } from './models/index.js';

export type { JourneyStatus } from './models/journey-head.js';

/** Template sources a version pins: name -> channel -> file, content hash and source text. */
export type PinnedTemplates = {
  [name: string]: { [channel in DeliveryChannel]?: { file: string; hash: string; source: string } };
};

export interface PublishResult {
  journeyId: string;
  version: number;
  /** False when this content is already the current version: publishing it again changes nothing. */
  created: boolean;
}

/** A journey's head: the version new entrants get, its content hash, and whether the journey runs. */
export interface JourneyHead {
  journeyId: string;
  version: number;
  contentHash: string;
  status: JourneyStatus;
  /** Bumped by every status change (pause, resume, archive); 0 for a journey never controlled. */
  generation: number;
}

/** A published version as a run needs it: the plan and the template sources pinned with it. */
export interface JourneyVersion {
  journeyId: string;
  version: number;
  contentHash: string;
  plan: Plan;
  templates: PinnedTemplates;
}

/** Thrown by {@link setJourneyStatus} for a journey that was never published. */
export class JourneyNotFoundError extends Error {
  readonly code = 'JOURNEY_NOT_FOUND';
  constructor(readonly journeyId: string) {
    super(`no journey "${journeyId}" is published`);
    this.name = 'JourneyNotFoundError';
  }
}

/**
 * Stores a compiled plan as the next version of its journey and makes it current. Publishing the
 * current content again is a no-op (`created: false`); content equal to an older version becomes
 * current again as a new version, so "current" always means "the latest version". Concurrent
 * publishes get consecutive versions: the unique (journeyId, version) index decides and the loser retries.
 *
 * @throws Error after five lost races in a row (a retry later succeeds).
 */
export async function publishJourney(
  models: Models,
  input: { plan: Plan; source: string; file?: string; templates?: PinnedTemplates },
): Promise<PublishResult> {
  const { Journey } = models;
  const { journeyId, contentHash, name } = input.plan;
  for (let attempt = 0; attempt < 5; attempt++) {
    const latest = await Journey.findOne({ journeyId }, { version: 1, contentHash: 1 }).sort({ version: -1 }).lean();
    if (latest?.contentHash === contentHash) {
      await advanceHead(models, journeyId, latest.version, contentHash);
      return { journeyId, version: latest.version, created: false };
    }
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
      // A new version has no journal rows yet: its counters cover them all from the start.
      await markJournalCountsComplete(models, journeyId, version);
      await advanceHead(models, journeyId, version, contentHash);
      return { journeyId, version, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  throw new Error(`publishing ${journeyId}: too many concurrent publishes, try again`);
}

/**
 * Moves the head to `version` unless it already points at a later one (a concurrent publish won),
 * creating it (status `active`) on the first publish. Re-running it is harmless, which also repairs
 * a head left behind by a publish that stopped between its two writes.
 */
function advanceHead(models: Models, journeyId: string, version: number, contentHash: string): Promise<void> {
  return lockDocument(models, 'journey_heads', journeyId, () => moveHead(models, journeyId, version, contentHash));
}

async function moveHead(models: Models, journeyId: string, version: number, contentHash: string): Promise<void> {
  // FerretDB v1 applies a conditional update as a read then a write, so a concurrent publish of an
  // older version can overwrite a newer head after its stale read. Every publisher inserts its version
  // before it moves the head, so after writing, each checks the head against the latest version stored
  // and moves it there while it is behind: the last one to check leaves the head on the latest.
  let target = { version, contentHash };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      await models.JourneyHead.updateOne(
        { journeyId, version: { $lt: target.version } },
        { $set: target, $setOnInsert: { status: 'active' } },
        { upsert: true },
      );
    } catch (err) {
      // The head exists with a version >= ours (the filter missed, the upsert collided).
      if (!isDuplicateKeyError(err)) throw err;
    }
    const head = await models.JourneyHead.findOne({ journeyId }, { _id: 0, version: 1 }).lean();
    const latest = await models.Journey.findOne({ journeyId }, { _id: 0, version: 1, contentHash: 1 })
      .sort({ version: -1 })
      .lean();
    if (head !== null && (latest === null || head.version >= latest.version)) return;
    if (latest !== null) target = { version: latest.version, contentHash: latest.contentHash };
  }
}

/** The journey's head, or `null` when it was never published. */
export async function getJourneyHead(models: Models, journeyId: string): Promise<JourneyHead | null> {
  const doc = await models.JourneyHead.findOne(
    { journeyId },
    { _id: 0, journeyId: 1, version: 1, contentHash: 1, status: 1, generation: 1 },
  ).lean();
  if (!doc) return null;
  const { journeyId: id, version, contentHash, status } = doc;
  return { journeyId: id, version, contentHash, status, generation: doc.generation ?? 0 };
}

/**
 * Sets the journey's status, bumps its generation (in one write, so two concurrent changes get two
 * generations) and returns the head.
 *
 * @throws JourneyNotFoundError when the journey was never published.
 */
export async function setJourneyStatus(models: Models, journeyId: string, status: JourneyStatus): Promise<JourneyHead> {
  // Under the head's lock: FerretDB v1's `$inc` is a read then a write (two changes, one generation).
  const head = await lockDocument(models, 'journey_heads', journeyId, async () => {
    await models.JourneyHead.updateOne({ journeyId }, { $set: { status }, $inc: { generation: 1 } });
    return getJourneyHead(models, journeyId);
  });
  if (head === null) throw new JourneyNotFoundError(journeyId);
  return head;
}

/** A published version with its plan and pinned templates, or `null` when there is no such version. */
export async function loadJourneyVersion(
  models: Models,
  journeyId: string,
  version: number,
): Promise<JourneyVersion | null> {
  const doc = await models.Journey.findOne(
    { journeyId, version },
    { contentHash: 1, planJson: 1, templatesJson: 1 },
  ).lean();
  if (!doc) return null;
  return {
    journeyId,
    version,
    contentHash: doc.contentHash,
    plan: JSON.parse(doc.planJson) as Plan,
    templates: JSON.parse(doc.templatesJson ?? '{}') as PinnedTemplates,
  };
}

/**
 * The event properties read by any published version of a journey, up to `version` (runs may be pinned
 * to any of them): event type → dotted paths, as `plan.eventFields`.
 */
/**
 * Why the versions up to `version` listen to each event type, merged: a run stays on the version it
 * entered with, so an event counts for it if any of those versions reacts to it.
 */
export async function loadListensUpTo(models: Models, journeyId: string, version: number): Promise<Plan['listens']> {
  const docs = await models.Journey.find({ journeyId, version: { $lte: version } }, { planJson: 1 }).lean();
  const union = new Map<string, Set<Plan['listens'][string][number]>>();
  for (const doc of docs) {
    for (const [type, reasons] of Object.entries((JSON.parse(doc.planJson) as Plan).listens)) {
      const set = union.get(type) ?? new Set();
      for (const reason of reasons) set.add(reason);
      union.set(type, set);
    }
  }
  return Object.fromEntries([...union].map(([type, set]) => [type, [...set]]));
}

export async function loadEventFieldsUpTo(
  models: Models,
  journeyId: string,
  version: number,
): Promise<Plan['eventFields']> {
  const docs = await models.Journey.find({ journeyId, version: { $lte: version } }, { planJson: 1 }).lean();
  const union = new Map<string, Set<string>>();
  for (const doc of docs) {
    const fields = (JSON.parse(doc.planJson) as Plan).eventFields;
    for (const [type, paths] of Object.entries(fields)) {
      const set = union.get(type) ?? new Set<string>();
      for (const path of paths) set.add(path);
      union.set(type, set);
    }
  }
  return Object.fromEntries([...union].map(([type, set]) => [type, [...set].sort()]));
}

/** The plan of a published version, or null when there is no such version. */
export async function loadJourneyPlan(models: Models, journeyId: string, version: number): Promise<Plan | null> {
  return (await loadJourneyVersion(models, journeyId, version))?.plan ?? null;
}

/** A head as listings show it: the journey, its current version and status. */
export type JourneyHeadSummary = Pick<JourneyHead, 'journeyId' | 'version' | 'status'>;

/** A published version as listings show it (no plan, no source). */
export interface JourneyVersionSummary {
  journeyId: string;
  version: number;
  name: string;
  contentHash: string;
  publishedAt: Date;
  file?: string | null;
}

/** Every journey's head, by journey id. One read of the heads (they are few). */
export async function listJourneyHeads(models: Models): Promise<JourneyHeadSummary[]> {
  return models.JourneyHead.find({}, { _id: 0, journeyId: 1, version: 1, status: 1 })
    .sort({ journeyId: 1 })
    .lean<JourneyHeadSummary[]>();
}

/** The id of every published journey, in no particular order. */
export async function listJourneyIds(models: Models): Promise<string[]> {
  const heads = await models.JourneyHead.find({}, { _id: 0, journeyId: 1 }).lean<{ journeyId: string }[]>();
  return heads.map((head) => head.journeyId);
}

/** The names of the given versions, by journey id (one read; a version not found has no entry). */
export async function findJourneyNames(
  models: Models,
  versions: readonly { journeyId: string; version: number }[],
): Promise<Map<string, string>> {
  if (versions.length === 0) return new Map();
  const rows = await models.Journey.find(
    { $or: versions.map((v) => ({ journeyId: v.journeyId, version: v.version })) },
    { _id: 0, journeyId: 1, name: 1 },
  ).lean<{ journeyId: string; name: string }[]>();
  return new Map(rows.map((r) => [r.journeyId, r.name]));
}

/** The published versions of a journey, oldest first (empty when it was never published). */
export async function listJourneyVersions(models: Models, journeyId: string): Promise<JourneyVersionSummary[]> {
  return models.Journey.find(
    { journeyId },
    { _id: 0, journeyId: 1, version: 1, name: 1, contentHash: 1, publishedAt: 1, file: 1 },
  )
    .sort({ version: 1 })
    .lean<JourneyVersionSummary[]>();
}

/** The YAML source a version was published from, or null when there is no such version. */
export async function loadJourneySource(models: Models, journeyId: string, version: number): Promise<string | null> {
  const doc = await models.Journey.findOne({ journeyId, version }, { _id: 0, source: 1 }).lean<{ source: string }>();
  return doc ? doc.source : null;
}

/** The journey's latest published version number; 0 when it was never published. */
export async function latestJourneyVersion(models: Models, journeyId: string): Promise<number> {
  const doc = await models.Journey.findOne({ journeyId }, { version: 1 })
    .sort({ version: -1 })
    .lean<{ version: number }>();
  return doc?.version ?? 0;
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
