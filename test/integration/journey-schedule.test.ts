// Timed sends keep their minute when the worker is late: on the time-skipping server, a run whose first
// workflow task comes seconds after its entry event still waits until entry + 30 s, and a later wait
// counts from the instant the first one was due, not from when the delivery before it was answered.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { readJournal } from '../../store/journal.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv, recordHistory } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const SECOND = 1000;
const DAY = 24 * 3_600_000;
/** How long the run's first workflow task waits for a worker (a queue behind a burst). */
const FIRST_TASK_LAG_MS = 5 * SECOND;

const journey = `
journey: t-schedule
name: reminder with a follow-up
entry: { event: class.booked, reentry: always }
steps:
  - { id: soon, wait: 30s }
  - id: remind
    send: { channel: email, template: winback-1 }
  - { id: next-day, wait: 1d }
  - id: follow-up
    send: { channel: email, template: winback-coupon }
`;

describe('waits count from the journey’s schedule, not from a late worker', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-schedule',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  it('sends at entry + 30 s when the first workflow task comes 5 s after the entry event, and a day after that', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey);
    const address = await createEmailCustomer(world.store.models, 'c-late');
    const booked = testEvent('booked-1', 'class.booked', await env.currentTimeMs());
    // No worker polls yet: the run is started and its first task waits, as behind a burst of entries.
    const { status, workflowId } = await enterJourney(world.runtime(), {
      journeyId: plan.journeyId,
      customerId: 'c-late',
      event: booked,
    });
    expect(status).toBe('entered');
    await new Promise((ok) => setTimeout(ok, FIRST_TASK_LAG_MS));
    const handle = env.client.workflow.getHandle(workflowId);
    await (await world.worker()).runUntil(handle.result());
    const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: 'c-late' });
    const row = (stepId: string | null, action: string) =>
      journal.find((r) => r.stepId === stepId && r.action === action);
    // The premise: the run really took its first step late.
    expect(row(null, 'entered')!.atMs - booked.timeMs).toBeGreaterThanOrEqual(FIRST_TASK_LAG_MS);
    expect(row('soon', 'waiting')!.detail.untilMs).toBe(booked.timeMs + 30 * SECOND);
    const remindAt = row('remind', 'sent')!.atMs - booked.timeMs;
    expect(remindAt).toBeGreaterThanOrEqual(30 * SECOND);
    expect(remindAt).toBeLessThan(30 * SECOND + FIRST_TASK_LAG_MS);
    // The delivery took time of its own; the day counts from when the reminder was due.
    expect(row('next-day', 'waiting')!.detail.untilMs).toBe(booked.timeMs + 30 * SECOND + DAY);
    expect(row('follow-up', 'sent')!.atMs - booked.timeMs).toBeLessThan(30 * SECOND + DAY + FIRST_TASK_LAG_MS);
    expect(world.smtp.mails.filter((m) => m.to.includes(address))).toHaveLength(2);
    recordHistory('scheduled-waits.wait-from-schedule', await handle.fetchHistory());
  });
});
