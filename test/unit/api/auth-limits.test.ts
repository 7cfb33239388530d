import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAuth } from '../../../api/http/auth.js';
import { errorHandler } from '../../../api/http/errors.js';
import { createTokenCache } from '../../../api/http/token-cache.js';
import { hashToken, type ApiKey } from '../../../store/apikeys.js';
import type { Models } from '../../../store/models/index.js';

const validKey: ApiKey = {
  keyId: 'key_valid',
  name: 'shop',
  prefix: 'kz_val',
  scopes: ['customers:read'],
  rateLimitPerMinute: null,
  createdAt: new Date(0),
  revokedAt: null,
};

/** The apikeys collection holding one key; counts the lookups that reach it. */
function keyStore() {
  const store = { lookups: 0 };
  const models = {
    ApiKey: {
      findOne: (filter: { hash: string }) => ({
        lean: () => {
          store.lookups += 1;
          return Promise.resolve(filter.hash === hashToken('kz_valid') ? validKey : null);
        },
      }),
    },
  } as unknown as Models;
  return { store, models };
}

function appWith(opts: { failedAuthPerMinute?: number; cacheMs?: number }) {
  const { store, models } = keyStore();
  const auth = createAuth({ models, ...opts });
  const app = express();
  app.get('/private', auth.require('customers:read'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  return { app, store };
}

describe('requests without a valid key, per client address', () => {
  it('answers 429 with Retry-After past the limit, without a store lookup', async () => {
    const { app, store } = appWith({ failedAuthPerMinute: 60, cacheMs: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await request(app).get('/private').set('authorization', `Bearer kz_guess${i}`)).status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    expect(store.lookups).toBe(10);
    const limited = await request(app).get('/private').set('authorization', 'Bearer kz_guess-next');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const noHeader = await request(app).get('/private');
    expect(noHeader.status).toBe(429);
    expect(store.lookups).toBe(10);
  });

  it.each([60_000, 0])(
    'lets a valid key the process knows through from a limited address (cache %i ms)',
    async (cacheMs) => {
      const { app, store } = appWith({ failedAuthPerMinute: 60, cacheMs });
      expect((await request(app).get('/private').set('authorization', 'Bearer kz_valid')).status).toBe(200);
      for (let i = 0; i < 11; i++) await request(app).get('/private');
      expect((await request(app).get('/private')).status).toBe(429);
      const lookups = store.lookups;
      expect((await request(app).get('/private').set('authorization', 'Bearer kz_valid')).status).toBe(200);
      // Without a cache the key is looked up again (a revocation still counts at once).
      expect(store.lookups).toBe(cacheMs === 0 ? lookups + 1 : lookups);
    },
  );
});

describe('the token cache', () => {
  it('never evicts a valid key, however many unknown tokens pass', () => {
    let now = 0;
    const cache = createTokenCache({ cacheMs: 60_000, maxUnknown: 100, clock: () => now });
    cache.set('kz_valid', validKey);
    for (let i = 0; i < 25_000; i++) cache.set(`kz_unknown${i}`, null);
    now = 1_000;
    expect(cache.get('kz_valid')).toEqual(validKey);
    expect(cache.size()).toEqual({ known: 1, unknown: 100 });
    expect(cache.get('kz_unknown24999')).toBeNull();
    expect(cache.get('kz_unknown0')).toBeUndefined();
  });
});
