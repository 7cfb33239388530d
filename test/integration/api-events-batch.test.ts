import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEvent } from '../../store/events.js';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

// A deadline far shorter than 1,000 Temporal starts can take: the batch must answer before routing ends.
const DEADLINE_MS = 200;

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename, { batchDeadlineMs: DEADLINE_MS });
});
afterAll(async () => {
  await h?.close();
});

/** Two entering events per customer: the first enters, the second reaches the run it started. */
function batchOf(type: string, customers: number) {
  return Array.from({ length: customers }, (_, c) => {
    const customerId = unique(`batch-${c}`);
    return [0, 1].map((n) => ({
      type,
      customerId,
      occurredAt: `2026-11-02T10:00:0${n}+09:00`,
      idempotencyKey: unique(`k${n}`),
      properties: {},
    }));
  }).flat();
}

describe('POST /v1/events/batch under a deadline', () => {
  it('answers 1,000 entering events by its deadline with the rest pending, then routes every one in order', async () => {
    const journeyId = unique('j-batch');
    const pub = await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(journeyYaml({ id: journeyId, event: 'visit.started' }));
    expect(pub.status).toBe(201);
    const events = batchOf('visit.started', 500);

    const res = await request(h.app).post('/v1/events/batch').set(auth()).send({ events });

    expect(res.status).toBe(200);
    const results = res.body.results as { index: number; eventId: string; status: string }[];
    expect(results).toHaveLength(1_000);
    expect(results.every((r) => ['entered', 'ignored', 'pending'].includes(r.status))).toBe(true);
    const pending = results.filter((r) => r.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);

    // The answered request left the rest routing in the background; every event ends routed.
    await h.pipeline.idle();
    const routed = await Promise.all(results.map((r) => findEvent(h.store.models, r.eventId)));
    expect(routed.every((row) => row?.route.state === 'done')).toBe(true);
    const actions = routed.map((row) => (JSON.parse(row!.route.resultJson!) as { status: string }).status);
    // Each customer's events kept their order: the first entered; the second found the run it started,
    // which uses its entry event for nothing else, so it was dropped (and journaled), not signalled.
    expect(actions.filter((_, i) => i % 2 === 0).every((a) => a === 'entered')).toBe(true);
    expect(actions.filter((_, i) => i % 2 === 1).every((a) => a === 'ignored')).toBe(true);
  });

  it("starts a batch's runs behind due work (bulk priority) and a single event's ahead, each keyed by journey", async () => {
    const journeyId = unique('j-prio');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(journeyYaml({ id: journeyId, event: 'tour.booked' }));
    const [inBatch] = batchOf('tour.booked', 1);
    const batch = await request(h.app)
      .post('/v1/events/batch')
      .set(auth())
      .send({ events: [inBatch] });
    expect(batch.body.results[0].status).toMatch(/entered|pending/);
    const own = { ...inBatch!, customerId: unique('own'), idempotencyKey: unique('k') };
    const single = await request(h.app).post('/v1/events').set(auth()).send(own);
    expect(single.body.status).toBe('entered');
    await h.pipeline.idle();

    const priorityOf = async (customerId: string) =>
      (await h.client.workflow.getHandle(`kizuna/${journeyId}/${customerId}`).describe()).priority;
    expect(await priorityOf(inBatch!.customerId)).toMatchObject({ priorityKey: 4, fairnessKey: journeyId });
    expect(await priorityOf(own.customerId)).toMatchObject({ priorityKey: 2, fairnessKey: journeyId });
  });
});
