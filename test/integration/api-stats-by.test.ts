// `GET /v1/journeys/:id/stats?by=<field>` and `kizuna stats --by` on real FerretDB: the per-value
// counters follow the value a run's customer had at entry, a version counted before they existed is
// recounted on its first `by` read, and an unknown field is refused.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/servers.js';
import { appendJournal, type JournalRow } from '../../store/journal.js';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });
const T0 = Date.parse('2026-11-02T10:00:00Z');

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

async function publish(): Promise<string> {
  const id = unique('by');
  const res = await request(h.app)
    .post('/v1/journeys')
    .set(auth())
    .set('content-type', 'application/yaml')
    .send(journeyYaml({ id, event: 'order.completed' }));
  expect(res.status).toBe(201);
  return id;
}

async function customer(id: string, profile: Record<string, unknown>) {
  await request(h.app).put(`/v1/customers/${id}`).set(auth()).send(profile).expect(201);
}

/** The rows of one run: entered (holdout or not), reached `pause`, and converted when asked. */
function runRows(journeyId: string, customerId: string, run: { holdout?: boolean; converted?: boolean }): JournalRow[] {
  const workflowId = `kizuna/${journeyId}/${customerId}`;
  const row = (seq: number, part: Partial<JournalRow>): JournalRow => ({
    rowId: `${workflowId}/r1/${seq}`,
    journeyId,
    version: 1,
    customerId,
    workflowId,
    stepId: null,
    stepKind: null,
    action: 'entered',
    reason: null,
    detail: {},
    atMs: T0 + seq,
    ...part,
  });
  const rows = [row(0, { detail: { holdout: run.holdout === true } })];
  if (!run.holdout) rows.push(row(1, { stepId: 'pause', stepKind: 'wait', action: 'waiting' }));
  if (run.converted) rows.push(row(2, { action: 'converted', reason: 'order.completed' }));
  return rows;
}

type Value = { value: string | null; runs: number; holdout: number; converted: number; holdoutConverted: number };
const byValue = (body: unknown) =>
  Object.fromEntries(
    (body as { by: { values: Value[] } }).by.values.map((v) => [
      String(v.value),
      [v.runs, v.holdout, v.converted, v.holdoutConverted].join('/'),
    ]),
  );

describe('GET /v1/journeys/:id/stats', () => {
  it('counts a conversion whose reason holds a dot (the goal event order.completed)', async () => {
    const journeyId = await publish();
    const customerId = `${journeyId}-a`;
    await customer(customerId, {});
    const rows = runRows(journeyId, customerId, { converted: true });
    rows[2]!.detail = { attributedTo: 'pause' };
    await appendJournal(h.store.models, rows);
    const res = await request(h.app).get(`/v1/journeys/${journeyId}/stats`).set(auth());
    expect(res.body).toMatchObject({ runs: 1, converted: 1, steps: [{ stepId: 'pause', conversions: 1 }] });
  });
});

describe('GET /v1/journeys/:id/stats?by=homeStore', () => {
  it('splits runs, holdout and conversions by the store each customer had when entering', async () => {
    const journeyId = await publish();
    const runs: Array<[string, Record<string, unknown>, { holdout?: boolean; converted?: boolean }]> = [
      ['a', { homeStore: 'shibuya' }, { converted: true }],
      ['b', { homeStore: 'shibuya' }, {}],
      ['c', { homeStore: 'shibuya' }, { holdout: true, converted: true }],
      ['d', { homeStore: 'umeda' }, { converted: true }],
      ['e', {}, {}],
    ];
    for (const [name, profile, run] of runs) {
      const customerId = `${journeyId}-${name}`;
      await customer(customerId, profile);
      const rows = runRows(journeyId, customerId, run);
      // The entry is counted first; the customer then moves to another store before the rest is.
      await appendJournal(h.store.models, rows.slice(0, 1));
      await request(h.app).put(`/v1/customers/${customerId}`).set(auth()).send({ homeStore: 'namba' }).expect(200);
      await appendJournal(h.store.models, rows.slice(1));
    }
    const res = await request(h.app).get(`/v1/journeys/${journeyId}/stats?by=homeStore`).set(auth());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ runs: 5, holdout: 1, converted: 3, holdoutConverted: 1 });
    // runs/holdout/converted/holdoutConverted; no run is counted under the store moved to later.
    expect(byValue(res.body)).toEqual({ shibuya: '3/1/2/1', umeda: '1/0/1/0', null: '1/0/0/0' });
    const shibuya = (res.body.by.values as Array<Value & { conversion: object; steps: object[] }>)[0]!;
    expect(shibuya.conversion).toEqual({ treatedRate: 0.5, holdoutRate: 1, uplift: -0.5 });
    expect(shibuya.steps).toEqual([expect.objectContaining({ stepId: 'pause', entered: 2 })]);
  });

  it('recounts a version whose counters predate the per-value ones, on its first read by value', async () => {
    const journeyId = await publish();
    const { JournalRow, JournalCount } = h.store.models;
    for (const [name, store] of [
      ['a', 'shibuya'],
      ['b', 'umeda'],
      ['c', 'umeda'],
    ] as const) {
      const customerId = `${journeyId}-${name}`;
      await customer(customerId, { homeStore: store });
      const rows = runRows(journeyId, customerId, { converted: name !== 'c' });
      // Rows and counters as an older release wrote them: no per-value counters, no `breakdowns` mark.
      await JournalRow.insertMany(rows.map(({ atMs, ...row }) => ({ ...row, at: new Date(atMs) })));
    }
    await JournalCount.deleteMany({ journeyId });
    await JournalCount.collection.insertOne({
      _id: `delta|complete|${journeyId}|1`,
      journeyId,
      version: 1,
      kind: 'delta',
      counts: { complete: 1 },
    } as never);
    const res = await request(h.app).get(`/v1/journeys/${journeyId}/stats?by=homeStore`).set(auth());
    expect(res.status).toBe(200);
    expect(byValue(res.body)).toEqual({ umeda: '2/0/1/0', shibuya: '1/0/1/0' });
    expect(res.body).toMatchObject({ runs: 3, converted: 2 });
  });

  it('refuses a field that is not counted per value, naming those that are', async () => {
    const journeyId = await publish();
    const res = await request(h.app).get(`/v1/journeys/${journeyId}/stats?by=email`).set(auth());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ path: 'by' }] } });
    expect(res.body.error.details.fields).toEqual(expect.arrayContaining(['homeStore', 'acquisitionRoute']));
  });
});

describe('kizuna stats --by', () => {
  it('prints conversion per value and each step per value', async () => {
    const journeyId = await publish();
    for (const [name, store] of [
      ['a', 'shibuya'],
      ['b', 'umeda'],
    ] as const) {
      const customerId = `${journeyId}-${name}`;
      await customer(customerId, { homeStore: store });
      await appendJournal(h.store.models, runRows(journeyId, customerId, { converted: name === 'a' }));
    }
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
      const { stdout } = await promisify(execFile)(process.execPath, [bin, 'stats', journeyId, '--by', 'homeStore'], {
        env,
        cwd: projectRoot,
      });
      const lines = stdout.split('\n');
      expect(lines[0]).toBe(`${journeyId} v1 by homeStore: 2 runs, 1 converted`);
      expect(lines).toContainEqual(expect.stringMatching(/^shibuya +1 +0 +1 +100\.0% +- +-$/));
      expect(lines).toContainEqual(expect.stringMatching(/^umeda +1 +0 +0 +0\.0% +- +-$/));
      expect(lines).toContainEqual(expect.stringMatching(/^pause +1 in, 0 sent +1 in, 0 sent$/));
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
