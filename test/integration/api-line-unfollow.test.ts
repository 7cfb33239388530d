// A LINE unfollow does what the journeys say, driven end to end: the LINE stand-in sends signed follow
// and unfollow webhooks to the API listening on a port; the follow enters the example survey journey
// (which exits on line.unfollowed) and a journey that waits for line.unfollowed; the unfollow ends the
// first at once and takes the second down its on_event branch (time-skipping Temporal, real worker).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineStandin } from '../../line-standin/app.js';
import { findProfile } from '../../store/customers.js';
import type { JourneyStateView } from '../../workflows/signals.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { LINE_SECRET, startApiHarness, unique, type ApiHarness } from './api/harness.js';

const TASK_QUEUE = 'api-line-unfollow';

describe('line.unfollowed through the LINE webhook', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  let h: ApiHarness;
  let server: Server;
  let hooks: ReturnType<typeof createLineStandin>;

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
    server = await new Promise((ok) => {
      const s = h.app.listen(0, '127.0.0.1', () => ok(s));
    });
    // A second stand-in plays LINE's side that calls Kizuna: signed webhooks to the API's port.
    hooks = createLineStandin({
      channelAccessToken: 'unused',
      channelSecret: LINE_SECRET,
      webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/line`,
    });
  });

  afterAll(async () => {
    await new Promise((ok) => server?.close(ok));
    await h?.close();
    await world?.close();
    await env?.teardown();
  });

  /** Polls the run's `state` query until the run waits (an event, a timer, quiet hours). */
  async function waiting(workflowId: string): Promise<JourneyStateView> {
    for (let i = 0; i < 200; i++) {
      const view = await env.client.workflow
        .getHandle(workflowId)
        .query<JourneyStateView>('state')
        .catch(() => null);
      if (view && view.waitingFor.length > 0) return view;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error(`${workflowId} never waited`);
  }

  it('exits the survey journey at once and takes the wait_for branch of another', async () => {
    const watchId = unique('t-watch');
    const yaml = `
journey: ${watchId}
name: watch the first week
entry: { event: line.followed, reentry: never }
policy:
  timezone: Asia/Tokyo
steps:
  - id: first-week
    wait_for: { event: line.unfollowed, timeout: 7d }
    on_event:
      - id: left
        update_profile: { add_tags: [left-first-week] }
    on_timeout:
      - id: stayed
        update_profile: { add_tags: [stayed-first-week] }
`;
    const pub = await request(h.app)
      .post('/v1/journeys')
      .set({ authorization: `Bearer ${h.token}` })
      .set('content-type', 'text/yaml')
      .send(yaml);
    expect(pub.status).toBe(201);
    const userId = `U${unique('').replace(/\W/g, '').padEnd(32, '0').slice(0, 32)}`;
    const customerId = `line:${userId}`;
    const survey = `kizuna/line-friend-survey/${customerId}`;
    const watch = `kizuna/${watchId}/${customerId}`;

    const worker = await world.worker();
    await worker.runUntil(async () => {
      expect((await hooks.sendWebhook({ type: 'follow', userId })).status).toBe(200);
      // Both runs are inside and waiting: the survey (quiet hours, or its 10-minute wait) listens for
      // the unfollow as its exit; the other waits for it.
      expect((await waiting(survey)).status).toBe('active');
      expect(await waiting(watch)).toMatchObject({ stepId: 'first-week', waitingFor: ['line.unfollowed'] });
      const pushesBefore = world.line.pushes.filter((p) => p.to === userId).length;

      expect((await hooks.sendWebhook({ type: 'unfollow', userId })).status).toBe(200);
      expect((await settledResult<{ outcome: string }>(env.client, survey)).outcome).toBe('exited:line.unfollowed');
      expect((await settledResult<{ outcome: string }>(env.client, watch)).outcome).toBe('completed');
      expect(world.line.pushes.filter((p) => p.to === userId)).toHaveLength(pushesBefore);
    });
    const profile = await findProfile(world.store.models, customerId);
    expect(profile).toMatchObject({ lineUserId: userId, consent: { line: 'blocked' }, lineFollowing: false });
    expect(profile?.tags).toContain('left-first-week');
    expect(profile?.tags).not.toContain('stayed-first-week');
  });
});
