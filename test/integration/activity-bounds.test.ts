// An activity that fails the same way on every attempt (a deterministic, non-application error) is not
// retried for ever: the run fails after one attempt, and its entry in the ledger is closed.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../activities/delivery-port.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { listOpenRuns } from '../../store/entries.js';
import { createKizunaWorker, workflowsPath } from '../../worker.js';
import { bundleQuietly } from '../support/bundle.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney } from '../support/test-journeys.js';

const TASK_QUEUE = 'activity-bounds';

describe('activities have bounds', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  it('fails a run at the first deterministic failure of an activity, and closes its entry', async () => {
    const { plan } = await publishTestJourney(
      world.store.models,
      `
journey: t-deterministic-failure
name: deterministic failure
entry: { api: true }
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
`,
    );
    await createEmailCustomer(world.store.models, 'c-broken');
    let attempts = 0;
    // A delivery with a bug: the same TypeError on every attempt, whatever the retry.
    const broken: Delivery = {
      deliver() {
        attempts += 1;
        return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'email')"));
      },
    };
    const { code } = await bundleQuietly(workflowsPath);
    const worker = await createKizunaWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      deps: { models: world.store.models, delivery: broken },
      workflowBundleCode: code,
    });
    const journeyId = plan.journeyId;
    let handle: ReturnType<typeof env.client.workflow.getHandle> | null = null;
    const failure = await worker.runUntil(async () => {
      const { workflowId } = await enterJourney(world.runtime(), { journeyId, customerId: 'c-broken', event: null });
      handle = env.client.workflow.getHandle(workflowId);
      const result = handle.result();
      const stuck = new Promise<never>((_, fail) => setTimeout(() => fail(new Error('the run still retries')), 30_000));
      return Promise.race([result, stuck]).then(
        () => null,
        (err: unknown) => err,
      );
    });
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(attempts).toBe(1);
    // The send was scheduled with its bounds: a schedule-to-close timeout and a number of attempts.
    const scheduled = ((await handle!.fetchHistory()).events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
    );
    expect(scheduled.map((a) => a.activityType?.name)).toEqual(['send']);
    for (const activity of scheduled) {
      expect(Number(activity.scheduleToCloseTimeout?.seconds)).toBe(24 * 3600);
      expect(activity.retryPolicy?.maximumAttempts).toBe(300);
      expect(activity.retryPolicy?.nonRetryableErrorTypes).toContain('TypeError');
    }
    const entry = await world.store.models.Entry.findOne({ journeyId, customerId: 'c-broken', granted: true }).lean();
    expect(entry).toMatchObject({ granted: true, outcome: 'failed:TypeError' });
    expect((await listOpenRuns(world.store.models, { journeyId, afterId: null, limit: 10 })).workflowIds).toEqual([]);
  });
});
