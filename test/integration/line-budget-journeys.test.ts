// The LINE budget end to end: journeys run on Temporal (time-skipping server) with the real activities,
// FerretDB, the SMTP capture and the LINE stand-in over HTTP, under `line_budget: { monthly: 3, reserve: 1 }`.
// Marketing sends stop after 2 LINE messages: a step with `fallback: email` mails the customer who may get
// email and is skipped for the one who may not, with `line-budget` in the journey's stats and the
// customer's timeline; a transactional journey uses the reserve. The report and the stand-in's quota
// answers are checked against the OpenAPI document's schemas.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineBudget, lineQuotaMonth } from '../../channels/line-budget.js';
import { createLineSender } from '../../channels/line-sender.js';
import { buildOpenApi } from '../../api/http/openapi.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { readLineBudgetUsage } from '../../store/line-budget.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { publishTestJourney } from '../support/test-journeys.js';
import { startApiHarness, type ApiHarness } from './api/harness.js';

const MARKETING = `
journey: t-budget-news
name: LINE news with an email fallback
entry: { api: true, reentry: always }
steps:
  - id: news
    send: { channel: line, template: winback-1, fallback: email }
`;
const TRANSACTIONAL = `
journey: t-budget-booking
name: booking confirmation
transactional: true
entry: { api: true, reentry: always }
steps:
  - id: confirm
    send: { channel: line, template: event-confirmation }
`;
const POLICY = { monthly: 3, reserve: 1 };

describe('journeys under a LINE budget', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  let api: ApiHarness;
  let seq = 0;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'line-budget-journeys',
      lineBudget: POLICY,
    });
    await publishTestJourney(world.store.models, MARKETING);
    await publishTestJourney(world.store.models, TRANSACTIONAL);
    const sender = createLineSender({ channelAccessToken: 'test-line-token', baseURL: world.lineUrl });
    const lineBudget = createLineBudget({ models: world.store.models, policy: POLICY, quota: () => sender.quota() });
    api = await startApiHarness(import.meta.filename, { lineBudget }, { store: world.store, client: env.client });
  });
  afterAll(async () => {
    await api?.close();
    await world?.close();
    await env?.teardown();
  });

  const auth = () => ({ authorization: `Bearer ${api.token}` });
  /** A LINE follower; `email` says whether they may get email too. */
  async function follower(email: boolean) {
    const customerId = `c-budget-${++seq}`;
    const lineUserId = `U${String(seq).padStart(32, 'c')}`;
    await world.store.models.Customer.create({
      customerId,
      email: `${customerId}@example.jp`,
      lineUserId,
      consent: { line: 'following', email: email ? 'subscribed' : 'unknown' },
    });
    return { customerId, lineUserId, email: `${customerId}@example.jp` };
  }
  async function run(journeyId: string, customers: { customerId: string }[]) {
    const worker = await world.worker();
    await worker.runUntil(async () => {
      for (const { customerId } of customers) {
        const entered = await enterJourney(world.runtime(), { journeyId, customerId, event: null });
        await env.client.workflow.getHandle(entered.workflowId).result();
      }
    });
  }
  const pushesTo = (userId: string) => world.line.pushes.filter((p) => p.to === userId);
  const mailsTo = (address: string) => world.smtp.mails.filter((m) => m.to.includes(address));

  it('falls back to email past the marketing budget, or skips with line-budget, visible in stats and timeline', async () => {
    const first = [await follower(true), await follower(true)];
    const mailable = await follower(true);
    const lineOnly = await follower(false);
    await run('t-budget-news', [...first, mailable, lineOnly]);
    for (const c of first) expect([pushesTo(c.lineUserId).length, mailsTo(c.email).length]).toEqual([1, 0]);
    expect([pushesTo(mailable.lineUserId).length, mailsTo(mailable.email).length]).toEqual([0, 1]);
    expect([pushesTo(lineOnly.lineUserId).length, mailsTo(lineOnly.email).length]).toEqual([0, 0]);
    expect(await readLineBudgetUsage(world.store.models, lineQuotaMonth(Date.now()))).toBe(2);

    const stats = await request(api.app).get('/v1/journeys/t-budget-news/stats').set(auth()).expect(200);
    const news = (stats.body.steps as { stepId: string }[]).find((s) => s.stepId === 'news');
    expect(news).toMatchObject({
      sent: { 'winback-1 by line': 2, 'winback-1 by email': 1 },
      skipped: { 'line-budget': 2, 'no-consent': 1 },
    });
    const timeline = await request(api.app)
      .get(`/v1/customers/${lineOnly.customerId}/timeline`)
      .set(auth())
      .expect(200);
    const items = timeline.body.items as { kind: string; action?: string; reason?: string; status?: string }[];
    expect(items).toContainEqual(
      expect.objectContaining({ kind: 'journal', action: 'skipped', reason: 'line-budget' }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({ kind: 'delivery', status: 'skipped', reason: 'line-budget' }),
    );
  });

  it('lets a transactional journey use the reserve, then stops it too', async () => {
    const booked = await follower(false);
    const late = await follower(true);
    await run('t-budget-booking', [booked, late]);
    expect(pushesTo(booked.lineUserId)).toHaveLength(1);
    // No fallback on this step: the message is skipped.
    expect([pushesTo(late.lineUserId).length, mailsTo(late.email).length]).toEqual([0, 0]);
    const stats = await request(api.app).get('/v1/journeys/t-budget-booking/stats').set(auth()).expect(200);
    expect((stats.body.steps as { stepId: string }[]).find((s) => s.stepId === 'confirm')).toMatchObject({
      sent: { 'event-confirmation by line': 1 },
      skipped: { 'line-budget': 1 },
    });
  });

  it('reports the month in a shape its OpenAPI schema accepts, with LINE quota answers that match it', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'kizuna', components: (buildOpenApi() as { components: unknown }).components });
    const schema = (name: string) => ajv.getSchema(`kizuna#/components/schemas/${name}`)!;
    const res = await request(api.app).get('/v1/reports/line-budget').set(auth()).expect(200);
    expect(res.body).toMatchObject({
      budget: { monthly: 3, reserve: 1, marketingLimit: 2 },
      used: 3,
      line: { quota: { type: 'none' }, consumption: { totalUsage: world.line.state.usage() } },
      open: { marketing: false, transactional: false },
    });
    expect(schema('LineBudgetReport')(res.body), JSON.stringify(schema('LineBudgetReport').errors)).toBe(true);
    // LINE's answers as the stand-in gives them, both with and without a limit.
    const line = (path: string) =>
      fetch(`${world.lineUrl}${path}`, { headers: { authorization: 'Bearer test-line-token' } }).then((r) => r.json());
    for (const value of [null, 1000]) {
      world.line.state.quotaLimit = value;
      const quota = await line('/v2/bot/message/quota');
      expect(schema('LineMessageQuota')(quota), JSON.stringify(quota)).toBe(true);
      expect(schema('LineQuotaConsumption')(await line('/v2/bot/message/quota/consumption'))).toBe(true);
    }
    world.line.state.quotaLimit = null;
    expect(schema('LineMessageQuota')({ type: 'unlimited' })).toBe(false);
    expect(schema('LineQuotaConsumption')({})).toBe(false);
  });

  it('answers 404 LINE_BUDGET_NOT_CONFIGURED without a line_budget', async () => {
    const bare = await startApiHarness(import.meta.filename, {}, { store: world.store, client: env.client });
    try {
      const res = await request(bare.app)
        .get('/v1/reports/line-budget')
        .set({ authorization: `Bearer ${bare.token}` });
      expect([res.status, res.body.error.code]).toEqual([404, 'LINE_BUDGET_NOT_CONFIGURED']);
    } finally {
      await bare.close();
    }
  });
});
