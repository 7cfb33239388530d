import { describe, expect, it } from 'vitest';
import { makeLoadPlan } from '../../activities/entry.js';
import { PlanCache } from '../../activities/plan-cache.js';
import type { Plan } from '../../definitions/plan.js';
import type { Models } from '../../store/connection.js';

/** A journeys collection holding one published version, counting its reads. */
function journeys(doc: { contentHash: string; plan: object } | null) {
  const reads = { count: 0 };
  const models = {
    Journey: {
      findOne: () => ({
        lean: () => {
          reads.count += 1;
          return Promise.resolve(
            doc && { contentHash: doc.contentHash, planJson: JSON.stringify(doc.plan), templatesJson: '{}' },
          );
        },
      }),
    },
  } as unknown as Models;
  return { models, reads };
}

describe('loadPlan reads each published plan once per worker', () => {
  const key = { journeyId: 'winback-90d', version: 3, contentHash: 'h3' };

  it('answers the same (journey, version, hash) from memory after the first read', async () => {
    const { models, reads } = journeys({ contentHash: 'h3', plan: { journeyId: 'winback-90d' } });
    const loadPlan = makeLoadPlan({ models });
    expect(await loadPlan(key)).toEqual({ journeyId: 'winback-90d' });
    expect(await loadPlan(key)).toEqual({ journeyId: 'winback-90d' });
    expect(reads.count).toBe(1);
  });

  it('keeps nothing when the pinned hash does not match or the version is missing', async () => {
    const mismatch = journeys({ contentHash: 'other', plan: {} });
    const loadMismatch = makeLoadPlan({ models: mismatch.models });
    await expect(loadMismatch(key)).rejects.toMatchObject({ type: 'JOURNEY_CONTENT_MISMATCH' });
    await expect(loadMismatch(key)).rejects.toMatchObject({ type: 'JOURNEY_CONTENT_MISMATCH' });
    expect(mismatch.reads.count).toBe(2);
    const missing = journeys(null);
    await expect(makeLoadPlan({ models: missing.models })(key)).rejects.toMatchObject({
      type: 'JOURNEY_VERSION_NOT_FOUND',
    });
  });

  it('drops the least recently used plan past its size', async () => {
    const cache = new PlanCache(2);
    const plan = (n: number) => ({ journeyId: `j${n}` }) as unknown as Plan;
    const loads: number[] = [];
    const get = (n: number) =>
      cache.get({ journeyId: `j${n}`, version: 1, contentHash: 'h' }, () => {
        loads.push(n);
        return Promise.resolve(plan(n));
      });
    await get(1);
    await get(2);
    await get(1);
    await get(3);
    await get(1);
    await get(2);
    expect(loads).toEqual([1, 2, 3, 2]);
    expect(cache.size).toBe(2);
  });
});
