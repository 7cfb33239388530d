/**
 * Published plans kept in the worker's memory by (journey, version, content hash). A published version
 * is immutable, so each is read from the store once per worker instead of once per run; the run still
 * records the plan in its history (the `loadPlan` local activity's result), so replay does not depend
 * on the cache. Only plans that loaded and matched their pinned hash are kept.
 */
import type { Plan } from '../definitions/plan.js';

/** How many plans a worker keeps by default: every version of every live journey, many times over. */
export const DEFAULT_PLAN_CACHE_SIZE = 500;

export class PlanCache {
  private readonly plans = new Map<string, Plan>();

  /** @param max the most plans kept; the least recently used goes first. @default DEFAULT_PLAN_CACHE_SIZE */
  constructor(private readonly max = DEFAULT_PLAN_CACHE_SIZE) {}

  /** The plan under this key, loading it with `load` when it is not kept; a load that throws keeps nothing. */
  async get(
    key: { journeyId: string; version: number; contentHash: string },
    load: () => Promise<Plan>,
  ): Promise<Plan> {
    const id = `${key.journeyId}\u0000${key.version}\u0000${key.contentHash}`;
    const kept = this.plans.get(id);
    if (kept !== undefined) {
      this.plans.delete(id);
      this.plans.set(id, kept);
      return kept;
    }
    const plan = await load();
    this.plans.set(id, plan);
    if (this.plans.size > this.max) this.plans.delete(this.plans.keys().next().value!);
    return plan;
  }

  get size(): number {
    return this.plans.size;
  }
}
