/**
 * The LINE message budget's monthly counter (`line_budget`, see `models/line-budget.ts`). Counting is an
 * insert with a unique `_id` (`<month>|<n>`) and a unique `key`, because FerretDB v1 has no transactions
 * and loses concurrent `$inc`s: of two sends racing for number n one insert wins and the other tries
 * n + 1; a send that already holds a number (a retry) is refused by the `key` index and keeps its own.
 * Every read is by `_id` or by `key`, both indexed.
 */
import { createHash } from 'node:crypto';
import { isDuplicateKeyError } from './errors.js';
import type { Models } from './models/index.js';

/** The answer of {@link chargeLineBudget}. */
export type BudgetCharge =
  { kind: 'charged'; n: number } | { kind: 'already'; n: number } | { kind: 'over'; used: number };

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
  const { month } = input;
  const key = hashKey(input.deliveryKey);
  const used = input.used ?? (await readHead(models, month));
  for (let n = used + 1, round = 0; round < 1_000; round++, n++) {
    if (n > input.limit) {
      const held = await findCharge(models, key);
      return held ? { kind: 'already', n: held } : { kind: 'over', used: n - 1 };
    }
    try {
      const doc = {
        _id: slotId(month, n),
        month,
        n,
        key,
        transactional: input.transactional,
        at: new Date(input.atMs),
      };
      await models.LineBudgetSlot.create(doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Either number n is taken (try the next) or this key already holds one (a retry).
      const held = await findCharge(models, key);
      if (held) return { kind: 'already', n: held };
      continue;
    }
    // A hint only, not waited for: a stale or lost value costs a few more probes, never a wrong count.
    void models.DeliveryClaim.updateOne({ _id: headId(month) }, { $max: { seq: n } }, { upsert: true }).catch(
      () => undefined,
    );
    return { kind: 'charged', n };
  }
  throw new Error(`counting a LINE message in ${month}: too much contention`);
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

const transactionalCache = new Map<string, boolean>();
const MAX_CACHED = 500;

/**
 * Whether a journey version is transactional (`transactional: true` in its plan). Versions are immutable,
 * so an answer is kept (per process, bounded); a version not found is marketing.
 */
export async function isTransactionalVersion(models: Models, journeyId: string, version: number): Promise<boolean> {
  const key = `${journeyId}@${version}`;
  const hit = transactionalCache.get(key);
  if (hit !== undefined) return hit;
  const doc = await models.Journey.findOne({ journeyId, version }, { planJson: 1 }).lean();
  if (!doc) return false;
  const transactional = (JSON.parse(doc.planJson) as { transactional?: unknown }).transactional === true;
  if (transactionalCache.size >= MAX_CACHED) transactionalCache.clear();
  transactionalCache.set(key, transactional);
  return transactional;
}
