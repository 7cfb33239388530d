// The API driving real runs (time-skipping Temporal, worker with the real activities, FerretDB, SMTP
// capture): an order event posted to the API ends a running win-back journey at once, and the per-step
// figures of GET /v1/journeys/:id/stats equal `kizuna simulate`'s backtest for the same customers.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInHoldout } from '../../engine/hash.js';
import { backtest } from '../../engine/simulator/backtest.js';
import { findProfile, type Profile } from '../../store/customers.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney } from '../support/test-journeys.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

const TASK_QUEUE = 'api-e2e';

describe('the API on running journeys', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  let h: ApiHarness;
  const auth = () => ({ authorization: `Bearer ${h.token}` });

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
    });
    h = await startApiHarness(
      import.meta.filename,
      {},
      { store: world.store, client: env.client, taskQueue: TASK_QUEUE },
    );
  });

  afterAll(async () => {
    await h?.close();
    await world?.close();
    await env?.teardown();
  });

  it('ends a running win-back journey at once when the API receives an order', async () => {
    const worker = await world.worker();
    await worker.runUntil(async () => {
      // A treated customer: one in winback's 10 % holdout would end as `holdout`, not `converted`.
      let customerId = unique('dormant');
      while (isInHoldout('winback-90d', customerId, 10)) customerId = unique('dormant');
      await createEmailCustomer(world.store.models, customerId, {
        lastOrderAt: new Date((await env.currentTimeMs()) - 200 * 86_400_000),
        totalSpent: 12_000,
      });
      const entered = await h.runtime.enterJourney({ journeyId: 'winback-90d', customerId, event: null });
      expect(entered.status).toBe('entered');
      const workflowId = `kizuna/winback-90d/${customerId}`;
      const handle = env.client.workflow.getHandle(workflowId);
      // The run is past its entry and waiting (quiet hours or the 3-day wait).
      for (let i = 0; i < 100 && (await handle.query<{ waiting?: unknown }>('state').catch(() => null)) === null; i++)
        await new Promise((ok) => setTimeout(ok, 50));
      const res = await request(h.app)
        .post('/v1/events')
        .set(auth())
        .send({
          type: 'order.completed',
          customerId,
          occurredAt: new Date(await env.currentTimeMs()).toISOString(),
          idempotencyKey: unique('order'),
          properties: { total: 4200 },
        });
      expect(res.status).toBe(201);
      expect(res.body.journeys).toContainEqual({ journeyId: 'winback-90d', action: 'signalled' });
      const result = await settledResult<{ outcome: string }>(env.client, workflowId);
      expect(['converted', 'exited:order.completed']).toContain(result.outcome);
      expect((await findProfile(world.store.models, customerId))?.orderCount).toBe(1);
    });
  });

  it('answers denied (reentry) for a customer entered before into a reentry: never journey', async () => {
    const journeyId = unique('t-once');
    await publishTestJourney(
      world.store.models,
      `journey: ${journeyId}\nname: once\nentry: { api: true, reentry: never }\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: tag\n    update_profile: { add_tags: [once] }\n`,
    );
    const customerId = unique('once');
    await createEmailCustomer(world.store.models, customerId);
    const enter = (ids: string[]) =>
      request(h.app).post(`/v1/journeys/${journeyId}/entries`).set(auth()).send({ customerIds: ids });
    const workflowId = `kizuna/${journeyId}/${customerId}`;
    const worker = await world.worker();
    await worker.runUntil(async () => {
      expect((await enter([customerId])).body.results).toEqual([{ customerId, result: 'entered' }]);
      expect((await settledResult<{ outcome: string }>(env.client, workflowId)).outcome).toBe('completed');
      const firstRun = (await env.client.workflow.getHandle(workflowId).describe()).runId;
      const again = await enter([customerId, 'ghost']);
      expect(again.status).toBe(200);
      expect(again.body.results).toEqual([
        { customerId, result: 'denied', reason: 'reentry' },
        { customerId: 'ghost', result: 'unknown-customer' },
      ]);
      // Denied before any run starts: the customer's last run is still the first one.
      expect((await env.client.workflow.getHandle(workflowId).describe()).runId).toBe(firstRun);
    });
  });

  it('answers denied (reentry) within a reentry: after period, and entered once it has passed', async () => {
    const journeyId = unique('t-after');
    await publishTestJourney(
      world.store.models,
      `journey: ${journeyId}\nname: after\nentry: { api: true, reentry: { after: 1h } }\npolicy:\n  timezone: Asia/Tokyo\nsteps:\n  - id: tag\n    update_profile: { add_tags: [after] }\n`,
    );
    const customerId = unique('after');
    await createEmailCustomer(world.store.models, customerId);
    let nowMs = 0;
    const later = await startApiHarness(
      import.meta.filename,
      { clock: () => nowMs },
      { store: world.store, client: env.client, taskQueue: TASK_QUEUE },
    );
    const enter = async (): Promise<unknown> =>
      (
        await request(later.app)
          .post(`/v1/journeys/${journeyId}/entries`)
          .set({ authorization: `Bearer ${later.token}` })
          .send({ customerIds: [customerId] })
      ).body.results;
    const workflowId = `kizuna/${journeyId}/${customerId}`;
    const worker = await world.worker();
    try {
      await worker.runUntil(async () => {
        // The API's clock follows the time-skipping server's, which the runs' claims read.
        const now = async () => (nowMs = await env.currentTimeMs());
        await now();
        expect(await enter()).toEqual([{ customerId, result: 'entered' }]);
        await settledResult(env.client, workflowId);
        await env.sleep('59m');
        await now();
        expect(await enter()).toEqual([{ customerId, result: 'denied', reason: 'reentry' }]);
        await env.sleep('2m');
        await now();
        expect(await enter()).toEqual([{ customerId, result: 'entered' }]);
        expect((await settledResult<{ outcome: string }>(env.client, workflowId)).outcome).toBe('completed');
        expect(await world.store.models.Entry.countDocuments({ journeyId, granted: true })).toBe(2);
      });
    } finally {
      await later.close();
    }
  });

  it('reports per-step figures equal to the backtest of the same customers', async () => {
    const journeyId = unique('t-stats');
    const yaml = `
journey: ${journeyId}
name: stats
entry: { api: true, reentry: never }
holdout: 40%
policy:
  timezone: Asia/Tokyo
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
  - id: big-spender
    if: { totalSpent: { $gte: 30000 } }
    then:
      - id: vip
        send: { channel: email, template: winback-vip-coupon }
    else:
      - id: tag
        update_profile: { add_tags: [stats-regular] }
`;
    const { plan } = await publishTestJourney(world.store.models, yaml);
    const customers: { id: string; profile: Profile }[] = [];
    for (let i = 0; i < 12; i++) {
      const customerId = `${journeyId}-c${String(i).padStart(2, '0')}`;
      const extra = {
        totalSpent: i % 3 === 0 ? 50_000 : 1_000,
        ...(i === 5 ? { consent: { email: 'unsubscribed' } } : {}),
        // Two stores, and one customer without any: the figures per store are compared below.
        ...(i === 7 ? {} : { homeStore: i % 2 === 0 ? 'shibuya' : 'umeda' }),
      };
      await createEmailCustomer(world.store.models, customerId, extra);
      customers.push({ id: customerId, profile: (await findProfile(world.store.models, customerId))! });
    }
    const startMs = await env.currentTimeMs();
    const worker = await world.worker();
    await worker.runUntil(async () => {
      const res = await request(h.app)
        .post(`/v1/journeys/${journeyId}/entries`)
        .set(auth())
        .send({ customerIds: customers.map((c) => c.id) });
      const results = res.body.results as { result: string }[];
      expect(results.every((r) => r.result === 'entered')).toBe(true);
      for (const c of customers) await settledResult(env.client, `kizuna/${journeyId}/${c.id}`);
    });
    const stats = await request(h.app).get(`/v1/journeys/${journeyId}/stats`).set(auth());
    expect(stats.status).toBe(200);
    const report = backtest({ plan, customers, eventsByCustomer: new Map(), startMs, untilMs: startMs + 86_400_000 });
    expect(stats.body).toMatchObject({
      runs: report.runs,
      holdout: report.holdout,
      converted: report.converted,
      holdoutConverted: report.holdoutConverted,
      outcomes: report.outcomes,
      conversion: {
        treatedRate: report.conversion.treated.rate,
        holdoutRate: report.conversion.holdout.rate,
        uplift: report.conversion.uplift,
      },
    });
    const bySteps = (
      steps: { stepId: string; entered: number; sent: object; skipped: object; failed: object; paths: object }[],
    ) =>
      Object.fromEntries(
        steps
          .filter((s) => s.entered > 0)
          .map((s) => [
            s.stepId,
            { entered: s.entered, sent: s.sent, skipped: s.skipped, failed: s.failed, paths: s.paths },
          ]),
      );
    expect(bySteps(stats.body.steps as typeof report.steps)).toEqual(bySteps(report.steps));
    expect(report.holdout).toBeGreaterThan(0);

    // Per store: each value's figures equal the backtest of that store's customers alone.
    const perStore = await request(h.app).get(`/v1/journeys/${journeyId}/stats?by=homeStore`).set(auth());
    expect(perStore.status).toBe(200);
    expect(perStore.body).toMatchObject({ runs: stats.body.runs, by: { field: 'homeStore' } });
    const values = perStore.body.by.values as Array<{ value: string | null; steps: typeof report.steps }>;
    expect(values.map((v) => v.value).sort()).toEqual(['shibuya', 'umeda', null].sort());
    for (const value of values) {
      const own = customers.filter((c) => (c.profile.homeStore ?? null) === value.value);
      const part = backtest({
        plan,
        customers: own,
        eventsByCustomer: new Map(),
        startMs,
        untilMs: startMs + 86_400_000,
      });
      expect(value, String(value.value)).toMatchObject({
        runs: part.runs,
        holdout: part.holdout,
        converted: part.converted,
        outcomes: part.outcomes,
        conversion: { treatedRate: part.conversion.treated.rate, holdoutRate: part.conversion.holdout.rate },
      });
      expect(bySteps(value.steps), String(value.value)).toEqual(bySteps(part.steps));
    }

    // /metrics reports the ledger's sends by channel and result, the worker's sends included.
    const metrics = (await request(h.app).get('/metrics')).text;
    const series = [...metrics.matchAll(/^kizuna_sends\{channel="(\w+)",result="(\w+)"\} (\d+)$/gm)];
    const ledger = await world.store.models.Delivery.aggregate<{ _id: { c: string; s: string }; n: number }>([
      { $group: { _id: { c: '$channel', s: '$status' }, n: { $sum: 1 } } },
    ]);
    expect(Object.fromEntries(series.map(([, c, r, n]) => [`${c}/${r}`, Number(n)]))).toEqual(
      Object.fromEntries(ledger.map((g) => [`${g._id.c ?? 'none'}/${g._id.s}`, g.n])),
    );
    const sentByEmail = await world.store.models.Delivery.countDocuments({
      journeyId,
      channel: 'email',
      status: 'sent',
    });
    expect(sentByEmail).toBeGreaterThan(0);
    expect(metrics).toMatch(/^kizuna_sends\{channel="email",result="sent"\} [1-9]\d*$/m);

    // Erasing a customer leaves no trace of the id in journal and delivery rows, and the figures unchanged.
    const { JournalRow, Delivery } = world.store.models;
    const erased = (await Delivery.findOne({ journeyId, status: 'sent' }).lean())!.customerId;
    const del = await request(h.app).delete(`/v1/customers/${erased}`).set(auth());
    expect(del.status).toBe(200);
    expect(del.body.erased).toMatchObject({ profile: 1, journal: expect.any(Number), deliveries: expect.any(Number) });
    expect(del.body.erased.deliveries).toBeGreaterThan(0);
    const mentions = (rows: unknown[]) => rows.filter((r) => JSON.stringify(r).includes(erased)).length;
    expect(mentions(await JournalRow.find({ journeyId }).lean())).toBe(0);
    expect(mentions(await Delivery.find({ journeyId }).lean())).toBe(0);
    const after = await request(h.app).get(`/v1/journeys/${journeyId}/stats`).set(auth());
    expect(after.body).toEqual(stats.body);
  });
});
