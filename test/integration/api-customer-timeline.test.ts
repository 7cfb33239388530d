// `GET /v1/customers/:id/timeline` and `kizuna customer timeline` on real FerretDB: the story of one
// customer across events, journal and delivery ledger, newest first, paged without loss or repeat.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelinePage } from '../../api/http/report-schemas.js';
import { projectRoot } from '../../scripts/servers.js';
import { recordFinished } from '../../store/deliveries.js';
import { insertEvent, eventIdFor } from '../../store/events.js';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });
const T0 = Date.parse('2026-11-02T10:00:00Z');
const at = (minutes: number) => T0 + minutes * 60_000;

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

async function lineEvent(customerId: string, type: string, atMs: number, properties: Record<string, unknown>) {
  const idempotencyKey = unique('wh');
  await insertEvent(h.store.models, {
    eventId: eventIdFor('line', idempotencyKey),
    source: 'line',
    idempotencyKey,
    type,
    customerId,
    occurredAt: new Date(atMs),
    properties,
  });
}

function journalRow(customerId: string, seq: number, atMs: number, row: Partial<JournalRow>): JournalRow {
  const workflowId = `kizuna/tl-survey/${customerId}`;
  return {
    rowId: `${workflowId}/run-1/${seq}`,
    journeyId: 'tl-survey',
    version: 1,
    customerId,
    workflowId,
    stepId: null,
    stepKind: null,
    action: 'entered',
    reason: null,
    detail: {},
    atMs,
    ...row,
  };
}

/** A customer with a purchase, an inquiry, a postback, a journey entry and step, a send and an unsubscription. */
async function story(customerId: string) {
  await request(h.app).put(`/v1/customers/${customerId}`).set(auth()).send({ email: 'a@example.jp' }).expect(201);
  const post = (type: string, minutes: number, properties: Record<string, unknown>) =>
    request(h.app)
      .post('/v1/events')
      .set(auth())
      .send({
        type,
        customerId,
        occurredAt: new Date(at(minutes)).toISOString(),
        idempotencyKey: unique('k'),
        properties,
      })
      .expect(201);
  await post('order.completed', 0, { total: 4800 });
  await lineEvent(customerId, 'line.postback', at(1), { data: 'q=taste&a=bitter' });
  await appendJournal(h.store.models, [
    journalRow(customerId, 0, at(2), { action: 'entered' }),
    journalRow(customerId, 1, at(3), {
      stepId: 'ask',
      stepKind: 'send',
      action: 'sent',
      detail: { template: 'q1', channel: 'line' },
    }),
  ]);
  const meta = { customerId, journeyId: 'tl-survey', version: 1, stepId: 'ask', template: 'q1' };
  await recordFinished(
    h.store.models,
    { ...meta, idempotencyKey: `kizuna/tl-survey/${customerId}|ask|e1` },
    { channel: 'email', status: 'skipped', reason: 'unsubscribed' },
  );
  await post('inquiry.created', 5, { inquiryId: 'inq-1', channel: 'web', subject: 'Beans' });
  await lineEvent(customerId, 'line.unfollowed', at(6), {});
}

describe('GET /v1/customers/:id/timeline', () => {
  it('tells events, journey steps, messages and consent changes, newest first', async () => {
    const id = unique('tl');
    await story(id);
    const res = await request(h.app).get(`/v1/customers/${id}/timeline`).set(auth());
    expect(res.status).toBe(200);
    const items = res.body.items as Array<Record<string, unknown>>;
    const byCategory = items.map((i) => [i.category, i.type ?? i.action ?? i.status]);
    // The delivery row is stamped with the real clock (now), so it is the newest.
    expect(byCategory).toEqual([
      ['message', 'skipped'],
      ['consent', 'line.unfollowed'],
      ['inquiry', 'inquiry.created'],
      ['journey', 'sent'],
      ['journey', 'entered'],
      ['line-postback', 'line.postback'],
      ['purchase', 'order.completed'],
    ]);
    expect(items[0]).toMatchObject({ kind: 'delivery', channel: 'email', reason: 'unsubscribed', template: 'q1' });
    expect(items[3]).toMatchObject({ journeyId: 'tl-survey', stepId: 'ask', detail: { channel: 'line' } });
    expect(items[6]).toMatchObject({ properties: { total: 4800 }, at: new Date(at(0)).toISOString() });
    expect(res.body.next).toBeNull();
    // The answer is what the OpenAPI document says it is (parsing strips nothing, refuses nothing).
    expect(timelinePage.parse(res.body)).toEqual(res.body);
    const doc = await request(h.app).get('/openapi.json');
    expect(doc.body.paths['/v1/customers/{id}/timeline'].get.responses['200'].content['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/TimelinePage' },
    });
    expect(doc.body.components.schemas.TimelineItem.properties.category.enum).toContain('inquiry');
  });

  it('pages through rows sharing a millisecond without losing or repeating one', async () => {
    const id = unique('tl');
    await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({}).expect(201);
    for (let i = 0; i < 5; i += 1) await lineEvent(id, 'line.message', at(10), { text: `same ${i}` });
    await appendJournal(
      h.store.models,
      [0, 1, 2].map((seq) => journalRow(id, seq, at(10), { action: 'waiting' })),
    );
    for (let i = 0; i < 3; i += 1) await lineEvent(id, 'line.message', at(i), { text: `older ${i}` });
    const all = (await request(h.app).get(`/v1/customers/${id}/timeline?limit=200`).set(auth())).body.items as Array<{
      id: string;
    }>;
    expect(all).toHaveLength(11);
    const paged: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const query: string = before ? `limit=2&before=${encodeURIComponent(before)}` : 'limit=2';
      const res = await request(h.app).get(`/v1/customers/${id}/timeline?${query}`).set(auth());
      expect(res.status).toBe(200);
      paged.push(...(res.body.items as Array<{ id: string }>).map((i) => i.id));
      before = res.body.next as string | null;
      if (!before) break;
    }
    expect(paged).toEqual(all.map((i) => i.id));
  });

  it('takes a time as "before": only older items', async () => {
    const id = unique('tl');
    await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({}).expect(201);
    for (let i = 0; i < 4; i += 1) await lineEvent(id, 'line.message', at(i), { text: `m${i}` });
    const before = new Date(at(2)).toISOString();
    const res = await request(h.app).get(`/v1/customers/${id}/timeline?before=${before}`).set(auth());
    const items = res.body.items as Array<{ properties: { text: string } }>;
    expect(items.map((i) => i.properties.text)).toEqual(['m1', 'm0']);
  });

  it('answers 404 for an unknown customer and 400 for a bad cursor or limit, 403 without customers:read', async () => {
    const id = unique('tl');
    const missing = await request(h.app).get(`/v1/customers/${id}/timeline`).set(auth());
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CUSTOMER_NOT_FOUND');
    await request(h.app).put(`/v1/customers/${id}`).set(auth()).send({}).expect(201);
    for (const query of ['before=c1.garbage', 'before=yesterday', 'limit=0', 'limit=201', 'limit=ten']) {
      const res = await request(h.app).get(`/v1/customers/${id}/timeline?${query}`).set(auth());
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_FAILED');
    }
    const token = await h.key(['events:write']);
    const denied = await request(h.app)
      .get(`/v1/customers/${id}/timeline`)
      .set({ authorization: `Bearer ${token}` });
    expect(denied.status).toBe(403);
  });
});

describe('kizuna customer timeline', () => {
  it('prints one line per item, newest first, and the cursor of the next page', async () => {
    const id = unique('tl');
    await story(id);
    const server: Server = await new Promise((ok) => {
      const s = h.app.listen(0, '127.0.0.1', () => ok(s));
    });
    try {
      const env = {
        ...process.env,
        KIZUNA_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        KIZUNA_API_KEY: h.token,
      };
      const bin = join(projectRoot, 'cli', 'bin.js');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, 'customer', 'timeline', id, '--limit', '3'],
        { env, cwd: projectRoot },
      );
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/ message +tl-survey ask q1 by email skipped unsubscribed$/);
      expect(lines[1]).toMatch(/^2026-11-02T10:06:00.000Z {2}consent +line.unfollowed \{\}$/);
      expect(lines[2]).toContain('inquiry       inquiry.created {"inquiryId":"inq-1"');
      expect(lines[3]).toMatch(/^more: --before c1\./);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
