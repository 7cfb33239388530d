/**
 * Frequency-cap slots: every send of a customer on a channel, from any journey, takes the next slot
 * `slot|<customer>|<channel>|<seq>` by inserting it (unique `_id`), so two sends racing for the same
 * slot cannot both win; the loser looks again. A send may take slot `n` only when fewer than `max` of
 * the slots before it (not released) are inside the window. Slots are never deleted, so they stay
 * contiguous and the next one is found by trying ids upwards from a `head` hint. Every read is by `_id`
 * equality (an index lookup on MongoDB and on FerretDB v1's PostgreSQL, which pushes nothing else down).
 */
import { capRetryAt } from '../definitions/consent.js';
import { isDuplicateKeyError } from './errors.js';
import { createGroupCommit, groupedPerStore, type GroupCommit } from './group-commit.js';
import type { Models } from './models/index.js';

/** Slots of concurrent sends go in together: one `insertMany`, each answered as its own insert. */
const insertSlot = groupedPerStore(
  (models: Models) => (docs) => models.DeliveryClaim.insertMany(docs, { ordered: false }),
);

const hintGroups = new WeakMap<Models, GroupCommit<{ id: string; seq: number }, void>>();

/**
 * Moves head hints up (`$max`), the hints of concurrent sends in one unordered bulk write. A lost or
 * refused hint (an upsert racing another) costs later probes, never a wrong answer, so errors settle
 * quietly.
 */
function writeHint(models: Models, id: string, seq: number): Promise<void> {
  let group = hintGroups.get(models);
  if (!group) {
    group = createGroupCommit(async (hints: Array<{ id: string; seq: number }>) => {
      await models.DeliveryClaim.bulkWrite(
        hints.map((h) => ({ updateOne: { filter: { _id: h.id }, update: { $max: { seq: h.seq } }, upsert: true } })),
        { ordered: false },
      ).catch(() => undefined);
      return hints.map(() => undefined);
    });
    hintGroups.set(models, group);
  }
  return group.submit({ id, seq });
}

/**
 * `reserved`: the slot is the caller's; `hint` settles when the head hint is written (the caller may
 * write its own row meanwhile: the hint decides nothing). `capped`: the cap is reached until `retryAtMs`.
 */
export type SlotResult =
  { kind: 'reserved'; slotId: string; hint: Promise<void> } | { kind: 'capped'; retryAtMs: number };

const slotId = (customerId: string, channel: string, seq: number) => `slot|${customerId}|${channel}|${seq}`;
const headId = (customerId: string, channel: string) => `head|${customerId}|${channel}`;

interface Slot {
  _id: string;
  atMs: number;
  released?: boolean;
}

/**
 * Reserves the customer's next send slot on the channel for delivery `key` at `nowMs` (engine clock).
 * With a cap, answers `capped` when `max` sends are already inside the window, with the moment one
 * more fits (`capRetryAt` of `definitions/consent.ts`). Without a cap the slot is still taken: those sends count for the caps
 * of other journeys.
 */
export async function reserveSlot(
  models: Models,
  input: {
    customerId: string;
    channel: 'email' | 'line';
    key: string;
    cap: { max: number; perMs: number } | null;
    nowMs: number;
  },
): Promise<SlotResult> {
  const { customerId, channel, cap, nowMs } = input;
  const { DeliveryClaim } = models;
  const head = await DeliveryClaim.findById(headId(customerId, channel), { seq: 1 }).lean<{ seq?: number }>();
  let seq = (head?.seq ?? 0) + 1;
  for (let round = 0; round < 100; round++) {
    // No probe before the insert: a taken id answers the insert with a duplicate key, and we move on.
    if (cap) {
      const retryAtMs = await capAnswer(models, input, cap, seq);
      if (retryAtMs !== null) return { kind: 'capped', retryAtMs };
    }
    try {
      await insertSlot(models, { _id: slotId(customerId, channel, seq), key: input.key, atMs: nowMs });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      seq++;
      continue;
    }
    // A hint only: a stale value costs a few more probes, never a wrong answer.
    const hint = writeHint(models, headId(customerId, channel), seq);
    return { kind: 'reserved', slotId: slotId(customerId, channel, seq), hint };
  }
  throw new Error(`reserving a send slot for ${customerId} on ${channel}: too much contention`);
}

/**
 * The cap's answer for slot `seq` (`definitions/consent.ts`, the rule the simulator applies too): null
 * when it may be taken, else when the window frees a slot. Only the newest `max` live slots before it
 * can decide; released slots leave fewer among the last `max` ids, and only then is it read further back.
 */
async function capAnswer(
  models: Models,
  input: { customerId: string; channel: string; nowMs: number },
  cap: { max: number; perMs: number },
  seq: number,
): Promise<number | null> {
  const { customerId, channel, nowMs } = input;
  const ids = Array.from({ length: Math.min(cap.max, seq - 1) }, (_, i) => slotId(customerId, channel, seq - 1 - i));
  // One read per slot, by `_id`, side by side: FerretDB v1 pushes `_id` equality down to an index lookup,
  // while a `$in` (one query for the window) reads the whole collection, which grows with every send.
  const found = await Promise.all(
    ids.map((id) => models.DeliveryClaim.findById(id, { atMs: 1, released: 1 }).lean<Slot>()),
  );
  const before = found.filter((s): s is Slot => s !== null);
  const live = before.filter((s) => !s.released && s.atMs > nowMs - cap.perMs).map((s) => s.atMs);
  if (live.length < cap.max && before.some((s) => s.released)) {
    live.push(...(await liveFurther(models, input, cap, seq - 1 - ids.length, cap.max - live.length)));
  }
  return capRetryAt(live, cap, nowMs);
}

/** Up to `wanted` times of live window sends below `fromSeq`, newest first. */
async function liveFurther(
  models: Models,
  input: { customerId: string; channel: string; nowMs: number },
  cap: { max: number; perMs: number },
  fromSeq: number,
  wanted: number,
): Promise<number[]> {
  const found: number[] = [];
  for (let seq = fromSeq; seq >= 1 && found.length < wanted; seq--) {
    const slot = await models.DeliveryClaim.findById(slotId(input.customerId, input.channel, seq)).lean<Slot>();
    if (!slot || slot.atMs <= input.nowMs - cap.perMs) break;
    if (!slot.released) found.push(slot.atMs);
  }
  return found;
}

/** Gives a slot back when its send never reached the provider (the delivery key was taken by another attempt). */
export async function releaseSlot(models: Models, id: string): Promise<void> {
  await models.DeliveryClaim.updateOne({ _id: id }, { $set: { released: true } });
}

/**
 * Deletes a customer's frequency-cap claims (erasure), by id: the slots from 1 up to the head's
 * number and on while they exist (the head is a hint and may lag), then the head. Every delete is an
 * `_id` lookup, which FerretDB pushes down; a pattern over ids would read the whole collection.
 */
export async function deleteCustomerSlots(models: Models, customerId: string): Promise<number> {
  let deleted = 0;
  for (const channel of ['email', 'line']) {
    const head = await models.DeliveryClaim.findById(headId(customerId, channel), { seq: 1 }).lean<{ seq?: number }>();
    const last = head?.seq ?? 0;
    for (let seq = 1, misses = 0; seq <= last || misses < 3; seq++) {
      const { deletedCount } = await models.DeliveryClaim.deleteOne({ _id: slotId(customerId, channel, seq) });
      deleted += deletedCount;
      misses = deletedCount === 0 ? misses + 1 : 0;
    }
    deleted += (await models.DeliveryClaim.deleteOne({ _id: headId(customerId, channel) })).deletedCount;
  }
  return deleted;
}
