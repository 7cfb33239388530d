/**
 * Outages in the middle of a stream of events: FerretDB and Temporal (private instances of this file,
 * on disk so a restart keeps their data) are stopped and started again while a client sends events and
 * retries what fails, as a shop's system would. No event may be lost, none routed twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventByKey } from '../../store/events.js';
import { startFerretDB } from '../../scripts/document-store.js';
import { freePort, startTemporalDevServer, type RunningServer } from '../../scripts/servers.js';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
let dir: string;
let ferret: RunningServer;
let temporal: RunningServer;
const ports = { mongo: 0, temporal: 0 };
const startFerret = () => startFerretDB({ port: ports.mongo, dataDir: join(dir, 'ferretdb') });
const startTemporal = () =>
  startTemporalDevServer({ port: ports.temporal, uiPort: null, dbFile: join(dir, 'temporal.sqlite') });
const journeyId = unique('j-outage');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kizuna-outage-'));
  ports.mongo = await freePort();
  ports.temporal = await freePort();
  [ferret, temporal] = await Promise.all([startFerret(), startTemporal()]);
  h = await startApiHarness(
    import.meta.filename,
    {},
    { mongoUri: `mongodb://127.0.0.1:${ports.mongo}/`, temporalAddress: `127.0.0.1:${ports.temporal}` },
  );
  const pub = await request(h.app)
    .post('/v1/journeys')
    .set('authorization', `Bearer ${h.token}`)
    .set('content-type', 'text/yaml')
    .send(journeyYaml({ id: journeyId, event: 'visit.started', exitOn: 'order.completed' }));
  expect(pub.status).toBe(201);
});

afterAll(async () => {
  await h?.close().catch(() => undefined);
  await Promise.all([ferret?.stop(), temporal?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends one event, retrying after a 503 (honouring Retry-After, shortened) until it is accepted. */
async function sendUntilAccepted(body: Record<string, unknown>): Promise<{ attempts: number; last: request.Response }> {
  for (let attempts = 1; ; attempts++) {
    const res = await request(h.app).post('/v1/events').set('authorization', `Bearer ${h.token}`).send(body);
    if (res.status === 503) {
      expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      await new Promise((ok) => setTimeout(ok, 300));
      continue;
    }
    if (res.status === 202 || res.body.first?.status === 'pending') {
      // Stored, routing still pending in the outbox: give it time, then ask again.
      await h.pipeline.drainOutbox();
      await new Promise((ok) => setTimeout(ok, 300));
      continue;
    }
    return { attempts, last: res };
  }
}

/**
 * How many times the customer's run received an event: as the entry event it started with, and as
 * `customerEvent` signals. An event routed twice shows as 2 (a second start is refused and turns into a
 * signal).
 */
async function deliveriesOf(customerId: string): Promise<number> {
  const history = await h.client.workflow.getHandle(`kizuna/${journeyId}/${customerId}`).fetchHistory();
  const decode = (payload: { data?: Uint8Array | null } | undefined) =>
    JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8') || 'null') as unknown;
  let count = 0;
  for (const e of history.events ?? []) {
    const started = e.workflowExecutionStartedEventAttributes;
    if (started) {
      const input = decode(started.input?.payloads?.[0]) as { entryEvent?: unknown } | null;
      if (input?.entryEvent) count += 1;
    }
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'customerEvent') count += 1;
  }
  return count;
}

describe('outages in the middle of a stream', () => {
  it('Temporal stopped and restarted: every event routed once', async () => {
    const customers = Array.from({ length: 12 }, () => unique('t'));
    const events = customers.map((customerId) => ({
      type: 'visit.started',
      customerId,
      occurredAt: '2026-11-02T10:00:00Z',
      idempotencyKey: unique('k'),
    }));
    let restarted: Promise<void> | null = null;
    const results = [];
    for (const [i, body] of events.entries()) {
      if (i === 4) {
        await temporal.stop();
        restarted = new Promise((ok) => setTimeout(ok, 3_000)).then(async () => {
          temporal = await startTemporal();
        });
      }
      results.push(await sendUntilAccepted(body));
    }
    await restarted;
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    for (const r of results) expect([200, 201]).toContain(r.last.status);
    for (const body of events) {
      expect(await h.store.models.Event.countDocuments({ idempotencyKey: body.idempotencyKey })).toBe(1);
      const row = await findEventByKey(h.store.models, 'api', body.idempotencyKey);
      expect(row!.route.state).toBe('done');
    }
    for (const customerId of customers) expect(await deliveriesOf(customerId)).toBe(1);
  });

  it('FerretDB stopped and restarted: nothing half-written, every event stored and routed once', async () => {
    const customers = Array.from({ length: 10 }, () => unique('f'));
    const events = customers.map((customerId) => ({
      type: 'visit.started',
      customerId,
      occurredAt: '2026-11-02T10:00:00Z',
      idempotencyKey: unique('k'),
    }));
    // A send in the ledger, so /metrics has a kizuna_sends series to lose while the ledger is unreadable.
    await h.store.models.Delivery.create({
      _id: unique('d'),
      idempotencyKey: unique('d'),
      customerId: customers[0],
      journeyId,
      version: 1,
      stepId: 'hello',
      template: 'winback-1',
      channel: 'email',
      status: 'sent',
    });
    const scrape = () => request(h.app).get('/metrics');
    expect((await scrape()).text).toMatch(/^kizuna_sends\{channel="email",result="sent"\} 1$/m);
    let restarted: Promise<void> | null = null;
    const results = [];
    for (const [i, body] of events.entries()) {
      if (i === 3) {
        await ferret.stop();
        // The other metrics are still served; the ledger's figures are dropped, not left stale.
        const during = await scrape();
        expect(during.status).toBe(200);
        expect(during.text).toContain('kizuna_events_accepted_total');
        expect(during.text).not.toMatch(/^kizuna_sends\{/m);
        restarted = new Promise((ok) => setTimeout(ok, 3_000)).then(async () => {
          ferret = await startFerret();
        });
      }
      results.push(await sendUntilAccepted(body));
    }
    await restarted;
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    await h.pipeline.drainOutbox();
    for (const body of events) {
      expect(await h.store.models.Event.countDocuments({ idempotencyKey: body.idempotencyKey })).toBe(1);
    }
    for (const customerId of customers) expect(await deliveriesOf(customerId)).toBe(1);
  });
});
