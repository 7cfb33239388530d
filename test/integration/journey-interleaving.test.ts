// Random sequences (fast-check) of entries, keyed entries, events, pauses, resumes, archives, publishes
// and worker restarts (replays) over six customers and two journeys, on the time-skipping server. After each
// sequence the invariants of test/support/interleaving-checks.ts hold, and each run's journal is the
// simulator's for the same inputs. The seed is printed on failure: KIZUNA_INTERLEAVE_SEED=<seed>
// replays it (KIZUNA_INTERLEAVE_RUNS sets how many sequences).
//
// A `restart` does what a new worker does with every run it picks up: once the worker holds nothing
// in flight, each run's history so far is replayed against the workflow code, which must reach the
// same commands. It cannot stop the worker: the time-skipping server keeps sending a run's tasks to the
// sticky queue of the worker that last ran it (it has no sticky timeout and no ResetStickyTaskQueue),
// so a stopped worker's runs never run again and their unstarted task locks the server's clock (every
// later sleep hangs: the cause of the earlier 600 s timeouts); and one process cannot hold two workers
// on one task queue. The worker stops once every run of the sequence has ended. Restarts that kill a
// worker mid-send run on the dev server (worker-crash, two-workers).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlJourney, controlWorkflowId } from '../../runtime/control.js';
import { enterJourney } from '../../runtime/enter-journey.js';
import { signalCustomerEvent } from '../../runtime/signal.js';
import { checkInvariants, type Played } from '../support/interleaving-checks.js';
import { CUSTOMERS, DAY, JOURNEYS, action, interleaveSeed, type Action } from '../support/interleaving.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { waitUntilQuiet } from '../support/quiescence.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const SEED = interleaveSeed();
const RUNS = Number(process.env.KIZUNA_INTERLEAVE_RUNS ?? 30);
const CONTROL = { pause: 'pause', resume: 'resume', archive: 'archive' } as const;

describe('interleavings of entries, events, controls and restarts on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  let round = 0;
  // `early`: runs that took an event or a control while their entry claim was out.
  const totals = { sequences: 0, actions: 0, runs: 0, early: 0, restarts: 0 };

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

  /**
   * The time of an input: the server's clock, one millisecond past the last input at least, so inputs
   * keep their order in time (the simulator orders them by it).
   */
  let lastStamp = 0;
  async function stamp(): Promise<number> {
    lastStamp = Math.max(lastStamp + 1, await env.currentTimeMs());
    return lastStamp;
  }

  /** Plays one sequence on fresh journeys and customers, checks it, then ends every run and stops its workers. */
  async function play(actions: Action[]): Promise<void> {
    round += 1;
    const ids = { cart: `t-mix-cart-${round}`, seminar: `t-mix-seminar-${round}` };
    const sources = { cart: JOURNEYS.cart(ids.cart, 'v1'), seminar: JOURNEYS.seminar(ids.seminar, 'v1') };
    for (const which of ['cart', 'seminar'] as const) await publishTestJourney(world.store.models, sources[which]);
    const customerId = (c: string) => `mix-${round}-${c}`;
    for (const c of CUSTOMERS) await createEmailCustomer(world.store.models, customerId(c));
    const played: Played = { ids, controls: { cart: [], seminar: [] }, runs: [], events: [], endMs: 0 };
    const worker = await world.worker();
    const running = worker.run();
    const fresh: string[] = [];
    try {
      for (const a of actions) await perform(a, { ids, sources, customerId, played, fresh });
      // Every run settles (held runs re-check, waits end), then the checks.
      await env.sleep(3 * DAY);
      played.endMs = await env.currentTimeMs();
      const checked = await checkInvariants(env.client, world.store.models, played);
      totals.runs += checked.runs;
      totals.early += checked.early;
      totals.sequences += 1;
      totals.actions += actions.length;
      totals.restarts += actions.filter((a) => a.kind === 'restart').length;
    } finally {
      await endSequence(ids, played, worker, running);
    }
  }

  async function perform(
    a: Action,
    ctx: {
      ids: Record<'cart' | 'seminar', string>;
      sources: Record<'cart' | 'seminar', string>;
      customerId: (c: string) => string;
      played: Played;
      /** The run the previous action started, if any (its entry may still be under way). */
      fresh: string[];
    },
  ): Promise<void> {
    const { ids, sources, played } = ctx;
    const deps = world.runtime();
    // Each input meets runs that finished their last task (a send answered, a timer taken), as the
    // simulator's instant answers assume — except the run the previous action started: its entry claim
    // may still be out, and what it took before its first step is read from its history (entry-inputs).
    const fresh = ctx.fresh.splice(0);
    if (a.kind !== 'sleep') {
      const settled = played.runs.map((r) => r.workflowId).filter((id) => !fresh.includes(id));
      await waitUntilQuiet(env.client, new Set(settled));
    }
    const event = async (type: string, properties: Record<string, string> = {}) =>
      testEvent(`mix-${round}-${played.events.length + played.runs.length}-${type}`, type, await stamp(), properties);
    switch (a.kind) {
      case 'enter':
      case 'enter-keyed': {
        const which = a.kind === 'enter' ? 'cart' : 'seminar';
        const key = a.kind === 'enter' ? null : a.seminar;
        const e = key === null ? await event('cart.abandoned') : await event('seminar.registered', { seminarId: key });
        const customerId = ctx.customerId(a.customer);
        const result = await enterJourney(deps, { journeyId: ids[which], customerId, event: e });
        if (result.status === 'signalled') played.events.push({ journey: which, customerId, key, event: e });
        if (result.status !== 'entered') return;
        const { runId } = await env.client.workflow.getHandle(result.workflowId).describe();
        ctx.fresh.push(result.workflowId);
        const source = sources[which];
        played.runs.push({
          journey: which,
          workflowId: result.workflowId,
          runId,
          customerId,
          key,
          entryEvent: e,
          source,
        });
        return;
      }
      case 'order':
      case 'register-and-order': {
        if (a.kind === 'register-and-order') await perform({ ...a, kind: 'enter-keyed' }, ctx);
        // After a registration the order goes at once, to the seminar first: it meets the run while its
        // entry claim is likely still out (an event without the key must still reach it).
        const journeys = a.kind === 'order' ? (['cart', 'seminar'] as const) : (['seminar', 'cart'] as const);
        const customerId = ctx.customerId(a.customer);
        for (const which of journeys) {
          const e = await event('order.completed');
          played.events.push({ journey: which, customerId, key: null, event: e });
          await signalCustomerEvent(deps, { journeyId: ids[which], customerId, event: e });
        }
        return;
      }
      case 'cancel': {
        const customerId = ctx.customerId(a.customer);
        const e = await event('seminar.cancelled', { seminarId: a.seminar });
        played.events.push({ journey: 'seminar', customerId, key: a.seminar, event: e });
        await signalCustomerEvent(deps, { journeyId: ids.seminar, customerId, event: e });
        return;
      }
      case 'pause':
      case 'resume':
      case 'archive': {
        const controls = played.controls[a.journey];
        // Archived is final: the operator cannot pause or resume it again.
        if (controls.at(-1)?.type === 'archive') return;
        await controlJourney(deps, { journeyId: ids[a.journey], action: a.kind });
        controls.push({ type: CONTROL[a.kind], atMs: await stamp() });
        // The next action waits for this fan-out: a newer one would terminate it with its activity in
        // flight, which leaves the time-skipping server's clock running at wall-clock pace.
        await waitUntilQuiet(env.client, [controlWorkflowId(ids[a.journey])]);
        return;
      }
      case 'publish': {
        // Same steps, a new version: runs going stay on theirs, new ones pin this one.
        sources[a.journey] = JOURNEYS[a.journey](ids[a.journey], `v${played.runs.length + played.events.length}`);
        await publishTestJourney(world.store.models, sources[a.journey]);
        return;
      }
      case 'sleep':
        await env.sleep(a.ms);
        return;
      case 'restart':
        await replayRuns(played);
        return;
    }
  }

  /** Replays every run's history so far against the workflow code, as a new worker would on picking it up. */
  async function replayRuns(played: Played): Promise<void> {
    const workflowIds = [...new Set(played.runs.map((r) => r.workflowId))];
    await waitUntilQuiet(env.client, workflowIds);
    const histories = await Promise.all(
      workflowIds.map(async (workflowId) => ({
        workflowId,
        history: await env.client.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code: world.bundleCode } }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  }

  /** Archives both journeys, waits until no run of the sequence is busy, then stops the worker. */
  async function endSequence(
    ids: Record<'cart' | 'seminar', string>,
    played: Played,
    worker: Worker,
    running: Promise<void>,
  ): Promise<void> {
    const deps = world.runtime();
    for (const which of ['cart', 'seminar'] as const) {
      if (played.controls[which].at(-1)?.type !== 'archive')
        await controlJourney(deps, { journeyId: ids[which], action: 'archive' });
    }
    const all = [
      `kizuna-control/${ids.cart}`,
      `kizuna-control/${ids.seminar}`,
      ...new Set(played.runs.map((r) => r.workflowId)),
    ];
    await waitUntilQuiet(env.client, all, 60_000);
    worker.shutdown();
    await running;
  }

  it('keeps every invariant under random interleavings, and the runtime equals the simulator', async () => {
    const started = Date.now();
    const result = await fc.check(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 30 }), async (actions) => {
        await play(actions);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (result.failed) {
      const replay = `KIZUNA_INTERLEAVE_SEED=${SEED} (path ${result.counterexamplePath ?? '-'})`;
      console.error(`interleaving failed; replay with ${replay}: ${JSON.stringify(result.counterexample)}`);
      throw result.errorInstance instanceof Error ? result.errorInstance : new Error(String(result.errorInstance));
    }
    console.log(`interleavings: seed ${SEED}, ${JSON.stringify(totals)}, ${Date.now() - started} ms`);
    expect(totals.sequences).toBe(RUNS);
    expect(totals.runs).toBeGreaterThan(RUNS);
  }, 600_000);
});
