import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../../api/app.js';
import type { Models } from '../../../store/models/index.js';

// The guard answers before any key is checked: the store and the runtime are never reached.
const unused = new Proxy(
  {},
  {
    get: () => {
      throw new Error('not used by the method guard');
    },
  },
);
const app = createApp({
  readiness: {},
  models: unused as Models,
  runtime: unused as AppDeps['runtime'],
  profileFields: new Map(),
  compileOptions: {},
});

describe('methods a path does not have', () => {
  const cases: [string, string, string][] = [
    ['PATCH', '/v1/customers/cust-1', 'PUT, GET, DELETE, HEAD, OPTIONS'],
    ['POST', '/v1/customers/cust-1', 'PUT, GET, DELETE, HEAD, OPTIONS'],
    ['GET', '/v1/events', 'POST, OPTIONS'],
    ['DELETE', '/v1/journeys', 'POST, GET, HEAD, OPTIONS'],
    ['GET', '/v1/journeys/winback/pause', 'POST, OPTIONS'],
    ['PUT', '/v1/journeys/winback/entries', 'POST, OPTIONS'],
    ['GET', '/webhooks/line', 'POST, OPTIONS'],
    ['POST', '/healthz', 'GET, HEAD, OPTIONS'],
  ];
  for (const [method, path, allow] of cases) {
    it(`${method} ${path}: 405 METHOD_NOT_ALLOWED with Allow: ${allow}`, async () => {
      const res = await request(app)[method.toLowerCase() as 'get'](path);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', details: { allowed: allow.split(', ') } });
    });
  }

  it('answers OPTIONS with 204 and the same Allow header', async () => {
    const res = await request(app).options('/v1/customers/cust-1');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('PUT, GET, DELETE, HEAD, OPTIONS');
  });

  it('still answers an unknown path with 404 NOT_FOUND', async () => {
    const res = await request(app).patch('/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
