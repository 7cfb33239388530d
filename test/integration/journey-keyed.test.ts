// Keyed entries on Temporal (one run per customer and seminar; exits about another seminar leave a
// run alone) and entry events that find their run going: what the runtime answers and journals.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import { readJournal } from '../../store/journal.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const seminars = (id: string, key: string) => `
journey: ${id}
name: ${id}
entry: { event: seminar.registered, ${key} reentry: always }
exit:
  - on: seminar.cancelled
steps:
  - { id: wait-1, wait: 1d }
  - id: reminder
    send: { channel: email, template: winback-1 }
`;

const ordered = (id: string) => `
journey: ${id}
name: ${id}
entry: { event: seminar.registered, key: seminarId, reentry: always }
exit:
  - { on: order.completed, goal: true, window: 2d }
steps:
  - { id: wait-1, wait: 1d }
  - id: reminder
    send: { channel: email, template: winback-1 }
`;

describe('keyed entries and entry events while a run is going, on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  const now = () => env.currentTimeMs();
  const outcome = async (workflowId: string) =>
    (await settledResult<{ outcome: string }>(env.client, workflowId)).outcome;
  const journal = async (journeyId: string, customerId: string) =>
    (await readJournal(world.store.models, { journeyId, customerId })).map((r) => [r.workflowId, r.action, r.reason]);

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-keyed',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  it('two seminars give two runs; cancelling seminar B ends B and leaves A its reminder', async () => {
    const { plan } = await publishTestJourney(world.store.models, seminars('t-keyed', 'key: seminarId,'));
    await createEmailCustomer(world.store.models, 'c-keyed');
    const deps = world.runtime();
    const t = await now();
    const enter = (id: string, seminarId: string) =>
      enterJourney(deps, {
        journeyId: plan.journeyId,
        customerId: 'c-keyed',
        event: testEvent(id, 'seminar.registered', t, { seminarId }),
      });
    await (
      await world.worker()
    ).runUntil(async () => {
      const a = await enter('reg-a', 'A');
      const b = await enter('reg-b', 'B/1');
      expect([a.status, b.status]).toEqual(['entered', 'entered']);
      expect(a.workflowId).toBe('kizuna/t-keyed/c-keyed/A');
      expect(b.workflowId).toBe('kizuna/t-keyed/c-keyed/B%2F1');
      // A second registration for A while A's run goes: nothing in the run acts on it.
      expect(await enter('reg-a2', 'A')).toMatchObject({ status: 'dropped', reason: 'already-in-journey' });
      const cancel = testEvent('cancel-b', 'seminar.cancelled', t + 1_000, { seminarId: 'B/1' });
      await signalCustomerEvent(deps, { journeyId: plan.journeyId, customerId: 'c-keyed', event: cancel });
      expect(await outcome(b.workflowId)).toBe('exited:seminar.cancelled');
      await env.sleep(DAY + HOUR);
      expect(await outcome(a.workflowId)).toBe('completed');
    });
    const rows = await journal(plan.journeyId, 'c-keyed');
    expect(rows).toContainEqual(['kizuna/t-keyed/c-keyed/A', 'sent', null]);
    expect(rows).toContainEqual(['kizuna/t-keyed/c-keyed/A', 'dropped', 'already-in-journey']);
    expect(rows.filter(([id, action]) => id === 'kizuna/t-keyed/c-keyed/B%2F1' && action === 'sent')).toEqual([]);
  });

  it('an order signalled right after a keyed entry, before its claim landed, reaches the run and converts', async () => {
    const { plan } = await publishTestJourney(world.store.models, ordered('t-keyed-order'));
    await createEmailCustomer(world.store.models, 'c-keyed-order');
    const deps = world.runtime();
    const t = await now();
    // No worker runs yet: the run is started and its entry claim cannot land before the order.
    const entered = await enterJourney(deps, {
      journeyId: plan.journeyId,
      customerId: 'c-keyed-order',
      event: testEvent('ko-reg', 'seminar.registered', t, { seminarId: 'A' }),
    });
    expect(entered).toMatchObject({ status: 'entered', workflowId: 'kizuna/t-keyed-order/c-keyed-order/A' });
    const order = testEvent('ko-order', 'order.completed', t + 1);
    expect(
      await signalCustomerEvent(deps, { journeyId: plan.journeyId, customerId: 'c-keyed-order', event: order }),
    ).toBe('signalled');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await outcome(entered.workflowId)).toBe('converted');
    });
    expect(await journal(plan.journeyId, 'c-keyed-order')).toContainEqual([
      entered.workflowId,
      'converted',
      'order.completed',
    ]);
    // The started-not-claimed record is gone once the claim answered: the ledger alone knows the run now.
    expect(await world.store.models.Entry.countDocuments({ customerId: 'c-keyed-order', started: true })).toBe(0);
  });

  it('without a key, an entry event that finds the run going is dropped and journaled, never "signalled"', async () => {
    const { plan } = await publishTestJourney(world.store.models, seminars('t-unkeyed', ''));
    await createEmailCustomer(world.store.models, 'c-unkeyed');
    const deps = world.runtime();
    const t = await now();
    await (
      await world.worker()
    ).runUntil(async () => {
      const first = await enterJourney(deps, {
        journeyId: plan.journeyId,
        customerId: 'c-unkeyed',
        event: testEvent('u-1', 'seminar.registered', t, { seminarId: 'A' }),
      });
      expect(first.status).toBe('entered');
      const second = await enterJourney(deps, {
        journeyId: plan.journeyId,
        customerId: 'c-unkeyed',
        event: testEvent('u-2', 'seminar.registered', t + 1, { seminarId: 'B' }),
      });
      expect(second).toMatchObject({ status: 'dropped', reason: 'already-in-journey' });
    });
    expect(await journal(plan.journeyId, 'c-unkeyed')).toContainEqual([
      'kizuna/t-unkeyed/c-unkeyed',
      'dropped',
      'already-in-journey',
    ]);
  });
});
