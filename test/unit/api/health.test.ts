import request from 'supertest';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp as createFullApp, type AppDeps } from '../../../api/app.js';
import type { Models } from '../../../store/models/index.js';

// /healthz and /readyz touch no store and no runtime: these dependencies are never called here.
const unused = new Proxy(
  {},
  {
    get: () => {
      throw new Error('not used by the health routes');
    },
  },
);
const createApp = (deps: Pick<AppDeps, 'readiness' | 'logger'>) =>
  createFullApp({
    ...deps,
    models: unused as Models,
    runtime: unused as AppDeps['runtime'],
    profileFields: new Map(),
    compileOptions: {},
  });

const up = () => Promise.resolve();
const down = () => Promise.reject(new Error('connection refused'));

describe('GET /healthz', () => {
  it('answers 200 while the process runs, whatever the dependencies', async () => {
    const res = await request(createApp({ readiness: { mongodb: down } })).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('answers 200 when every dependency answers', async () => {
    const res = await request(createApp({ readiness: { mongodb: up, temporal: up } })).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { mongodb: 'ok', temporal: 'ok' } });
  });

  it('answers 503 naming the dependency that is down, without its error text (logged instead)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const secretDown = () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:27017 user=kizuna'));
    const res = await request(createApp({ readiness: { mongodb: secretDown, temporal: up }, logger })).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', checks: { mongodb: 'failing', temporal: 'ok' } });
    expect(res.text).not.toContain('10.0.0.7');
    expect(lines.join('')).toContain('ECONNREFUSED 10.0.0.7:27017');
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const res = await request(createApp({ readiness: {} })).get('/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'NOT_FOUND', message: 'No route for GET /v1/nothing.' });
  });
});
