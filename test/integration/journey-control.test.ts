// Operator control and policies across runs on Temporal: pause/resume (also a pause whose signal is
// late), archive, the frequency cap raced by two journeys, holdout, and a year-long repeat that
// continues as new.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlJourney, endCustomerJourneys } from '../../runtime/control.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { isInHoldout } from '../../engine/index.js';
import { readJournal } from '../../store/journal.js';
import { setJourneyStatus } from '../../store/journeys.js';
import { KizunaCustomer, KizunaJourney } from '../../workflows/search-attributes.js';
import type { JourneyStateView } from '../../workflows/signals.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv, recordHistory } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney } from '../support/test-journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const twoSends = (id: string) => `
journey: ${id}
name: ${id}
entry: { api: true, reentry: always }
steps:
  - { id: wait-1, wait: 1d }
  - id: first
    send: { channel: email, template: winback-1 }
  - { id: wait-2, wait: 1d }
  - id: second
    send: { channel: email, template: winback-coupon }
`;

describe('controlling journeys on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  const outcome = async (workflowId: string) =>
    (await settledResult<{ outcome: string }>(env.client, workflowId)).outcome;
  const sentSteps = async (journeyId: string, customerId: string) =>
    (await readJournal(world.store.models, { journeyId, customerId }))
      .filter((r) => r.action === 'sent')
      .map((r) => r.stepId);
  const state = (workflowId: string) => env.client.workflow.getHandle(workflowId).query<JourneyStateView>('state');
  /** Lets the control fan-out and the runs' reactions finish without moving the clock much. */
  const settle = () => env.sleep(1_000);
  /** How long a check waits for what a run does in wall time (an activity), not on the skipped clock. */
  const POLL = { timeout: 20_000, interval: 200 };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-control',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  it('pause holds every customer before the next send (waits keep running); resume releases them', async () => {
    const { plan } = await publishTestJourney(world.store.models, twoSends('t-pause'));
    const customers = ['c-pause-1', 'c-pause-2', 'c-pause-3'];
    for (const c of customers) await createEmailCustomer(world.store.models, c);
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const runs = [];
      for (const customerId of customers)
        runs.push(await enterJourney(deps, { journeyId: plan.journeyId, customerId, event: null }));
      await env.sleep(HOUR);
      await controlJourney(deps, { journeyId: plan.journeyId, action: 'pause' });
      await settle();
      await env.sleep(3 * DAY);
      for (const run of runs) {
        expect(await state(run.workflowId)).toMatchObject({ stepId: 'first', stage: 'hold', paused: true });
      }
      for (const c of customers) expect(await sentSteps(plan.journeyId, c)).toEqual([]);
      await controlJourney(deps, { journeyId: plan.journeyId, action: 'resume' });
      // The released sends finish in wall time: on a loaded machine, after more than one settle.
      for (const c of customers) await expect.poll(() => sentSteps(plan.journeyId, c), POLL).toEqual(['first']);
      await env.sleep(DAY + HOUR);
      for (const run of runs) expect(await outcome(run.workflowId)).toBe('completed');
      // A pause, a send held by it, and the resume that released it.
      recordHistory('paused-held-resumed', await env.client.workflow.getHandle(runs[0]!.workflowId).fetchHistory());
    });
    for (const c of customers) expect(await sentSteps(plan.journeyId, c)).toEqual(['first', 'second']);
  });

  it('a pause whose signal has not arrived still holds the send (the send re-reads the status)', async () => {
    const { plan } = await publishTestJourney(world.store.models, twoSends('t-late-pause'));
    await createEmailCustomer(world.store.models, 'c-late');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const run = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-late', event: null });
      await env.sleep(HOUR);
      // The head says paused; no signal was sent.
      await setJourneyStatus(world.store.models, plan.journeyId, 'paused');
      await env.sleep(DAY);
      expect(await state(run.workflowId)).toMatchObject({ stepId: 'first', stage: 'hold' });
      expect(await sentSteps(plan.journeyId, 'c-late')).toEqual([]);
      await controlJourney(deps, { journeyId: plan.journeyId, action: 'resume' });
      await expect.poll(() => sentSteps(plan.journeyId, 'c-late'), POLL).toEqual(['first']);
      await env.sleep(DAY + HOUR);
      expect(await outcome(run.workflowId)).toBe('completed');
    });
    const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: 'c-late' });
    expect(journal.map((r) => [r.stepId, r.action, r.reason])).toContainEqual(['first', 'held', 'paused']);
  });

  it('archive ends every running customer with outcome archived; later entries are refused', async () => {
    const { plan } = await publishTestJourney(world.store.models, twoSends('t-archive'));
    await createEmailCustomer(world.store.models, 'c-arch-1');
    await createEmailCustomer(world.store.models, 'c-arch-2');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const a = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-arch-1', event: null });
      const b = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-arch-2', event: null });
      await env.sleep(HOUR);
      await controlJourney(deps, { journeyId: plan.journeyId, action: 'archive' });
      expect(await outcome(a.workflowId)).toBe('archived');
      expect(await outcome(b.workflowId)).toBe('archived');
      const later = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-arch-1', event: null });
      expect(later.status).toBe('inactive');
      recordHistory('archived', await env.client.workflow.getHandle(a.workflowId).fetchHistory());
    });
    expect(await sentSteps(plan.journeyId, 'c-arch-1')).toEqual([]);
  });

  it('erasure ends every running journey of the customer and forgets their ledger rows', async () => {
    const a = await publishTestJourney(world.store.models, twoSends('t-erase-a'));
    const b = await publishTestJourney(world.store.models, twoSends('t-erase-b'));
    await createEmailCustomer(world.store.models, 'c-erase');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const runs = [];
      for (const { plan } of [a, b]) {
        runs.push(await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-erase', event: null }));
      }
      await settle();
      expect(await endCustomerJourneys(deps, { customerId: 'c-erase' })).toBe(2);
      for (const run of runs) {
        expect((await env.client.workflow.getHandle(run.workflowId).describe()).status.name).toBe('TERMINATED');
      }
      expect(await endCustomerJourneys(deps, { customerId: 'c-erase' })).toBe(0);
    });
    expect(await world.store.models.Entry.countDocuments({ customerId: 'c-erase' })).toBe(0);
  });

  it('a customer erased and created again under the same id, entering on the same event, is a new entry', async () => {
    const { plan } = await publishTestJourney(
      world.store.models,
      twoSends('t-erase-again').replace('reentry: always', 'reentry: never'),
    );
    const event = { id: 'order-77', type: 'order.completed', timeMs: Date.UTC(2026, 10, 2), properties: {} };
    await createEmailCustomer(world.store.models, 'c-again');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const first = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-again', event });
      await settle();
      expect((await state(first.workflowId)).status).toBe('active');
      expect(await endCustomerJourneys(deps, { customerId: 'c-again' })).toBe(1);
      await world.store.models.Customer.deleteOne({ customerId: 'c-again' });

      await createEmailCustomer(world.store.models, 'c-again');
      const second = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-again', event });
      expect(second.status).toBe('entered');
      await settle();
      // The run was granted (not refused by the erased customer's "never"), and a second erasure finds it.
      expect((await state(second.workflowId)).status).toBe('active');
      expect(await world.store.models.Entry.countDocuments({ customerId: 'c-again', granted: true })).toBe(1);
      expect(await endCustomerJourneys(deps, { customerId: 'c-again' })).toBe(1);
      expect((await env.client.workflow.getHandle(second.workflowId).describe()).status.name).toBe('TERMINATED');
    });
  });

  it('two journeys racing for the last cap slot: exactly one sends', async () => {
    const capped = (id: string, template: string) => `
journey: ${id}
name: ${id}
entry: { api: true, reentry: always }
policy: { timezone: Asia/Tokyo, frequency_cap: { max: 1, per: 7d, over: skip } }
steps:
  - id: hello
    send: { channel: email, template: ${template} }
`;
    const a = await publishTestJourney(world.store.models, capped('t-cap-a', 'winback-1'));
    const b = await publishTestJourney(world.store.models, capped('t-cap-b', 'winback-coupon'));
    const address = await createEmailCustomer(world.store.models, 'c-cap');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime();
      const runs = await Promise.all(
        [a, b].map(({ plan }) => enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-cap', event: null })),
      );
      for (const run of runs) expect(await outcome(run.workflowId)).toBe('completed');
      recordHistory('cap-race', await env.client.workflow.getHandle(runs[0]!.workflowId).fetchHistory());
    });
    const rows = [
      ...(await readJournal(world.store.models, { journeyId: 't-cap-a', customerId: 'c-cap' })),
      ...(await readJournal(world.store.models, { journeyId: 't-cap-b', customerId: 'c-cap' })),
    ].filter((r) => r.stepId === 'hello');
    expect(rows.map((r) => [r.action, r.reason]).sort()).toEqual([
      ['sent', null],
      ['skipped', 'frequency-cap'],
    ]);
    expect(world.smtp.mails.filter((m) => m.to.includes(address))).toHaveLength(1);
  });

  it('holdout customers walk the journey and receive nothing', async () => {
    const { plan } = await publishTestJourney(
      world.store.models,
      `
journey: t-holdout
name: holdout
entry: { api: true }
holdout: 50%
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
`,
    );
    // The holdout is a stable hash of journey and customer: pick one customer on each side.
    const ids = Array.from({ length: 40 }, (_, i) => `c-holdout-${i}`);
    const held = ids.find((id) => isInHoldout(plan.journeyId, id, 50))!;
    const reached = ids.find((id) => !isInHoldout(plan.journeyId, id, 50))!;
    const heldAddress = await createEmailCustomer(world.store.models, held);
    const reachedAddress = await createEmailCustomer(world.store.models, reached);
    await (
      await world.worker()
    ).runUntil(async () => {
      for (const [customerId, expected] of [
        [held, 'holdout'],
        [reached, 'completed'],
      ] as const) {
        const run = await enterJourney(world.runtime(), { journeyId: plan.journeyId, customerId, event: null });
        expect(await outcome(run.workflowId)).toBe(expected);
      }
    });
    const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: held });
    expect(journal.map((r) => [r.stepId, r.action, r.reason])).toEqual([
      [null, 'entered', 'holdout'],
      ['hello', 'skipped', 'holdout'],
      [null, 'completed', 'holdout'],
    ]);
    expect(world.smtp.mails.filter((m) => m.to.includes(heldAddress))).toHaveLength(0);
    expect(world.smtp.mails.filter((m) => m.to.includes(reachedAddress))).toHaveLength(1);
  });

  it('a weekly repeat over a simulated year continues as new and sends 52 times, once each', async () => {
    const { plan } = await publishTestJourney(
      world.store.models,
      `
journey: t-year
name: year
entry: { api: true }
steps:
  - id: weekly
    repeat: { times: 52, every: 7d, until: { event: customer.unsubscribed } }
    steps:
      - id: letter
        send: { channel: email, template: winback-1 }
`,
    );
    const address = await createEmailCustomer(world.store.models, 'c-year');
    await (
      await world.worker()
    ).runUntil(async () => {
      const deps = world.runtime({ historyBound: 150 });
      const run = await enterJourney(deps, { journeyId: plan.journeyId, customerId: 'c-year', event: null });
      const handle = env.client.workflow.getHandle(run.workflowId);
      const firstRunId = (await handle.describe()).runId;
      // A year passes while the test waits (in real time: the server skips time while nothing is due).
      await env.sleep(366 * DAY);
      expect(await outcome(run.workflowId)).toBe('completed');
      const last = await handle.describe();
      // The chain continued as new: the last run is not the first, and it is still findable.
      expect(last.runId).not.toBe(firstRunId);
      expect(last.historyLength).toBeLessThan(300);
      expect(last.typedSearchAttributes.get(KizunaJourney)).toBe('t-year');
      expect(last.typedSearchAttributes.get(KizunaCustomer)).toBe('c-year');
      const first = await env.client.workflow.getHandle(run.workflowId, firstRunId).fetchHistory();
      recordHistory('repeat-continued-as-new', first);
      // The second run of the chain starts from carried state, not from an entry: replayed too.
      const secondRunId = first.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      expect(secondRunId).toBeTruthy();
      recordHistory(
        'repeat-continued-as-new.second-run',
        await env.client.workflow.getHandle(run.workflowId, secondRunId!).fetchHistory(),
      );
    });
    const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: 'c-year' });
    expect(journal.filter((r) => r.action === 'sent')).toHaveLength(52);
    expect(new Set(journal.map((r) => r.rowId)).size).toBe(journal.length);
    expect(world.smtp.mails.filter((m) => m.to.includes(address))).toHaveLength(52);
  });
});
