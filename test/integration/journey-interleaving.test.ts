// Random interleavings (fast-check, fixed seed) of entries, keyed entries, events, pauses, resumes,
// archives, publishes and worker restarts over several customers, on the time-skipping server. After
// each sequence: no message went out while its journey was paused or archived; every run ended or
// waits with a reason; each granted entry has one ledger row, closed once its run ended; each run
// counted at most one conversion.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlJourney } from '../../runtime/control.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import type { JourneyStatus } from '../../store/journeys.js';
import type { JourneyStateView } from '../../workflows/signals.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A delivery checks the head a moment before its answer is journaled. */
const SLACK = MINUTE;

const CUSTOMERS = ['a', 'b', 'c'];
const SEMINARS = ['s1', 's2'];

const cartJourney = (id: string, name: string) => `
journey: ${id}
name: ${name}
entry: { event: cart.abandoned, reentry: always }
exit:
  - { on: order.completed, goal: true, window: 3d }
steps:
  - { id: wait-1, wait: 1h }
  - id: first
    send: { channel: email, template: winback-1 }
  - { id: wait-2, wait: 1d }
  - id: second
    send: { channel: email, template: winback-coupon }
`;

const seminarJourney = (id: string, name: string) => `
journey: ${id}
name: ${name}
entry: { event: seminar.registered, key: seminarId, reentry: always }
exit:
  - on: seminar.cancelled
goals:
  - { on: order.completed }
steps:
  - { id: wait-1, wait: 2h }
  - id: reminder
    send: { channel: email, template: winback-1 }
`;

type Which = 'cart' | 'seminar';
type Action =
  | { kind: 'enter'; customer: string }
  | { kind: 'enter-keyed'; customer: string; seminar: string }
  | { kind: 'order'; customer: string }
  | { kind: 'cancel'; customer: string; seminar: string }
  | { kind: 'pause' | 'resume' | 'archive' | 'publish'; journey: Which }
  | { kind: 'sleep'; ms: number }
  | { kind: 'restart' };

const customer = fc.constantFrom(...CUSTOMERS);
const seminar = fc.constantFrom(...SEMINARS);
const journey = fc.constantFrom<Which>('cart', 'seminar');
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: customer.map((c) => ({ kind: 'enter' as const, customer: c })) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('enter-keyed' as const), customer, seminar }) },
  { weight: 2, arbitrary: customer.map((c) => ({ kind: 'order' as const, customer: c })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), customer, seminar }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('pause' as const, 'resume' as const), journey }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('archive' as const, 'publish' as const), journey }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(10 * MINUTE, 90 * MINUTE, DAY).map((ms) => ({ kind: 'sleep' as const, ms })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

describe('interleavings of entries, events, controls and restarts on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  let round = 0;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-interleaving',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  /** Plays one sequence on fresh journeys and customers, then checks the invariants on the last worker (queries need one). */
  async function play(actions: Action[]): Promise<void> {
    round += 1;
    const ids = { cart: `t-mix-cart-${round}`, seminar: `t-mix-seminar-${round}` };
    const yaml = { cart: cartJourney, seminar: seminarJourney };
    for (const which of ['cart', 'seminar'] as const)
      await publishTestJourney(world.store.models, yaml[which](ids[which], 'v1'));
    const customerId = (c: string) => `mix-${round}-${c}`;
    for (const c of CUSTOMERS) await createEmailCustomer(world.store.models, customerId(c));
    const statuses: { [id: string]: { atMs: number; status: JourneyStatus }[] } = { [ids.cart]: [], [ids.seminar]: [] };
    const workflowIds = new Set<string>();
    const deps = world.runtime();
    let seq = 0;
    const event = async (type: string, properties: Record<string, string> = {}) =>
      testEvent(`mix-${round}-${(seq += 1)}`, type, await env.currentTimeMs(), properties);
    const STATUS = { pause: 'paused', resume: 'active', archive: 'archived' } as const;
    const run = async (a: Action) => {
      switch (a.kind) {
        case 'enter':
        case 'enter-keyed': {
          const keyed = a.kind === 'enter-keyed';
          const e = keyed ? await event('seminar.registered', { seminarId: a.seminar }) : await event('cart.abandoned');
          const journeyId = keyed ? ids.seminar : ids.cart;
          const result = await enterJourney(deps, { journeyId, customerId: customerId(a.customer), event: e });
          if (result.status === 'entered') workflowIds.add(result.workflowId);
          return;
        }
        case 'order':
          for (const journeyId of [ids.cart, ids.seminar])
            await signalCustomerEvent(deps, {
              journeyId,
              customerId: customerId(a.customer),
              event: await event('order.completed'),
            });
          return;
        case 'cancel': {
          const e = await event('seminar.cancelled', { seminarId: a.seminar });
          await signalCustomerEvent(deps, { journeyId: ids.seminar, customerId: customerId(a.customer), event: e });
          return;
        }
        case 'pause':
        case 'resume':
        case 'archive': {
          const journeyId = ids[a.journey];
          const history = statuses[journeyId] ?? [];
          // Archived is final: the operator cannot pause or resume it again.
          if (history.at(-1)?.status === 'archived') return;
          await controlJourney(deps, { journeyId, action: a.kind });
          history.push({ atMs: await env.currentTimeMs(), status: STATUS[a.kind] });
          return;
        }
        case 'publish':
          await publishTestJourney(world.store.models, yaml[a.journey](ids[a.journey], `v${(seq += 1)}`));
          return;
        case 'sleep':
          await env.sleep(a.ms);
          return;
        case 'restart':
          return;
      }
    };
    // A restart ends the current worker; the next actions run on a new one.
    const chunks: Action[][] = [[]];
    for (const a of actions) {
      if (a.kind === 'restart') chunks.push([]);
      else chunks.at(-1)?.push(a);
    }
    for (const [i, chunk] of chunks.entries()) {
      await (
        await world.worker()
      ).runUntil(async () => {
        for (const a of chunk) await run(a);
        // The last worker lets every run settle (held runs re-check, waits end), then checks.
        if (i < chunks.length - 1) return;
        await env.sleep(3 * DAY);
        await checkInvariants({ ids, statuses, workflowIds });
      });
    }
  }

  async function checkInvariants(played: {
    ids: { cart: string; seminar: string };
    statuses: { [id: string]: { atMs: number; status: JourneyStatus }[] };
    workflowIds: Set<string>;
  }) {
    const { models } = world.store;
    for (const journeyId of Object.values(played.ids)) {
      const history = played.statuses[journeyId] ?? [];
      const statusAt = (t: number) => history.filter((h) => h.atMs <= t).at(-1)?.status ?? 'active';
      const rows = await models.JournalRow.find(
        { journeyId },
        { _id: 0, rowId: 1, action: 1, at: 1, workflowId: 1 },
      ).lean();
      // No send while paused or after archive (a delivery that checked the head just before is allowed).
      for (const row of rows.filter((r) => r.action === 'sent')) {
        const t = row.at.getTime();
        expect({ row: row.rowId, blocked: statusAt(t) !== 'active' && statusAt(t - SLACK) !== 'active' }).toEqual({
          row: row.rowId,
          blocked: false,
        });
      }
      // Each run (chain) counts at most one conversion.
      const conversions = new Map<string, number>();
      for (const row of rows.filter((r) => r.action === 'converted')) {
        const chain = row.rowId.split('/').slice(0, -1).join('/');
        conversions.set(chain, (conversions.get(chain) ?? 0) + 1);
      }
      for (const [chain, count] of conversions) expect({ chain, count }).toEqual({ chain, count: 1 });
      // Each granted entry: one ledger row, closed when its run has ended.
      const entries = await models.Entry.find(
        { journeyId, granted: true },
        { _id: 0, workflowId: 1, runId: 1, outcome: 1 },
      ).lean();
      const byRun = new Map<string, number>();
      for (const e of entries) byRun.set(String(e.runId), (byRun.get(String(e.runId)) ?? 0) + 1);
      for (const [runId, count] of byRun) expect({ runId, count }).toEqual({ runId, count: 1 });
      for (const e of entries) {
        const description = await env.client.workflow.getHandle(String(e.workflowId), String(e.runId)).describe();
        const running = description.status.name === 'RUNNING' || description.status.name === 'CONTINUED_AS_NEW';
        expect({ run: e.runId, status: description.status.name, closed: e.outcome !== null }).toEqual({
          run: e.runId,
          status: description.status.name,
          closed: !running,
        });
      }
    }
    // Every run ended, or waits for something it names.
    for (const workflowId of played.workflowIds) {
      const handle = env.client.workflow.getHandle(workflowId);
      if ((await handle.describe()).status.name !== 'RUNNING') continue;
      const view = await handle.query<JourneyStateView>('state');
      expect({ workflowId, waits: view.waitingFor.length > 0 }).toEqual({ workflowId, waits: true });
    }
  }

  it('keeps every invariant under random interleavings (fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 6, maxLength: 16 }), async (actions) => {
        await play(actions);
      }),
      { seed: 1512, numRuns: 4, endOnFailure: true },
    );
  }, 600_000);
});
