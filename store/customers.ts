/**
 * Customer profiles: the only code that reads or writes the `customers` collection. Profiles are
 * plain objects in the shape journeys see them (see `models/customer.ts`). Many writers change one
 * customer at once (the event pipeline, LINE webhooks, route arrivals, journeys, deliveries) and
 * FerretDB v1 updates a document by reading and writing it back whole, so every update here runs
 * under the customer's document lock ({@link withCustomerLock}); inserts need none (the key is unique).
 */
import { lockDocument } from './document-locks.js';
import { duplicateKeyWrites, isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

export { EMAIL_CONSENT, LINE_CONSENT } from './models/customer.js';

/** Fields owned by the store: a profile write never sets, unsets or removes them. */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set(['_id', '__v', 'customerId', 'createdAt', 'updatedAt']);

/** A profile as journeys read it: top-level profile fields, `consent`, `tags`, dates as `Date`. */
export type Profile = { customerId: string; [field: string]: unknown };

/** A change to a profile. `set` keys may be dotted paths (`consent.email`); `null` unsets a field. */
export interface ProfilePatch {
  set?: { [path: string]: unknown };
  addTags?: readonly string[];
  removeTags?: readonly string[];
}

/** Thrown when a patch names a system field or a path MongoDB cannot store (`$`-prefixed, empty). */
export class ProfileFieldError extends Error {
  readonly code = 'PROFILE_FIELD_NOT_WRITABLE';
  constructor(readonly path: string) {
    super(`the profile field "${path}" cannot be written: it is a system field or not a valid field name`);
    this.name = 'ProfileFieldError';
  }
}

/** Thrown when a write would give a LINE user id that another customer holds (the index is unique). */
export class LineUserIdTakenError extends Error {
  readonly code = 'LINE_USER_ID_TAKEN';
  constructor() {
    super('another customer is linked to this LINE user id');
    this.name = 'LineUserIdTakenError';
  }
}

/** Where a recorded re-opt-in of a channel is kept: `{ source, at }` (see `docs/security.md`). */
export const OPT_IN_FIELD = 'consentOptIn';

/**
 * Runs `write` while no other writer of the customer runs (see `document-locks.ts`). Every update of a
 * customer document goes through it, in this file and in `routes.ts`; a write nested in another of the
 * same customer would wait for itself, so writers never call each other inside it.
 */
export function withCustomerLock<T>(models: Models, customerId: string, write: () => Promise<T>): Promise<T> {
  return lockDocument(models, 'customers', customerId, write);
}

/** The customer's profile, or `null` when there is no such customer. */
export async function findProfile(models: Models, customerId: string): Promise<Profile | null> {
  const doc = await models.Customer.findOne({ _id: customerId }, { _id: 0, __v: 0 }).lean<Profile>();
  return doc ?? null;
}

/**
 * Applies a patch to a customer's profile, creating the customer when unknown. Idempotent: setting
 * the same values and adding the same tags again changes nothing. Throws {@link ProfileFieldError}
 * for a system field. Concurrent creations of one new customer are retried (FerretDB answers the
 * losers of an upsert race with a duplicate key error instead of retrying them itself).
 */
export async function upsertProfile(
  models: Models,
  customerId: string,
  patch: ProfilePatch,
): Promise<{ created: boolean }> {
  return withCustomerLock(models, customerId, () => applyPatch(models, customerId, patch));
}

/**
 * Reads the customer's profile and applies the patch `change` makes of it (`null`: no write), holding
 * the customer's lock across the read and the write, so a patch computed from the profile (a first
 * touch, a union of products) never overwrites what another writer did meanwhile. `change` may read
 * other collections but must not write the customer (that writer would wait for this lock). Returns
 * null when nothing was written; throws as {@link upsertProfile}.
 */
export async function updateProfileFrom(
  models: Models,
  customerId: string,
  change: (existing: Profile | null) => Promise<ProfilePatch | null>,
): Promise<{ created: boolean } | null> {
  return withCustomerLock(models, customerId, async () => {
    const patch = await change(await findProfile(models, customerId));
    return patch === null ? null : applyPatch(models, customerId, patch);
  });
}

async function applyPatch(models: Models, customerId: string, patch: ProfilePatch): Promise<{ created: boolean }> {
  const { resubscribe, rest } = splitResubscribe(patch.set ?? {});
  const { $set, $unset } = splitSet(rest);
  const update: Record<string, unknown> = {};
  if (Object.keys($set).length > 0) update.$set = $set;
  if (Object.keys($unset).length > 0) update.$unset = $unset;
  if (patch.addTags && patch.addTags.length > 0) update.$addToSet = { tags: { $each: [...patch.addTags] } };
  const created = await upsertRetried(models, customerId, update);
  // Only a customer who did not unsubscribe changes email consent without a recorded re-opt-in; the
  // condition is in the write itself, so an unsubscribe that lands meanwhile is never undone.
  if (resubscribe !== null) {
    await models.Customer.updateOne(
      { _id: customerId, 'consent.email': { $ne: 'unsubscribed' } },
      { $set: { 'consent.email': resubscribe } },
    );
  }
  // MongoDB refuses $addToSet and $pull on one field in one update, so removals are a second write.
  if (patch.removeTags && patch.removeTags.length > 0) {
    await models.Customer.updateOne({ _id: customerId }, { $pull: { tags: { $in: [...patch.removeTags] } } });
  }
  return { created };
}

/**
 * Creates the customers among `wanted` that do not exist yet, with their first touch as acquisition
 * source, in one unordered insert: the customer id is the key, so an existing customer is a duplicate
 * key the insert skips, and no read is needed. Returns how many it created.
 */
export async function ensureCustomers(
  models: Models,
  wanted: readonly { customerId: string; acquisitionSource: string }[],
): Promise<number> {
  const now = new Date();
  const docs = new Map<string, Record<string, unknown>>();
  for (const { customerId, acquisitionSource } of wanted) {
    if (docs.has(customerId)) continue;
    docs.set(customerId, {
      _id: customerId,
      customerId,
      acquisitionSource,
      consent: { email: 'unknown', line: 'unknown' },
      tags: [],
      createdAt: now,
      updatedAt: now,
    });
  }
  if (docs.size === 0) return 0;
  try {
    await models.Customer.collection.insertMany([...docs.values()] as never[], { ordered: false });
    return docs.size;
  } catch (err) {
    const refused = duplicateKeyWrites(err);
    if (refused === null) throw err;
    return docs.size - refused.length;
  }
}

/** The ids among `customerIds` that name a stored customer (one read by `_id`). */
export async function findExistingCustomerIds(models: Models, customerIds: readonly string[]): Promise<Set<string>> {
  const rows = await models.Customer.find({ _id: { $in: customerIds } }, { customerId: 1, _id: 0 }).lean<
    { customerId: string }[]
  >();
  return new Set(rows.map((c) => c.customerId));
}

/** The customer linked to a LINE user id, or null when no customer is. */
export async function findCustomerIdByLineUser(models: Models, lineUserId: string): Promise<string | null> {
  const linked = await models.Customer.findOne({ lineUserId }, { customerId: 1, _id: 0 }).lean<{
    customerId: string;
  }>();
  return linked?.customerId ?? null;
}

/**
 * Sets one profile field of an existing customer, never creating one (unlike {@link upsertProfile}).
 * Returns false when there is no such customer.
 */
export async function setExistingProfileField(
  models: Models,
  customerId: string,
  path: string,
  value: unknown,
): Promise<boolean> {
  return setExistingProfileFields(models, customerId, { [path]: value });
}

/**
 * Sets profile fields (`null` unsets) of an existing customer in one write under its lock, never
 * creating one: a customer erased since the caller last saw it stays erased. Returns false when there
 * is no such customer; throws {@link ProfileFieldError} for a system field.
 */
export async function setExistingProfileFields(
  models: Models,
  customerId: string,
  set: { [path: string]: unknown },
): Promise<boolean> {
  const { $set, $unset } = splitSet(set);
  const update = Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
  const { matchedCount } = await withCustomerLock(models, customerId, () =>
    models.Customer.updateOne({ _id: customerId }, update),
  );
  return matchedCount > 0;
}

/** Deletes the customer's profile (erasure's last step). Returns how many profiles were deleted (0 or 1). */
export async function deleteCustomer(models: Models, customerId: string): Promise<number> {
  const result = await withCustomerLock(models, customerId, () => models.Customer.deleteOne({ _id: customerId }));
  return result.deletedCount;
}

/**
 * One page of the customers a segment query selects, after `afterCustomerId` in customer id order (a
 * stable cursor); `query` is a MongoDB query over the profile fields.
 */
export async function findCustomerIdsPage(
  models: Models,
  query: Record<string, unknown>,
  page: { afterCustomerId: string | null; limit: number },
): Promise<string[]> {
  const filter =
    page.afterCustomerId === null ? query : { $and: [query, { customerId: { $gt: page.afterCustomerId } }] };
  const rows = await models.Customer.find(filter, { customerId: 1, _id: 0 })
    .sort({ customerId: 1 })
    .limit(page.limit)
    .lean<{ customerId: string }[]>();
  return rows.map((r) => r.customerId);
}

/** How many customers a segment query selects. */
export async function countCustomers(models: Models, query: Record<string, unknown>): Promise<number> {
  return models.Customer.countDocuments(query);
}

/**
 * Takes a change of `consent.email` out of a patch that records no re-opt-in, to be written only where
 * the customer did not unsubscribe (`unknown` or `bounced` would otherwise be a step back to `subscribed`).
 */
function splitResubscribe(set: { [path: string]: unknown }) {
  const optedIn = set[`${OPT_IN_FIELD}.email`] !== undefined && set[`${OPT_IN_FIELD}.email`] !== null;
  const state = set['consent.email'];
  if (typeof state !== 'string' || state === 'unsubscribed' || optedIn) return { resubscribe: null, rest: set };
  const rest = { ...set };
  delete rest['consent.email'];
  return { resubscribe: state, rest };
}

/** Upserts, retrying the losers of a creation race; a taken LINE user id is {@link LineUserIdTakenError}. */
async function upsertRetried(models: Models, customerId: string, update: Record<string, unknown>): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await models.Customer.updateOne(
        { _id: customerId },
        { ...update, $setOnInsert: { customerId } },
        { upsert: true, strict: false },
      );
      return result.upsertedCount > 0;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // FerretDB does not name the index a duplicate key broke: a LINE user id held by another
      // customer tells this refusal apart from the losers of a creation race.
      const lineUserId = (update.$set as Record<string, unknown> | undefined)?.lineUserId;
      const holder = typeof lineUserId === 'string' ? await findCustomerIdByLineUser(models, lineUserId) : null;
      if (holder !== null && holder !== customerId) throw new LineUserIdTakenError();
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * Takes a LINE user id away from the profile that holds it (the `line:<userId>` profile of a follower
 * not yet linked), so a customer can be linked to it. Returns whether a profile held it.
 */
export async function releaseLineUserId(models: Models, holderId: string, lineUserId: string): Promise<boolean> {
  const { modifiedCount } = await withCustomerLock(models, holderId, () =>
    models.Customer.updateOne({ _id: holderId, lineUserId }, { $unset: { lineUserId: '' } }),
  );
  return modifiedCount > 0;
}

function splitSet(set: { [path: string]: unknown }) {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  for (const [path, value] of Object.entries(set)) {
    const root = path.split('.')[0] ?? '';
    if (SYSTEM_FIELDS.has(root) || path.split('.').some((part) => part === '' || part.startsWith('$'))) {
      throw new ProfileFieldError(path);
    }
    if (value === null || value === undefined) $unset[path] = '';
    else $set[path] = value;
  }
  return { $set, $unset };
}
