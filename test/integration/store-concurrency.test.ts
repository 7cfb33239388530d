// Many writers of one document at once on FerretDB over PostgreSQL: FerretDB v1 updates a document by
// reading it and writing it back whole, so without the store's document locks most of these writes
// are lost. Two stores on one database stand for two processes (the API and a worker).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompileOptions } from '../../definitions/catalog.js';
import { compileJourney } from '../../definitions/compile.js';
import { projectRoot } from '../../scripts/servers.js';
import { connectStore, type Store } from '../../store/connection.js';
import { findProfile, setExistingProfileField, upsertProfile } from '../../store/customers.js';
import { publishJourney, setJourneyStatus } from '../../store/journeys.js';
import { consumeRouteLogin, insertRouteLogin, setAcquisitionRoute } from '../../store/routes.js';
import { connectTestStore } from '../support/store.js';

const WRITERS = 40;

/** The winback example renamed `journeyId`, compiled. */
function winbackPlan(journeyId: string) {
  const file = join(projectRoot, 'definitions', 'journeys', 'winback.yaml');
  const source = readFileSync(file, 'utf8').replace(/^journey: .*$/m, `journey: ${journeyId}`);
  const result = compileJourney(source, file, loadCompileOptions(join(projectRoot, 'definitions'), projectRoot));
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return { plan: result.plan, source };
}

describe('concurrent writers of one document', () => {
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    a = await connectTestStore(import.meta.filename);
    b = await connectStore(inject('mongoUri'), { dbName: a.connection.name, postgresUrl: inject('postgresUrl') });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  const storeOf = (i: number) => (i % 2 === 0 ? a : b);

  it('keeps every field, tag and flag that concurrent profile writes of one customer set', async () => {
    for (let round = 0; round < 5; round++) {
      const customerId = `c-fields-${round}`;
      await Promise.all(
        Array.from({ length: WRITERS }, (_, i) => {
          const models = storeOf(i).models;
          if (i % 4 === 0) return upsertProfile(models, customerId, { set: { [`field${i}`]: i } });
          if (i % 4 === 1) return upsertProfile(models, customerId, { addTags: [`tag${i}`] });
          if (i % 4 === 2) return upsertProfile(models, customerId, { set: { [`nested.f${i}`]: i }, addTags: ['x'] });
          return upsertProfile(models, customerId, { set: { [`other${i}`]: `v${i}` } });
        }),
      );
      const profile = (await findProfile(a.models, customerId))!;
      const tags = profile.tags as string[];
      for (let i = 0; i < WRITERS; i++) {
        if (i % 4 === 0) expect(profile[`field${i}`], `field${i}, round ${round}`).toBe(i);
        if (i % 4 === 1) expect(tags, `round ${round}`).toContain(`tag${i}`);
        if (i % 4 === 2) expect((profile.nested as Record<string, number>)[`f${i}`]).toBe(i);
        if (i % 4 === 3) expect(profile[`other${i}`]).toBe(`v${i}`);
      }
    }
  });

  it('keeps the route arrival and the follow of one customer written at the same moment', async () => {
    for (let round = 0; round < 20; round++) {
      const customerId = `line:U-race-${round}`;
      await upsertProfile(a.models, customerId, { set: { lineUserId: `U-race-${round}` } });
      const [, firstTouch] = await Promise.all([
        upsertProfile(b.models, customerId, { set: { 'consent.line': 'following', lineFollowing: true } }),
        setAcquisitionRoute(a.models, customerId, 'flyer'),
        upsertProfile(a.models, customerId, { addTags: ['spring-flyer'] }),
        setExistingProfileField(b.models, customerId, 'lineDisplayName', 'Hanako'),
      ]);
      expect(firstTouch).toBe(true);
      expect(await findProfile(a.models, customerId)).toMatchObject({
        acquisitionRoute: 'flyer',
        consent: { line: 'following' },
        lineFollowing: true,
        tags: ['spring-flyer'],
        lineDisplayName: 'Hanako',
      });
    }
  });

  it('sets the first touch once when routes of one customer arrive together', async () => {
    await upsertProfile(a.models, 'c-first', { set: { email: 'first@example.com' } });
    const wins = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => setAcquisitionRoute(storeOf(i).models, 'c-first', `route-${i}`)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    const profile = await findProfile(a.models, 'c-first');
    expect(profile?.acquisitionRoute).toBe(`route-${wins.indexOf(true)}`);
  });

  it('uses a route login once when its callback is opened many times at once', async () => {
    const login = { loginId: 'login-race', routeId: 'flyer', nonce: 'n', codeVerifier: 'v', createdAt: new Date() };
    await insertRouteLogin(a.models, login);
    const used = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        consumeRouteLogin(storeOf(i).models, login.loginId, new Date(), 'arrived'),
      ),
    );
    expect(used.filter((row) => row !== null)).toHaveLength(1);
  });

  it('gives each of many concurrent status changes of a journey its own generation', async () => {
    await publishJourney(a.models, winbackPlan('j-gen'));
    const heads = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        setJourneyStatus(storeOf(i).models, 'j-gen', i % 2 === 0 ? 'paused' : 'active'),
      ),
    );
    const generations = heads.map((h) => h.generation);
    expect(new Set(generations).size).toBe(WRITERS);
    expect(Math.max(...generations)).toBe(WRITERS);
  });
});
