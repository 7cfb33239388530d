// Things that happen at once on Temporal: a control whose fan-out listed the ledger before a run's
// entry claim landed, an exit event that arrives with the run's start (while its claim is out), and
// an entry event that happened before the run's first workflow task.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import { readJournal } from '../../store/journal.js';
import { setJourneyStatus } from '../../store/journeys.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv, recordHistory } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const journey = (id: string) => `
journey: ${id}
name: ${id}
entry: { event: cart.abandoned, reentry: always }
exit:
  - { on: order.completed, goal: true, window: 2d }
  - on: subscription.cancelled
steps:
  - { id: wait-1, wait: 1d }
  - id: first
    send: { channel: email, template: winback-1 }
`;

const sendFirst = (id: string) => `
journey: ${id}
name: ${id}
entry: { event: cart.abandoned, reentry: always }
exit:
  - on: subscription.cancelled
# A fixed zone: nothing is read between the claim and the first step.
policy: { timezone: Asia/Tokyo }
steps:
  - id: first
    send: { channel: email, template: winback-1 }
  - { id: wait-1, wait: 1d }
`;

describe('races between runs, controls and events on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  const now = () => env.currentTimeMs();
  const outcome = async (workflowId: string) =>
    (await settledResult<{ outcome: string }>(env.client, workflowId)).outcome;
  const journal = async (journeyId: string, customerId: string) =>
    (await readJournal(world.store.models, { journeyId, customerId })).map((r) => `${r.stepId ?? '-'} ${r.action}`);
  const openLedgerRows = (journeyId: string, customerId: string) =>
    world.store.models.Entry.countDocuments({ journeyId, customerId, granted: true, outcome: null });

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-races',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  /** Starts a run while no worker runs: its entry claim has not landed when the head changes. */
  async function enterBeforeClaim(journeyId: string, customerId: string, event?: ReturnType<typeof testEvent>) {
    await createEmailCustomer(world.store.models, customerId);
    const entry = event ?? testEvent(`${customerId}-e`, 'cart.abandoned', await now());
    return enterJourney(world.runtime(), { journeyId, customerId, event: entry });
  }

  it('a run that started paused is released by a resume whose fan-out passed before its entry claim', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-race-resume'));
    await setJourneyStatus(world.store.models, plan.journeyId, 'paused');
    const run = await enterBeforeClaim(plan.journeyId, 'c-race-resume');
    // The resume's fan-out lists the ledger now, before the run's claim: it finds no run to signal.
    await setJourneyStatus(world.store.models, plan.journeyId, 'active');
    await (
      await world.worker()
    ).runUntil(async () => {
      await env.sleep(DAY + HOUR);
      const sent = await journal(plan.journeyId, 'c-race-resume');
      expect(sent).toContain('first sent');
      expect(await outcome(run.workflowId)).toBe('completed');
      recordHistory('resumed-before-claim', await env.client.workflow.getHandle(run.workflowId).fetchHistory());
    });
  });

  it('a run whose claim lands after an archive fan-out passed ends archived, not completed', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-race-archive'));
    const run = await enterBeforeClaim(plan.journeyId, 'c-race-archive');
    await setJourneyStatus(world.store.models, plan.journeyId, 'archived');
    await (
      await world.worker()
    ).runUntil(async () => {
      await env.sleep(DAY + HOUR);
      expect(await outcome(run.workflowId)).toBe('archived');
    });
    expect(await openLedgerRows(plan.journeyId, 'c-race-archive')).toBe(0);
  });

  it('an exit event that arrives with the start waits for the claim: entered, then exited, ledger row closed', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-race-exit'));
    const run = await enterBeforeClaim(plan.journeyId, 'c-race-exit');
    const exit = testEvent('c-race-exit-x', 'subscription.cancelled', await now());
    expect(
      await signalCustomerEvent(world.runtime(), { journeyId: plan.journeyId, customerId: 'c-race-exit', event: exit }),
    ).toBe('signalled');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await outcome(run.workflowId)).toBe('exited:subscription.cancelled');
      recordHistory('exit-before-claim', await env.client.workflow.getHandle(run.workflowId).fetchHistory());
    });
    expect(await journal(plan.journeyId, 'c-race-exit')).toEqual(['- entered', '- exited']);
    expect(await openLedgerRows(plan.journeyId, 'c-race-exit')).toBe(0);
  });

  it('an exit that arrives while the claim is out stops a first-step send: entered, exited, nothing sent', async () => {
    const { plan } = await publishTestJourney(world.store.models, sendFirst('t-race-first-send'));
    const run = await enterBeforeClaim(plan.journeyId, 'c-race-first-send');
    const exit = testEvent('c-race-first-send-x', 'subscription.cancelled', await now());
    const deps = world.runtime();
    expect(
      await signalCustomerEvent(deps, { journeyId: plan.journeyId, customerId: 'c-race-first-send', event: exit }),
    ).toBe('signalled');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await outcome(run.workflowId)).toBe('exited:subscription.cancelled');
      recordHistory('exit-before-first-send', await env.client.workflow.getHandle(run.workflowId).fetchHistory());
    });
    expect(await journal(plan.journeyId, 'c-race-first-send')).toEqual(['- entered', '- exited']);
    expect(await world.store.models.Delivery.countDocuments({ customerId: 'c-race-first-send' })).toBe(0);
    expect(await openLedgerRows(plan.journeyId, 'c-race-first-send')).toBe(0);
  });

  it('an order that came while the claim was out converts, though the claim read an archived head', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-race-order-archive'));
    const run = await enterBeforeClaim(plan.journeyId, 'c-race-order-archive');
    const order = testEvent('c-race-order-archive-o', 'order.completed', await now());
    const deps = world.runtime();
    await signalCustomerEvent(deps, { journeyId: plan.journeyId, customerId: 'c-race-order-archive', event: order });
    // Archived after the order, before the claim: the claim reads the archived head.
    await setJourneyStatus(world.store.models, plan.journeyId, 'archived');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await outcome(run.workflowId)).toBe('converted');
      recordHistory('order-before-archived-claim', await env.client.workflow.getHandle(run.workflowId).fetchHistory());
    });
    expect(await journal(plan.journeyId, 'c-race-order-archive')).toEqual(['- entered', '- converted', '- exited']);
  });

  it("counts an order placed 0.5 s after the entry event though the run's first task started 1.5 s after it", async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-race-moment'));
    const entryAt = (await now()) - 2_000;
    const run = await enterBeforeClaim(
      plan.journeyId,
      'c-race-moment',
      testEvent('c-race-moment-e', 'cart.abandoned', entryAt),
    );
    await (
      await world.worker()
    ).runUntil(async () => {
      await env.sleep(1_000);
      const order = testEvent('c-race-moment-o', 'order.completed', entryAt + 500);
      await signalCustomerEvent(world.runtime(), {
        journeyId: plan.journeyId,
        customerId: 'c-race-moment',
        event: order,
      });
      const result = await settledResult<{ outcome: string; conversion: { eventId: string } | null }>(
        env.client,
        run.workflowId,
      );
      expect(result.outcome).toBe('converted');
      expect(result.conversion?.eventId).toBe('c-race-moment-o');
    });
  });
  const oneSend = (id: string, entry: string) => `
journey: ${id}
name: ${id}
entry: { ${entry}, reentry: always }
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
`;

  it('an entry event routed again after its run ended does not get the stored grant again', async () => {
    const { plan } = await publishTestJourney(world.store.models, oneSend('t-reroute', 'event: cart.abandoned'));
    await createEmailCustomer(world.store.models, 'c-reroute');
    const deps = world.runtime();
    const entry = testEvent('c-reroute-e', 'cart.abandoned', await now());
    await (
      await world.worker()
    ).runUntil(async () => {
      const first = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-reroute', event: entry });
      expect(await outcome(first.workflowId)).toBe('completed');
      // The outbox delivers the same event again (at-least-once): a new run starts, and the ledger refuses it.
      const again = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-reroute', event: entry });
      expect(await outcome(again.workflowId)).toBe('reentry-denied');
    });
    expect((await journal(plan.journeyId, 'c-reroute')).filter((row) => row === 'hello sent')).toHaveLength(1);
  });

  it('a retried segment page does not enter a reentry: always journey twice', async () => {
    const { plan } = await publishTestJourney(world.store.models, oneSend('t-page', 'api: true'));
    await createEmailCustomer(world.store.models, 'c-page');
    const deps = world.runtime();
    const pass = { journeyId: plan.journeyId, customerId: 'c-page', event: null, entryKey: 'segment:1764000000000' };
    await (
      await world.worker()
    ).runUntil(async () => {
      const first = await enterJourney(deps, pass);
      expect(await outcome(first.workflowId)).toBe('completed');
      const retried = await enterJourney(deps, pass);
      expect(await outcome(retried.workflowId)).toBe('reentry-denied');
    });
    expect((await journal(plan.journeyId, 'c-page')).filter((row) => row === 'hello sent')).toHaveLength(1);
  });
});
