// Journeys on the time-skipping server with events: exits in the middle of a wait, conversion goals
// inside and outside their window, wait_for seeing only later events, duplicate event ids (also a
// signal-with-start retried by the client), re-entry policies and a new version published while
// customers wait.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import { readJournal } from '../../store/journal.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv, recordHistory } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('journey events on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  const now = () => env.currentTimeMs();
  const result = (workflowId: string) =>
    settledResult<{ outcome: string; conversion: unknown }>(env.client, workflowId);
  const mailsTo = (address: string) => world.smtp.mails.filter((m) => m.to.includes(address)).map((m) => m.subject);
  const actions = async (journeyId: string, customerId: string) =>
    (await readJournal(world.store.models, { journeyId, customerId })).map((r) => [r.stepId, r.action, r.reason]);

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-events',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  const goalJourney = `
journey: t-goal
name: goal
entry: { api: true, reentry: always }
exit:
  - { on: order.completed, goal: true, window: 2d }
  - on: customer.unsubscribed
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
  - id: long-wait
    wait: 30d
  - id: late
    send: { channel: email, template: winback-coupon }
`;

  it('leaves at once in the middle of a 30-day wait when an exit event arrives', async () => {
    const { plan } = await publishTestJourney(world.store.models, goalJourney);
    const address = await createEmailCustomer(world.store.models, 'c-exit');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const { workflowId } = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-exit', event: null });
      await env.sleep(5 * DAY);
      const event = testEvent('unsub-1', 'customer.unsubscribed', await now());
      expect(await signalCustomerEvent(deps, { journeyId: plan.journeyId, customerId: 'c-exit', event })).toBe(
        'signalled',
      );
      expect((await result(workflowId)).outcome).toBe('exited:customer.unsubscribed');
      recordHistory('exited-mid-wait', await env.client.workflow.getHandle(workflowId).fetchHistory());
    });
    expect(mailsTo(address)).toHaveLength(1);
    const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: 'c-exit' });
    expect(journal.map((r) => [r.stepId, r.action, r.reason])).toEqual([
      [null, 'entered', null],
      ['hello', 'sent', null],
      ['long-wait', 'waiting', null],
      [null, 'exited', 'exited:customer.unsubscribed'],
    ]);
    // It ended on the event, five days in, not at the end of the 30-day wait.
    expect(journal[3]!.atMs - journal[0]!.atMs).toBeLessThan(5 * DAY + HOUR);
  });

  it('credits a conversion inside the goal window and not after it', async () => {
    const { plan } = await publishTestJourney(world.store.models, goalJourney);
    await createEmailCustomer(world.store.models, 'c-goal-in');
    await createEmailCustomer(world.store.models, 'c-goal-out');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const journeyId = plan.journeyId;
      const inside = await enterJourney(deps, { journeyId, customerId: 'c-goal-in', event: null });
      const outside = await enterJourney(deps, { journeyId, customerId: 'c-goal-out', event: null });
      await env.sleep(1 * DAY);
      const order1 = testEvent('ord-in', 'order.completed', await now());
      await signalCustomerEvent(deps, { journeyId, customerId: 'c-goal-in', event: order1 });
      expect(await result(inside.workflowId)).toMatchObject({
        outcome: 'converted',
        conversion: { eventId: 'ord-in', template: 'winback-1' },
      });
      await env.sleep(4 * DAY);
      const order2 = testEvent('ord-out', 'order.completed', await now());
      await signalCustomerEvent(deps, { journeyId, customerId: 'c-goal-out', event: order2 });
      expect(await result(outside.workflowId)).toMatchObject({ outcome: 'exited:order.completed', conversion: null });
    });
  });

  it('wait_for sees only events after it began, and a repeated event id counts once (also a retried signal-with-start)', async () => {
    const { plan } = await publishTestJourney(
      world.store.models,
      `
journey: t-wait-for
name: wait for
entry: { event: visit, reentry: always }
steps:
  - id: pause
    wait: 1d
  - id: first
    wait_for: { event: order.completed, timeout: 2d }
    on_event:
      - { id: thanks-1, send: { channel: email, template: winback-1 } }
    on_timeout:
      - { id: missed-1, send: { channel: email, template: winback-coupon } }
  - id: second
    wait_for: { event: visit, timeout: 2d }
    on_event:
      - { id: thanks-2, send: { channel: email, template: winback-vip-coupon } }
    on_timeout:
      - { id: missed-2, send: { channel: email, template: winback-last-chance } }
`,
    );
    const address = await createEmailCustomer(world.store.models, 'c-wait-for');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const journeyId = plan.journeyId;
      const visit = testEvent('visit-1', 'visit', await now());
      const first = await enterJourney(deps, { journeyId, customerId: 'c-wait-for', event: visit });
      await env.sleep(1_000);
      // The client retries the signal-with-start: the same entry event reaches the run twice.
      const retry = await enterJourney(deps, { journeyId, customerId: 'c-wait-for', event: visit });
      expect([first.status, retry.status]).toEqual(['entered', 'signalled']);
      await env.sleep(HOUR);
      // An order before `first` began waiting: wait_for must not see it.
      await signalCustomerEvent(deps, {
        journeyId,
        customerId: 'c-wait-for',
        event: testEvent('ord-early', 'order.completed', await now()),
      });
      await env.sleep(1 * DAY + HOUR);
      // Inside `first`'s wait now; the same order id again is a duplicate and is ignored.
      await signalCustomerEvent(deps, {
        journeyId,
        customerId: 'c-wait-for',
        event: testEvent('ord-early', 'order.completed', await now()),
      });
      await env.sleep(2 * DAY);
      // In `second`: the entry event's id again (another retry) is ignored; a new visit matches.
      await enterJourney(deps, { journeyId, customerId: 'c-wait-for', event: visit });
      await env.sleep(HOUR);
      await enterJourney(deps, {
        journeyId,
        customerId: 'c-wait-for',
        event: testEvent('visit-2', 'visit', await now()),
      });
      expect((await result(first.workflowId)).outcome).toBe('completed');
      expect(await actions(journeyId, 'c-wait-for')).toContainEqual(['second', 'matched', null]);
      recordHistory('wait-for-duplicates', await env.client.workflow.getHandle(first.workflowId).fetchHistory());
    });
    const sent = (await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: 'c-wait-for' }))
      .filter((r) => r.action === 'sent')
      .map((r) => r.stepId);
    expect(sent).toEqual(['missed-1', 'thanks-2']);
    expect(mailsTo(address)).toHaveLength(2);
  });
  it('an event signalled to a run pinned to an older version keeps the properties that version reads', async () => {
    const version = (exit: string) => `
journey: t-pinned-fields
name: pinned fields
entry: { api: true, reentry: always }
exit:
  - ${exit}
steps:
  - { id: long-wait, wait: 30d }
  - id: late
    send: { channel: email, template: winback-coupon }
`;
    const v1 = await publishTestJourney(
      world.store.models,
      version('{ on: order.completed, where: { event.total: { $gte: 5000 } } }'),
    );
    await createEmailCustomer(world.store.models, 'c-pinned');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const journeyId = v1.plan.journeyId;
      const run = await enterJourney(deps, { journeyId, customerId: 'c-pinned', event: null });
      await env.sleep(HOUR);
      // The head moves to a version whose exit reads no property of the order.
      await publishTestJourney(world.store.models, version('{ on: order.completed }'));
      const order = { ...testEvent('big-order', 'order.completed', await now()), properties: { total: 8000 } };
      expect(await signalCustomerEvent(deps, { journeyId, customerId: 'c-pinned', event: order })).toBe('signalled');
      // The run follows v1: the order's total is there, so it leaves at once.
      expect((await result(run.workflowId)).outcome).toBe('exited:order.completed');
    });
  });

  it('an entry event handed to a going run pinned to an older version keeps the properties that version reads', async () => {
    const version = (exit: string) => `
journey: t-pinned-entry-fields
name: pinned entry fields
entry: { event: plan.changed, reentry: always }
exit:
  - ${exit}
steps:
  - { id: long-wait, wait: 30d }
  - id: late
    send: { channel: email, template: winback-coupon }
`;
    const v1 = await publishTestJourney(
      world.store.models,
      version('{ on: plan.changed, where: { event.plan: cancelled } }'),
    );
    await createEmailCustomer(world.store.models, 'c-pinned-entry');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const journeyId = v1.plan.journeyId;
      const changed = (id: string, plan: string) => ({
        ...testEvent(id, 'plan.changed', 0),
        properties: { plan, seats: 3 },
      });
      const first = { ...changed('plan-1', 'monthly'), timeMs: await now() };
      const run = await enterJourney(deps, { journeyId, customerId: 'c-pinned-entry', event: first });
      expect(run.status).toBe('entered');
      await env.sleep(HOUR);
      // The head moves to a version whose exit reads no property of the event.
      await publishTestJourney(world.store.models, version('{ on: customer.unsubscribed }'));
      const second = { ...changed('plan-2', 'cancelled'), timeMs: await now() };
      const again = await enterJourney(deps, { journeyId, customerId: 'c-pinned-entry', event: second });
      expect(again.status).toBe('signalled');
      // The run follows v1: the event's plan is there, so it leaves at once.
      expect((await result(run.workflowId)).outcome).toBe('exited:plan.changed');
    });
  });
});
