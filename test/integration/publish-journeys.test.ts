import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJourney } from '../../definitions/compile.js';
import { loadCompileOptions } from '../../definitions/catalog.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/connection.js';
import {
  getJourneyHead,
  loadJourneyPlan,
  loadJourneyVersion,
  pinTemplates,
  publishJourney,
  setJourneyStatus,
} from '../../store/journeys.js';
import { projectRoot } from '../../scripts/servers.js';
import { publishExamples } from '../../scripts/publish-examples.js';
import { connectTestStore } from '../support/store.js';

const options = loadCompileOptions(join(projectRoot, 'definitions'), projectRoot);
const winbackSource = readFileSync(join(projectRoot, 'definitions', 'journeys', 'winback.yaml'), 'utf8');
function compile(source: string) {
  const result = compileJourney(source, 'definitions/journeys/winback.yaml', options);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.plan;
}

describe('publishing journeys to MongoDB (FerretDB)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await connectTestStore(import.meta.filename);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('stores version 1 with its plan and pinned templates, and reads the same plan back', async () => {
    const plan = compile(winbackSource);
    const templates = pinTemplates(plan, options.templates ?? {});
    expect(await publishJourney(store.models, { plan, source: winbackSource, templates })).toEqual({
      journeyId: plan.journeyId,
      version: 1,
      created: true,
    });
    expect(await loadJourneyPlan(store.models, plan.journeyId, 1)).toEqual(plan);
    const doc = await store.models.Journey.findOne({ journeyId: plan.journeyId, version: 1 }).lean();
    expect(Object.keys(JSON.parse(doc!.templatesJson) as object).sort()).toEqual(Object.keys(plan.templates).sort());
  });

  it('is idempotent for the same content and gives changed content the next version', async () => {
    const plan = compile(winbackSource);
    expect(await publishJourney(store.models, { plan, source: winbackSource })).toMatchObject({
      version: 1,
      created: false,
    });
    const changed = winbackSource.replace(/^name: .*$/m, 'name: 休眠顧客の掘り起こし（改訂）');
    expect(changed).not.toBe(winbackSource);
    const second = compile(changed);
    expect(await publishJourney(store.models, { plan: second, source: changed })).toMatchObject({
      version: 2,
      created: true,
    });
    expect(await loadJourneyPlan(store.models, plan.journeyId, 1)).toEqual(plan);
  });

  it('makes content equal to an older version current again, as a new version; keeps the head', async () => {
    const source = winbackSource.replace(/^journey: .*$/m, 'journey: back-again');
    const changed = source.replace(/^name: .*$/m, 'name: changed');
    const [a, b] = [compile(source), compile(changed)];
    expect(await publishJourney(store.models, { plan: a, source })).toMatchObject({ version: 1, created: true });
    expect(await publishJourney(store.models, { plan: b, source: changed })).toMatchObject({
      version: 2,
      created: true,
    });
    expect(await publishJourney(store.models, { plan: a, source })).toEqual({
      journeyId: 'back-again',
      version: 3,
      created: true,
    });
    expect(await getJourneyHead(store.models, 'back-again')).toEqual({
      journeyId: 'back-again',
      version: 3,
      contentHash: a.contentHash,
      status: 'active',
      generation: 0,
    });
    // Publishing the current content again changes nothing.
    expect(await publishJourney(store.models, { plan: a, source })).toMatchObject({ version: 3, created: false });
    expect((await loadJourneyVersion(store.models, 'back-again', 3))?.plan).toEqual(a);
  });

  it('keeps the status across publishes and refuses a status for an unknown journey', async () => {
    const source = winbackSource.replace(/^journey: .*$/m, 'journey: status-kept');
    await publishJourney(store.models, { plan: compile(source), source });
    expect(await setJourneyStatus(store.models, 'status-kept', 'paused')).toMatchObject({ status: 'paused' });
    const changed = source.replace(/^name: .*$/m, 'name: again');
    await publishJourney(store.models, { plan: compile(changed), source: changed });
    expect(await getJourneyHead(store.models, 'status-kept')).toMatchObject({ version: 2, status: 'paused' });
    await expect(setJourneyStatus(store.models, 'nope', 'paused')).rejects.toMatchObject({ code: 'JOURNEY_NOT_FOUND' });
    expect(await getJourneyHead(store.models, 'nope')).toBeNull();
  });

  it('gives concurrent publishes of different content distinct consecutive versions', async () => {
    const sources = [1, 2, 3].map((n) =>
      winbackSource.replace(/^journey: .*$/m, 'journey: race').replace(/^name: .*$/m, `name: race ${n}`),
    );
    const results = await Promise.all(
      sources.map((source) => publishJourney(store.models, { plan: compile(source), source })),
    );
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3]);
    expect(await getJourneyHead(store.models, 'race')).toMatchObject({ version: 3 });
  });

  it('publishes every example journey (what npm start does), idempotently', async () => {
    const first = await publishExamples(store.models);
    expect(first.filter((o) => !o.ok)).toEqual([]);
    expect(first.length).toBeGreaterThanOrEqual(6);
    const again = await publishExamples(store.models);
    expect(again.every((o) => o.ok && !o.created)).toBe(true);
  });
});
