/**
 * The LINE message budget's monthly counter (`line_budget`, see `models/line-budget.ts`). Counting is an
 * insert with a unique `_id` (`<month>|<n>`) and a unique `key`, because FerretDB v1 has no transactions
 * and loses concurrent `$inc`s: of two sends racing for number n one insert wins and the other tries
 * n + 1; a send that already holds a number (a retry) is refused by the `key` index and keeps its own.
 * Every read is by `_id` or by `key`, both indexed.
 */
import { createHash } from 'node:crypto';
import { duplicateKeyWrites, isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

/** The answer of {@link chargeLineBudget}. */
export type BudgetCharge =
  { kind: 'charged'; n: number } | { kind: 'already'; n: number } | { kind: 'over'; used: number };

/** One message to count in {@link chargeLineBudgetMany}. */
export interface ChargeRequest {
  deliveryKey: string;
  /** The highest number this message may take (monthly, or monthly - reserve for marketing). */
  limit: number;
  transactional: boolean;
}

const slotId = (month: string, n: number) => `${month}|${n}`;
const headId = (month: string) => `lbhead|${month}`;
/** The delivery key is stored hashed: it names the customer, and the counter outlives an erasure. */
const hashKey = (deliveryKey: string) => createHash('sha256').update(deliveryKey).digest('hex');

/**
 * Counts one LINE message of delivery `deliveryKey` in `month`, as the month's next number, when that
 * number is at most `limit`; `over` otherwise. A key counted before answers `already` with its number,
 * whatever the limit now: a retried send is never counted twice, nor refused for its own count.
 */
export async function chargeLineBudget(
  models: Models,
  input: {
    month: string;
    deliveryKey: string;
    limit: number;
    transactional: boolean;
    atMs: number;
    /** The count the caller just read ({@link readLineBudgetUsage}): the search starts above it. */
    used?: number;
  },
): Promise<BudgetCharge> {
  const { month, atMs } = input;
  const from = (input.used ?? (await readHead(models, month))) + 1;
  const request = { deliveryKey: input.deliveryKey, limit: input.limit, transactional: input.transactional };
  const { results } = await chargeLineBudgetMany(models, { month, atMs, from, requests: [request] });
  return results[0]!;
}

/**
 * Counts several LINE messages of one month at once (the sends of a worker that reach their push
 * together): consecutive numbers from `from` are handed out in order, skipping a message whose number
 * would pass its limit (`over`, unless its key was counted before), and inserted in one unordered
 * `insertMany`. Each number and each key is still decided by its unique index: a number another process
 * took is refused and its message tries the next round's numbers; a key counted before is refused and
 * answers `already`. `next` is where the following batch may start (a number not known to be taken).
 */
export async function chargeLineBudgetMany(
  models: Models,
  input: { month: string; atMs: number; from: number; requests: readonly ChargeRequest[] },
): Promise<{ results: BudgetCharge[]; next: number }> {
  const { month } = input;
  const results: Array<BudgetCharge | undefined> = input.requests.map(() => undefined);
  let next = input.from;
  for (let round = 0; round < 100; round++) {
    const open = results.flatMap((r, i) => (r === undefined ? [i] : []));
    if (open.length === 0) break;
    const assigned = new Map<number, number>();
    for (const i of open) {
      if (next > input.requests[i]!.limit) continue;
      assigned.set(i, next++);
    }
    const over = open.filter((i) => !assigned.has(i));
    await Promise.all(
      over.map(async (i) => {
        const held = await findCharge(models, hashKey(input.requests[i]!.deliveryKey));
        results[i] = held === null ? { kind: 'over', used: next - 1 } : { kind: 'already', n: held };
      }),
    );
    if (assigned.size === 0) break;
    const refused = await insertNumbers(models, input, assigned);
    for (const [i, n] of assigned) if (!refused.has(i)) results[i] = { kind: 'charged', n };
    // A refused number is either taken by another process (its message tries the next round) or was
    // refused for the key (a retry, counted before): that number stays free and the next round starts there.
    const free = await settleRefused(models, input.requests, assigned, refused, results);
    if (free.length > 0) next = Math.min(next, ...free);
  }
  if (results.some((r) => r === undefined)) throw new Error(`counting LINE messages in ${month}: too much contention`);
  const charged = results.flatMap((r) => (r?.kind === 'charged' ? [r.n] : []));
  // A hint only, not waited for: a stale or lost value costs a few more probes, never a wrong count.
  if (charged.length > 0) {
    void models.DeliveryClaim.updateOne(
      { _id: headId(month) },
      { $max: { seq: Math.max(...charged) } },
      { upsert: true },
    ).catch(() => undefined);
  }
  return { results: results as BudgetCharge[], next };
}

/** Inserts the assigned numbers; answers the requests whose insert a unique index refused. */
async function insertNumbers(
  models: Models,
  input: { month: string; atMs: number; requests: readonly ChargeRequest[] },
  assigned: Map<number, number>,
): Promise<Set<number>> {
  const order = [...assigned.keys()];
  const docs = order.map((i) => {
    const n = assigned.get(i)!;
    const { deliveryKey, transactional } = input.requests[i]!;
    return {
      _id: slotId(input.month, n),
      month: input.month,
      n,
      key: hashKey(deliveryKey),
      transactional,
      at: new Date(input.atMs),
    };
  });
  try {
    await models.LineBudgetSlot.insertMany(docs, { ordered: false });
    return new Set();
  } catch (err) {
    const refused = duplicateKeyWrites(err) ?? (isDuplicateKeyError(err) && docs.length === 1 ? [0] : null);
    if (refused === null) throw err;
    // An index the driver did not name (-1): every insert of the batch is read back below (one that went
    // in then answers `already`, which lets its message go all the same).
    return new Set(refused.includes(-1) ? order : refused.map((k) => order[k]!));
  }
}

/**
 * Settles the refused inserts by reading each key: held (a retry or a racing attempt counted it:
 * `already`), or not held (the number was taken: left open). Answers the numbers that may have stayed
 * free (those of the held keys).
 */
async function settleRefused(
  models: Models,
  requests: readonly ChargeRequest[],
  assigned: Map<number, number>,
  refused: Set<number>,
  results: Array<BudgetCharge | undefined>,
): Promise<number[]> {
  const free: number[] = [];
  await Promise.all(
    [...refused].map(async (i) => {
      const held = await findCharge(models, hashKey(requests[i]!.deliveryKey));
      if (held === null) return;
      results[i] = { kind: 'already', n: held };
      // Free unless the key's own count took it: then the next round's insert there is refused.
      free.push(assigned.get(i)!);
    }),
  );
  return free;
}

async function findCharge(models: Models, key: string): Promise<number | null> {
  const doc = await models.LineBudgetSlot.findOne({ key }, { n: 1 }).lean<{ n: number }>();
  return doc?.n ?? null;
}

/**
 * How many LINE messages were counted in `month`: the highest number taken, found from the head hint
 * upwards (a read per number the hint lags behind, usually none).
 */
export async function readLineBudgetUsage(models: Models, month: string): Promise<number> {
  let used = await readHead(models, month);
  while (await models.LineBudgetSlot.exists({ _id: slotId(month, used + 1) })) used++;
  return used;
}

/**
 * The month's count as the head hint has it: at most a few behind {@link readLineBudgetUsage}, in one
 * read. Enough for a look before a send; the count itself is decided by the insert.
 */
export async function readHead(models: Models, month: string): Promise<number> {
  const head = await models.DeliveryClaim.findById(headId(month), { seq: 1 }).lean<{ seq?: number }>();
  return head?.seq ?? 0;
}

/** The month's number a delivery key was counted as, or null when it was not. */
export async function findLineBudgetCharge(models: Models, deliveryKey: string): Promise<number | null> {
  return findCharge(models, hashKey(deliveryKey));
}

const transactionalCache = new Map<string, Promise<boolean>>();
const MAX_CACHED = 500;

/**
 * Whether a journey version is transactional (`transactional: true` in its plan). Versions are immutable,
 * so an answer is kept (per process, bounded), and sends asking at once share one read; a version not
 * found is marketing and is not kept (it may be published later), nor is a failed read.
 */
export async function isTransactionalVersion(models: Models, journeyId: string, version: number): Promise<boolean> {
  const key = `${journeyId}@${version}`;
  const hit = transactionalCache.get(key);
  if (hit !== undefined) return hit;
  const read = readTransactional(models, journeyId, version);
  const value = read.then((r) => r.transactional);
  if (transactionalCache.size >= MAX_CACHED) transactionalCache.clear();
  transactionalCache.set(key, value);
  // Settled here too, so a failed read nobody else awaits is no unhandled rejection.
  read.then(
    (r) => r.found || transactionalCache.delete(key),
    () => transactionalCache.delete(key),
  );
  return value;
}

async function readTransactional(models: Models, journeyId: string, version: number) {
  const doc = await models.Journey.findOne({ journeyId, version }, { planJson: 1 }).lean();
  if (!doc) return { found: false, transactional: false };
  return {
    found: true,
    transactional: (JSON.parse(doc.planJson) as { transactional?: unknown }).transactional === true,
  };
}
