/**
 * The LINE message budget: before a LINE push, the workspace's monthly budget (`line_budget` of
 * `definitions/workspace.yaml`, counted in the store) and LINE's own quota (`/v2/bot/message/quota` and
 * `/quota/consumption`, read at most every `quotaCacheMs`) must both leave room. Marketing journeys stop
 * `reserve` messages short of either limit; transactional ones may use the reserve. A message is counted
 * once per delivery key, atomically, right before its push (see `store/line-budget.ts`).
 *
 * A worker's sends reach their push together: their counts go to the store in one batch (one head read,
 * one `insertMany`, one hint write), one batch at a time per process so its numbers never race its own.
 */
import type { LineBudgetPolicy } from '../definitions/workspace.js';
import type { Models } from '../store/connection.js';
import { createGroupCommit } from '../store/group-commit.js';
import {
  chargeLineBudgetMany,
  findLineBudgetCharge,
  isTransactionalVersion,
  readHead,
  readLineBudgetUsage,
} from '../store/line-budget.js';
import type { LineQuota } from './line-sender.js';

export type { LineBudgetPolicy };

/** Whether a LINE message may go; when not, why (for the ledger's `detail`). */
export type BudgetVerdict = { ok: true } | { ok: false; detail: string };

/** This month's figures, for `GET /v1/line/budget`. */
export interface LineBudgetStatus {
  month: string;
  budget: LineBudgetPolicy & { marketingLimit: number };
  /** LINE messages Kizuna counted this month. */
  used: number;
  /** LINE's quota and consumption as read (or from the cache); null when LINE could not be read. */
  line: { quota: { type: 'none' | 'limited'; value?: number }; consumption: { totalUsage: number } } | null;
  lineError: string | null;
  /** Whether a send of each kind would go now. */
  open: { marketing: boolean; transactional: boolean };
}

export interface LineBudget {
  /** A look before the send is claimed (nothing counted): may a LINE message of this journey version go? */
  check(input: { journeyId: string; version: number }): Promise<BudgetVerdict>;
  /** Counts the message of `deliveryKey` when it fits, atomically; a key counted before is let through. */
  charge(input: { deliveryKey: string; journeyId: string; version: number }): Promise<BudgetVerdict>;
  status(): Promise<LineBudgetStatus>;
}

export interface LineBudgetDeps {
  models: Models;
  policy: LineBudgetPolicy;
  /** LINE's quota (`LineSender.quota`); null: not read (no LINE channel). */
  quota: (() => Promise<LineQuota>) | null;
  /** Real clock: LINE counts calendar months. @default Date.now */
  clock?: () => number;
  /** How long a quota read is trusted. @default 60_000 */
  quotaCacheMs?: number;
  /** Where a failed quota read is reported; sends go on under the budget alone. @default console.warn */
  onQuotaError?: (message: string) => void;
  /**
   * How long the count this process last saw stands in for a read, in the look before a send
   * ({@link LineBudget.check}; the count itself is always decided in the store). @default 1_000
   */
  countFreshMs?: number;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The month LINE counts a moment in: `YYYY-MM` of its calendar date in Japan time. */
export function lineQuotaMonth(atMs: number): string {
  return new Date(atMs + JST_OFFSET_MS).toISOString().slice(0, 7);
}

/** A message waiting for its batch (see {@link createLineBudget}). */
interface PendingCharge {
  month: string;
  atMs: number;
  deliveryKey: string;
  transactional: boolean;
}

interface QuotaRead {
  quota: LineQuota;
  atMs: number;
  month: string;
  /** Kizuna's count when LINE was read: messages counted since are added to LINE's consumption. */
  usedAtRead: number;
}

/** Builds the budget on the store and LINE's quota. */
export function createLineBudget(deps: LineBudgetDeps): LineBudget {
  const clock = deps.clock ?? Date.now;
  const cacheMs = deps.quotaCacheMs ?? 60_000;
  const { policy } = deps;
  let cached: QuotaRead | null = null;
  let lastError: string | null = null;
  /** The count of each month this process last knew, and when. */
  const counts = new Map<string, { used: number; atMs: number }>();

  /** LINE's quota, from the cache while it is fresh and of this month. */
  async function lineQuota(month: string, used: number): Promise<QuotaRead | null> {
    const now = clock();
    if (cached && cached.month === month && now - cached.atMs < cacheMs) return cached;
    if (!deps.quota) return null;
    try {
      cached = { quota: await deps.quota(), atMs: now, month, usedAtRead: used };
      lastError = null;
      return cached;
    } catch (err) {
      lastError = (err as Error).message;
      (deps.onQuotaError ?? console.warn)(`LINE's message quota could not be read: ${lastError}`);
      return null;
    }
  }

  /** Why LINE's quota leaves no room for one more message of the class, or null. */
  function lineRefusal(read: QuotaRead | null, used: number, transactional: boolean): string | null {
    if (!read || read.quota.type !== 'limited' || read.quota.limit === null) return null;
    const consumed = read.quota.used + Math.max(0, used - read.usedAtRead);
    const limit = transactional ? read.quota.limit : read.quota.limit - policy.reserve;
    if (consumed < limit) return null;
    const whose = transactional ? 'transactional' : `marketing (the last ${policy.reserve} are reserved)`;
    return `LINE's monthly quota: ${consumed} of ${read.quota.limit} messages used; no room for ${whose}`;
  }

  function budgetRefusal(used: number, transactional: boolean): string | null {
    const limit = transactional ? policy.monthly : policy.monthly - policy.reserve;
    if (used < limit) return null;
    const whose = transactional ? 'transactional messages' : 'marketing messages (monthly - reserve)';
    return `the workspace's LINE budget: ${used} of ${limit} ${whose} used this month`;
  }

  async function verdict(month: string, used: number, transactional: boolean): Promise<BudgetVerdict> {
    const refusal =
      budgetRefusal(used, transactional) ?? lineRefusal(await lineQuota(month, used), used, transactional);
    return refusal === null ? { ok: true } : { ok: false, detail: refusal };
  }

  /** The month's count as this process last saw it (fresh), else as the head hint has it. */
  async function lookedUpCount(month: string): Promise<number> {
    const seen = counts.get(month);
    if (seen && clock() - seen.atMs < (deps.countFreshMs ?? 1_000)) return seen.used;
    const used = await readHead(deps.models, month);
    counts.set(month, { used: Math.max(used, seen?.used ?? 0), atMs: clock() });
    return used;
  }

  /** Counts a batch of one month's messages; answers a verdict per message. */
  async function chargeBatch(items: PendingCharge[]): Promise<BudgetVerdict[]> {
    const { month, atMs } = items[0]!;
    const seen = counts.get(month);
    // The head hint catches what other processes counted; the first batch of a month reads the exact count.
    const used = seen
      ? Math.max(seen.used, await readHead(deps.models, month))
      : await readLineBudgetUsage(deps.models, month);
    const read = await lineQuota(month, used);
    const verdicts: Array<BudgetVerdict | undefined> = items.map(() => undefined);
    const open: number[] = [];
    for (const [i, item] of items.entries()) {
      // Each message as if the ones before it in the batch were counted.
      const refusal = lineRefusal(read, used + open.length, item.transactional);
      if (refusal === null) open.push(i);
      // A retry of a message counted before goes as it went: LINE deduplicates it by its retry key.
      else
        verdicts[i] =
          (await findLineBudgetCharge(deps.models, item.deliveryKey)) !== null
            ? { ok: true }
            : { ok: false, detail: refusal };
    }
    const requests = open.map((i) => {
      const { deliveryKey, transactional } = items[i]!;
      return { deliveryKey, transactional, limit: transactional ? policy.monthly : policy.monthly - policy.reserve };
    });
    const { results, next } = await chargeLineBudgetMany(deps.models, { month, atMs, from: used + 1, requests });
    counts.set(month, { used: next - 1, atMs: clock() });
    results.forEach((charged, k) => {
      const { transactional } = items[open[k]!]!;
      verdicts[open[k]!] =
        charged.kind !== 'over'
          ? { ok: true }
          : { ok: false, detail: budgetRefusal(charged.used, transactional) ?? 'the LINE budget is used' };
    });
    return verdicts as BudgetVerdict[];
  }

  // One batch at a time: two batches of one process would start from the same count and refuse each other.
  const charges = createGroupCommit(
    async (items: PendingCharge[]) => {
      const months = [...new Set(items.map((item) => item.month))];
      const byMonth = await Promise.all(months.map((m) => chargeBatch(items.filter((item) => item.month === m))));
      const answers = new Map(months.map((m, k) => [m, byMonth[k]!]));
      const taken = new Map<string, number>();
      return items.map((item) => {
        const k = taken.get(item.month) ?? 0;
        taken.set(item.month, k + 1);
        return answers.get(item.month)![k]!;
      });
    },
    { maxInFlight: 1 },
  );

  return {
    async check({ journeyId, version }) {
      const month = lineQuotaMonth(clock());
      const [used, transactional] = await Promise.all([
        // A look that may lag a few sends, which the count before the push catches.
        lookedUpCount(month),
        isTransactionalVersion(deps.models, journeyId, version),
      ]);
      return verdict(month, used, transactional);
    },
    async charge({ deliveryKey, journeyId, version }) {
      const atMs = clock();
      const transactional = await isTransactionalVersion(deps.models, journeyId, version);
      return charges.submit({ month: lineQuotaMonth(atMs), atMs, deliveryKey, transactional });
    },
    async status() {
      const month = lineQuotaMonth(clock());
      const used = await readLineBudgetUsage(deps.models, month);
      const read = await lineQuota(month, used);
      const open = async (transactional: boolean) => (await verdict(month, used, transactional)).ok;
      return {
        month,
        budget: { ...policy, marketingLimit: policy.monthly - policy.reserve },
        used,
        line: read ? lineFigures(read.quota) : null,
        lineError: read ? null : lastError,
        open: { marketing: await open(false), transactional: await open(true) },
      };
    },
  };
}

function lineFigures(quota: LineQuota): NonNullable<LineBudgetStatus['line']> {
  const value = quota.type === 'limited' && quota.limit !== null ? { value: quota.limit } : {};
  return { quota: { type: quota.type, ...value }, consumption: { totalUsage: quota.used } };
}
