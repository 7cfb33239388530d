// `GET /v1/reports/answers/:journeyId` and `kizuna report answers` on real FerretDB: postback answers
// a journey's wait_for received, per question and answer, by route, with purchases after answering.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersReport } from '../../api/http/report-schemas.js';
import { projectRoot } from '../../scripts/servers.js';
import { eventIdFor, insertEvent } from '../../store/events.js';
import { appendJournal } from '../../store/journal.js';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
let journeyId: string;
const auth = () => ({ authorization: `Bearer ${h.token}` });
const T0 = Date.parse('2026-11-02T10:00:00Z');
const DAY = 86_400_000;

/** A customer (with a friend-add route or none) who answered `data` at T0, and their orders. */
async function answerer(name: string, route: string | null, data: string, orders: Array<[number, number]>) {
  const customerId = `${journeyId}-${name}`;
  await request(h.app).put(`/v1/customers/${customerId}`).set(auth()).send({}).expect(201);
  // The route is the friend-add flow's to write; set here as it leaves it on the profile.
  if (route) await h.store.models.Customer.updateOne({ _id: customerId }, { $set: { acquisitionRoute: route } });
  const key = unique('pb');
  const eventId = eventIdFor('line', key);
  const event = { source: 'line', idempotencyKey: key, type: 'line.postback', customerId, properties: { data } };
  await insertEvent(h.store.models, { ...event, eventId, occurredAt: new Date(T0) });
  const workflowId = `kizuna/${journeyId}/${customerId}`;
  await appendJournal(h.store.models, [
    {
      rowId: `${workflowId}/r1/1`,
      journeyId,
      version: 1,
      customerId,
      workflowId,
      stepId: 'wait-next',
      stepKind: 'wait_for',
      action: 'matched',
      reason: null,
      detail: { event: 'line.postback', eventId },
      atMs: T0,
    },
  ]);
  for (const [dayOffset, total] of orders) {
    await request(h.app)
      .post('/v1/events')
      .set(auth())
      .send({
        type: 'order.completed',
        customerId,
        occurredAt: new Date(T0 + dayOffset * DAY).toISOString(),
        idempotencyKey: unique('order'),
        properties: { total },
      })
      .expect(201);
  }
}

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
  journeyId = unique('survey');
  await request(h.app)
    .post('/v1/journeys')
    .set(auth())
    .set('content-type', 'application/yaml')
    .send(journeyYaml({ id: journeyId, event: 'line.followed', waitFor: 'line.postback' }))
    .expect(201);
  await answerer('a', 'shibuya-flyer', 'survey=dark', [[1, 4800]]);
  // Bought before answering and 40 days after: neither is within the default 30 days.
  await answerer('b', 'shibuya-flyer', 'survey=dark', [
    [-1, 3000],
    [40, 2500],
  ]);
  await answerer('c', null, 'survey=light', []);
  await answerer('d', 'web-banner', 'survey=dark&size=large', [[2, 1200]]);
});
afterAll(async () => {
  await h?.close();
});

describe('GET /v1/reports/answers/:journeyId', () => {
  it('tallies answers per question, by route, with purchases within 30 days after answering', async () => {
    const res = await request(h.app).get(`/v1/reports/answers/${journeyId}`).set(auth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      journeyId,
      purchaseWindowDays: 30,
      questions: [
        {
          question: 'survey',
          answers: 4,
          tally: [
            {
              answer: 'dark',
              answers: 3,
              purchased: 2,
              revenue: 6000,
              purchaseRate: 2 / 3,
              routes: [
                { route: 'shibuya-flyer', answers: 2, purchased: 1, revenue: 4800 },
                { route: 'web-banner', answers: 1, purchased: 1, revenue: 1200 },
              ],
            },
            {
              answer: 'light',
              answers: 1,
              purchased: 0,
              revenue: 0,
              purchaseRate: 0,
              routes: [{ route: null, answers: 1, purchased: 0, revenue: 0 }],
            },
          ],
        },
        {
          question: 'size',
          answers: 1,
          tally: [
            {
              answer: 'large',
              answers: 1,
              purchased: 1,
              revenue: 1200,
              purchaseRate: 1,
              routes: [{ route: 'web-banner', answers: 1, purchased: 1, revenue: 1200 }],
            },
          ],
        },
      ],
    });
  });

  it('answers what the OpenAPI document describes', async () => {
    const res = await request(h.app).get(`/v1/reports/answers/${journeyId}`).set(auth());
    expect(answersReport.parse(res.body)).toEqual(res.body);
    const doc = await request(h.app).get('/openapi.json');
    expect(doc.body.paths['/v1/reports/answers/{journeyId}'].get.responses['200'].content['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/AnswersReport' },
    });
  });

  it('widens the purchase window with ?days', async () => {
    const res = await request(h.app).get(`/v1/reports/answers/${journeyId}?days=50`).set(auth());
    expect(res.body.questions[0].tally[0]).toMatchObject({ answer: 'dark', purchased: 3, revenue: 8500 });
  });

  it('answers 404 for an unknown journey and 400 for a bad window', async () => {
    const missing = await request(h.app)
      .get(`/v1/reports/answers/${unique('nope')}`)
      .set(auth());
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('JOURNEY_NOT_FOUND');
    for (const days of ['0', '400', 'soon']) {
      const res = await request(h.app).get(`/v1/reports/answers/${journeyId}?days=${days}`).set(auth());
      expect(res.status, days).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('kizuna report answers', () => {
  it('prints the tally, and CSV with --csv', async () => {
    const server: Server = await new Promise((ok) => {
      const s = h.app.listen(0, '127.0.0.1', () => ok(s));
    });
    try {
      const env = {
        ...process.env,
        KIZUNA_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        KIZUNA_API_KEY: h.token,
      };
      const run = (...args: string[]) =>
        promisify(execFile)(process.execPath, [join(projectRoot, 'cli', 'bin.js'), 'report', 'answers', ...args], {
          env,
          cwd: projectRoot,
        });
      const text = (await run(journeyId)).stdout;
      expect(text).toContain('survey (4 answers)');
      expect(text).toMatch(/ {2}dark +3 {2}bought 2 \(66\.7%\), ¥6000 {2}routes: shibuya-flyer 2, web-banner 1/);
      const csv = (await run(journeyId, '--csv')).stdout.trim().split('\n');
      expect(csv).toEqual([
        'question,answer,route,answers,purchased,revenue',
        'survey,dark,shibuya-flyer,2,1,4800',
        'survey,dark,web-banner,1,1,1200',
        'survey,light,(none),1,0,0',
        'size,large,web-banner,1,1,1200',
      ]);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
