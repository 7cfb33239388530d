import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

describe('PUT /v1/customers/:id', () => {
  it('creates, then updates, storing dates as dates (a date-only value in the customer zone)', async () => {
    const id = unique('cust');
    const created = await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({
      email: 'hanako@example.jp',
      timezone: 'America/New_York',
      birthday: '1990-04-01',
      acquisitionSource: 'store',
    });
    expect(created.status).toBe(201);
    // New York was still on standard time at midnight on 1 April 1990 (DST began at 02:00 that day).
    expect(created.body.customer).toMatchObject({ customerId: id, birthday: '1990-04-01T05:00:00.000Z' });
    const updated = await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({
        lastOrderAt: '2026-11-02T10:00:00+09:00',
        renewalDate: '2026-12-01T09:30',
        acquisitionSource: 'ads',
        tags: ['vip'],
      });
    expect(updated.status).toBe(200);
    const stored = await h.store.models.Customer.findOne({ customerId: id }).lean<Record<string, unknown>>();
    expect(stored!.lastOrderAt).toEqual(new Date('2026-11-02T01:00:00Z'));
    // Without an offset: wall-clock time in the customer's zone (New York, standard time in December).
    expect(stored!.renewalDate).toEqual(new Date('2026-12-01T14:30:00Z'));
    expect(stored).toMatchObject({ acquisitionSource: 'store', tags: ['vip'], email: 'hanako@example.jp' });
  });

  it('keeps lineFollowing equal to the LINE consent', async () => {
    const id = unique('cust');
    await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ consent: { line: 'following' } });
    const res = await request(h.app).get(`/v1/customers/${id}`).set(auth());
    expect(res.body.customer).toMatchObject({ consent: { line: 'following' }, lineFollowing: true });
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['an undeclared field', { favouriteColour: 'red' }, 'UNKNOWN_PROFILE_FIELD'],
    ['a system field', { customerId: 'other' }, 'SYSTEM_FIELD'],
    ['a number as text', { totalSpent: '100' }, 'PROFILE_FIELD_TYPE'],
    ['an impossible date', { birthday: '2026-02-30' }, 'PROFILE_FIELD_TYPE'],
    ['a date in another notation', { renewalDate: '2026/12/01' }, 'PROFILE_FIELD_TYPE'],
    ['an unknown consent state', { consent: { email: 'maybe' } }, 'PROFILE_FIELD_TYPE'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'PROFILE_FIELD_TYPE'],
  ];
  for (const [what, body, code] of refusals) {
    it(`refuses ${what} with 400 ${code}, writing nothing`, async () => {
      const id = unique('refused');
      const res = await request(h.app).put(`/v1/customers/${id}`).set(auth()).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(code);
      const path = String(res.body.error.details.problems[0].path);
      expect(path.split('.')[0]).toBe(Object.keys(body)[0]);
      expect(await h.store.models.Customer.countDocuments({ customerId: id })).toBe(0);
    });
  }
});

describe('GET and DELETE /v1/customers/:id', () => {
  it('answers 404 CUSTOMER_NOT_FOUND for an unknown customer', async () => {
    const res = await request(h.app).get('/v1/customers/nobody-here').set(auth());
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CUSTOMER_NOT_FOUND');
  });

  it('erases the profile, the events and ends the running journeys', async () => {
    const journeyId = unique('j-erase');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(journeyYaml({ id: journeyId, event: 'signup.done' }));
    const id = unique('erase');
    await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({ email: 'erase@example.jp' });
    const entered = await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send({ type: 'signup.done', customerId: id, occurredAt: '2026-11-02T10:00:00Z', idempotencyKey: unique('k') });
    expect(entered.body.status).toBe('entered');
    const res = await request(h.app).delete(`/v1/customers/${id}`).set(auth());
    expect(res.status).toBe(200);
    // The run has not claimed its entry yet (no worker here): it is ended all the same.
    expect(res.body.erased).toMatchObject({ journeys: 1, events: 1, profile: 1 });
    expect(await h.store.models.Customer.countDocuments({ customerId: id })).toBe(0);
    expect(await h.store.models.Event.countDocuments({ customerId: id })).toBe(0);
    const again = await request(h.app).delete(`/v1/customers/${id}`).set(auth());
    expect(again.body.erased).toMatchObject({ journeys: 0, events: 0, profile: 0 });
  });
});

describe('POST /v1/journeys', () => {
  it('publishes YAML (201), treats identical content as a no-op (200) and a change as a new version', async () => {
    const id = unique('j-pub');
    const yaml = journeyYaml({ id, event: 'a.happened' });
    const first = await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'text/yaml').send(yaml);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ journeyId: id, version: 1, created: true });
    const same = await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'text/yaml').send(yaml);
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 1, created: false });
    const changed = await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .send({ journey: journeyYaml({ id, event: 'b.happened' }), file: 'journeys/x.yaml' });
    expect(changed.body).toMatchObject({ version: 2, created: true });
  });

  it('answers 422 INVALID_DEFINITION with positioned compiler errors', async () => {
    const yaml =
      'journey: broken\nname: b\nentry:\n  event: x\nsteps:\n  - id: s\n    send: { channel: email, template: no-such-template }\n';
    const res = await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'text/yaml').send(yaml);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_DEFINITION');
    const errors = res.body.error.details.errors as { code: string; line: number; file: string; formatted: string }[];
    const err = errors.find((e) => e.code === 'UNKNOWN_TEMPLATE');
    expect(err).toMatchObject({ line: 7, file: 'journey.yaml' });
    expect(err!.formatted).toContain('^');
  });

  it('publishes a bundle whose template is not in the server catalog', async () => {
    const id = unique('j-bundle');
    const journey = `journey: ${id}\nname: b\nentry:\n  event: x.y\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: hello\n    send: { channel: email, template: bundle-hello }\n`;
    const templates = { 'bundle-hello': { email: 'subject: こんにちは\nhtml: <p>{{ profile.firstName }}</p>\n' } };
    const res = await request(h.app).post('/v1/journeys').set(auth()).send({ journey, templates });
    expect(res.status).toBe(201);
    const version = await h.store.models.Journey.findOne({ journeyId: id }).lean();
    expect(JSON.parse(version!.templatesJson)).toHaveProperty(['bundle-hello', 'email', 'source']);
  });
});

describe('GET /v1/journeys', () => {
  it('lists heads and shows one journey with versions, plan, Mermaid and SVG', async () => {
    const id = unique('j-get');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'text/yaml')
      .send(journeyYaml({ id, event: 'a.b' }));
    const list = await request(h.app).get('/v1/journeys').set(auth());
    expect(list.body.journeys).toContainEqual({ journeyId: id, name: id, version: 1, status: 'active' });
    const one = await request(h.app).get(`/v1/journeys/${id}`).set(auth());
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ journeyId: id, shown: 1, versions: [{ version: 1 }], plan: { journeyId: id } });
    expect(one.body.graph.mermaid).toContain('flowchart');
    expect(one.body.graph.svg).toContain('<svg');
    const missing = await request(h.app).get('/v1/journeys/none').set(auth());
    expect(missing.body.error.code).toBe('JOURNEY_NOT_FOUND');
    const noVersion = await request(h.app).get(`/v1/journeys/${id}?version=9`).set(auth());
    expect(noVersion.body.error.code).toBe('JOURNEY_VERSION_NOT_FOUND');
  });
});

describe('POST /v1/journeys/:id/entries', () => {
  it('enters known customers of an api journey, one result each', async () => {
    const id = unique('j-api');
    const yaml = `journey: ${id}\nname: api\nentry:\n  api: true\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: pause\n    wait: 30d\n`;
    const pub = await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'text/yaml').send(yaml);
    expect(pub.status).toBe(201);
    const known = unique('known');
    await request(h.app).put(`/v1/customers/${known}`).set(auth()).send({ email: 'k@example.jp' });
    const res = await request(h.app)
      .post(`/v1/journeys/${id}/entries`)
      .set(auth())
      .send({ customerIds: [known, 'ghost'] });
    expect(res.body.results).toEqual([
      { customerId: known, result: 'entered' },
      { customerId: 'ghost', result: 'unknown-customer' },
    ]);
    const again = await request(h.app)
      .post(`/v1/journeys/${id}/entries`)
      .set(auth())
      .send({ customerIds: [known] });
    expect(again.body.results).toEqual([{ customerId: known, result: 'already-in-journey' }]);
  });

  it('refuses an event-entry journey with 409 NOT_AN_API_ENTRY and more than 1,000 ids with 400', async () => {
    const id = unique('j-ev');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'text/yaml')
      .send(journeyYaml({ id, event: 'a.b' }));
    const res = await request(h.app)
      .post(`/v1/journeys/${id}/entries`)
      .set(auth())
      .send({ customerIds: ['a'] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_AN_API_ENTRY');
    const many = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    const big = await request(h.app).post(`/v1/journeys/${id}/entries`).set(auth()).send({ customerIds: many });
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('operations', () => {
  it('serves OpenAPI 3.1 built from the request schemas, a reference page and Prometheus metrics', async () => {
    const doc = await request(h.app).get('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.components.schemas.EventInput.required).toEqual(
      expect.arrayContaining(['type', 'customerId', 'occurredAt', 'idempotencyKey']),
    );
    expect(doc.body.paths['/v1/events'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/EventInput',
    );
    const page = await request(h.app).get('/docs');
    expect(page.text).toContain('POST /v1/events/batch');
    const metrics = await request(h.app).get('/metrics');
    expect(metrics.text).toContain('kizuna_events_accepted_total');
  });

  it('sets security headers and a request id, and answers unknown routes with a JSON 404', async () => {
    const res = await request(h.app).get('/v1/nothing').set('x-request-id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
