/**
 * The LINE message budget: before a LINE push, the workspace's monthly budget (`line_budget` of
 * `definitions/workspace.yaml`, counted in the store) and LINE's own quota (`/v2/bot/message/quota` and
 * `/quota/consumption`, read at most every `quotaCacheMs`) must both leave room. Marketing journeys stop
 * `reserve` messages short of either limit; transactional ones may use the reserve. A message is counted
 * once per delivery key, atomically, right before its push (see `store/line-budget.ts`).
 */
import type { LineBudgetPolicy } from '../definitions/workspace.js';
import type { Models } from '../store/connection.js';
import {
  chargeLineBudget,
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
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The month LINE counts a moment in: `YYYY-MM` of its calendar date in Japan time. */
export function lineQuotaMonth(atMs: number): string {
  return new Date(atMs + JST_OFFSET_MS).toISOString().slice(0, 7);
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

  return {
    async check({ journeyId, version }) {
      const month = lineQuotaMonth(clock());
      const [used, transactional] = await Promise.all([
        // The hint alone: a look that may lag a few sends, which the count before the push catches.
        readHead(deps.models, month),
        isTransactionalVersion(deps.models, journeyId, version),
      ]);
      return verdict(month, used, transactional);
    },
    async charge({ deliveryKey, journeyId, version }) {
      const atMs = clock();
      const month = lineQuotaMonth(atMs);
      // Read together: one round trip before the count.
      const [held, used, transactional] = await Promise.all([
        findLineBudgetCharge(deps.models, deliveryKey),
        readLineBudgetUsage(deps.models, month),
        isTransactionalVersion(deps.models, journeyId, version),
      ]);
      // A retry of a message counted before goes as it went: LINE deduplicates it by its retry key.
      if (held !== null) return { ok: true };
      const line = lineRefusal(await lineQuota(month, used), used, transactional);
      if (line !== null) return { ok: false, detail: line };
      const limit = transactional ? policy.monthly : policy.monthly - policy.reserve;
      const input = { month, deliveryKey, limit, transactional, atMs, used };
      const charged = await chargeLineBudget(deps.models, input);
      if (charged.kind !== 'over') return { ok: true };
      return { ok: false, detail: budgetRefusal(charged.used, transactional) ?? 'the LINE budget is used' };
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
