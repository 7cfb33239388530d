// The worker process is SIGKILLed while 50 journeys are sending (email, then LINE through the stand-in);
// a new worker process takes over. Every customer gets each message exactly once: counted in the SMTP
// capture, the stand-in's record, the delivery ledger and the journal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { publishTestJourney } from '../support/test-journeys.js';
import {
  EXACTLY_ONCE,
  countSends,
  createCustomers,
  emailThenLine,
  killWorker,
  startProcessWorld,
  type ProcessWorld,
} from '../support/worker-process.js';

const CUSTOMERS = 50;
/** Sends (of 100) delivered when the worker is killed: the rest are in flight or not yet started. */
const KILL_AFTER_SENDS = 30;

describe('a worker killed in the middle of sends', () => {
  let world: ProcessWorld;

  beforeAll(async () => {
    world = await startProcessWorld(import.meta.filename);
  });

  afterAll(async () => {
    await world?.close();
  });

  it('SIGKILL during the sends of 50 journeys, then a new worker: each message exactly once', async () => {
    const { plan } = await publishTestJourney(world.store.models, emailThenLine('crash-sends', null));
    const customers = await createCustomers(world.store, 'crash', CUSTOMERS);
    const delivered = () => world.smtp.mails.length + world.line.pushes.length;

    const first = await world.startWorker('first worker');
    const workflowIds: string[] = [];
    for (const customerId of customers) {
      const entered = await enterJourney(world.runtime, { journeyId: plan.journeyId, customerId, event: null });
      expect(entered.status).toBe('entered');
      workflowIds.push(entered.workflowId);
    }
    const deadline = Date.now() + 120_000;
    while (delivered() < KILL_AFTER_SENDS) {
      if (Date.now() > deadline) throw new Error(`only ${delivered()} sends after 2 minutes:\n${first.tail().join('\n')}`);
      await new Promise((ok) => setTimeout(ok, 10));
    }
    await killWorker(first);
    const atKill = delivered();
    const claimedAtKill = await world.store.models.Delivery.countDocuments({ status: 'pending' });
    // The kill fell in the middle: some sends were done, others not yet.
    expect(atKill).toBeLessThan(2 * CUSTOMERS);

    const second = await world.startWorker('second worker');
    const results = await Promise.all(
      workflowIds.map((id) => world.client.workflow.getHandle(id).result() as Promise<{ outcome: string }>),
    );
    expect(results.map((r) => r.outcome)).toEqual(customers.map(() => 'completed'));
    expect(second.child.exitCode).toBeNull();

    const counts = await countSends(world, plan.journeyId, customers);
    expect(counts).toEqual(Object.fromEntries(customers.map((c) => [c, EXACTLY_ONCE])));
    expect(await world.store.models.Delivery.countDocuments({ status: { $ne: 'sent' } })).toBe(0);
    console.log(JSON.stringify({ worker_crash: { sendsAtKill: atKill, ledgerRowsPendingAtKill: claimedAtKill } }));
  }, 420_000);
});
