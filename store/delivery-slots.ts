/**
 * Frequency-cap slots: every send of a customer on a channel, from any journey, takes the next slot
 * `slot|<customer>|<channel>|<seq>` by inserting it (unique `_id`), so two sends racing for the same
 * slot cannot both win; the loser looks again. A send may take slot `n` only when fewer than `max` of
 * the slots before it (not released) are inside the window. Slots are never deleted, so they stay
 * contiguous and the next one is found by trying ids upwards from a `head` hint. Every read is by `_id`
 * (an index lookup on MongoDB; FerretDB v1 on SQLite scans the collection for any query, so reads are few).
 */
import { isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

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
 * With a cap, answers `capped` with the time the oldest counted slot leaves the window when `max`
 * sends are already inside it. Without a cap the slot is still taken: those sends count for the caps
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
      const ids = Array.from({ length: Math.min(cap.max, seq - 1) }, (_, i) =>
        slotId(customerId, channel, seq - 1 - i),
      );
      // One query for the window, not one per slot: FerretDB v1 scans the collection for each.
      const before = await DeliveryClaim.find({ _id: { $in: ids } }, { atMs: 1, released: 1 }).lean<Slot[]>();
      const inWindow = before.filter((s) => !s.released && s.atMs > nowMs - cap.perMs);
      let counted = inWindow.length;
      // Released slots leave fewer sends in the last `max` ids: only then look further back.
      if (counted < cap.max && before.some((s) => s.released)) {
        counted = await countFurther(models, input, seq - 1 - ids.length, counted);
      }
      if (counted >= cap.max) {
        return { kind: 'capped', retryAtMs: Math.min(...inWindow.map((s) => s.atMs)) + cap.perMs };
      }
    }
    try {
      await DeliveryClaim.create({ _id: slotId(customerId, channel, seq), key: input.key, atMs: nowMs });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      seq++;
      continue;
    }
    // A hint only: a stale value costs a few more probes, never a wrong answer.
    const hint = DeliveryClaim.updateOne({ _id: headId(customerId, channel) }, { $max: { seq } }, { upsert: true })
      .then(() => undefined)
      .catch((err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err;
      });
    return { kind: 'reserved', slotId: slotId(customerId, channel, seq), hint };
  }
  throw new Error(`reserving a send slot for ${customerId} on ${channel}: too much contention`);
}

/** Counts window sends below `fromSeq` when released slots left fewer than needed in the last `max` ids. */
async function countFurther(
  models: Models,
  input: { customerId: string; channel: string; cap: { max: number; perMs: number } | null; nowMs: number },
  fromSeq: number,
  counted: number,
): Promise<number> {
  const cap = input.cap!;
  let total = counted;
  for (let seq = fromSeq; seq >= 1 && total < cap.max; seq--) {
    const slot = await models.DeliveryClaim.findById(slotId(input.customerId, input.channel, seq)).lean<Slot>();
    if (!slot || slot.atMs <= input.nowMs - cap.perMs) break;
    if (!slot.released) total++;
  }
  return total;
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
