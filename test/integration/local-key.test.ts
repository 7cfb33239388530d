// The API key `npm start` prints (real FerretDB, the API through supertest): each start revokes the
// previous local key and prints a new one that works; keys of other names stay as they are.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_KEY_NAME, replaceLocalApiKey } from '../../scripts/local-key.js';
import { createApiKey, listApiKeys } from '../../store/apikeys.js';
import { startApiHarness, type ApiHarness } from './api/harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

const journeys = (token: string) => request(h.app).get('/v1/journeys').set('authorization', `Bearer ${token}`);

describe('the local API key of npm start', () => {
  it('replaces the previous local key at each start instead of adding one', async () => {
    const other = await createApiKey(h.store.models, { name: 'crm', scopes: ['events:write'] });
    const first = await replaceLocalApiKey(h.store.models);
    expect(first.revoked).toBe(0);
    expect((await journeys(first.token)).status).toBe(200);

    const second = await replaceLocalApiKey(h.store.models);
    const third = await replaceLocalApiKey(h.store.models);
    expect([second.revoked, third.revoked]).toEqual([1, 1]);
    expect((await journeys(third.token)).status).toBe(200);
    for (const old of [first.token, second.token]) {
      const res = await journeys(old);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('API_KEY_REVOKED');
    }
    const active = (await listApiKeys(h.store.models)).filter((k) => k.revokedAt === null);
    expect(active.filter((k) => k.name === LOCAL_KEY_NAME).map((k) => k.keyId)).toEqual([third.keyId]);
    expect(active.map((k) => k.keyId)).toContain(other.keyId);
  });
});
