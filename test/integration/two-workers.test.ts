// Two worker processes on one task queue run 200 journeys (email, a short wait, LINE): both take part,
// and every customer gets each message exactly once — no duplicate, no lost send — in the SMTP capture,
// the LINE stand-in's record, the delivery ledger and the journal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTestJourney } from '../support/test-journeys.js';
import {
  EXACTLY_ONCE,
  countSends,
  createCustomers,
  emailThenLine,
  enterAll,
  startProcessWorld,
  type ProcessWorld,
} from '../support/worker-processes.js';

const CUSTOMERS = 200;

describe('two workers on one task queue', () => {
  let world: ProcessWorld;

  beforeAll(async () => {
    world = await startProcessWorld(import.meta.filename);
  });

  afterAll(async () => {
    await world?.close();
  });

  it('run 200 journeys: no duplicate, no lost send', async () => {
    const { plan } = await publishTestJourney(world.store.models, emailThenLine('two-workers', '2s'));
    const customers = await createCustomers(world.store, 'pair', CUSTOMERS);
    const workers = await Promise.all([world.startWorker('worker a'), world.startWorker('worker b')]);

    const workflowIds = await enterAll(world, plan.journeyId, customers);
    const results = await Promise.all(
      workflowIds.map((id) => world.client.workflow.getHandle(id).result() as Promise<{ outcome: string }>),
    );
    expect(results.map((r) => r.outcome)).toEqual(customers.map(() => 'completed'));

    const { counts, smtpTransmissions } = await countSends(world, plan.journeyId, customers);
    expect(counts).toEqual(Object.fromEntries(customers.map((c) => [c, EXACTLY_ONCE])));
    // Nobody crashed: not even a resend under the same Message-ID.
    expect(smtpTransmissions).toEqual(Object.fromEntries(customers.map((c) => [c, 1])));
    expect(world.smtp.mails).toHaveLength(CUSTOMERS);
    expect(world.line.pushes).toHaveLength(CUSTOMERS);
    expect(await world.store.models.Delivery.countDocuments({ status: { $ne: 'sent' } })).toBe(0);

    // Both workers did part of the work (the identity of a worker is `<pid>@<host>`).
    const identities = new Map<string, number>();
    for (const id of workflowIds) {
      const history = await world.client.workflow.getHandle(id).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.set(identity, (identities.get(identity) ?? 0) + 1);
      }
    }
    const byWorker = workers.map((w) =>
      [...identities].filter(([identity]) => identity.startsWith(`${w.child.pid}@`)).reduce((n, [, k]) => n + k, 0),
    );
    expect(byWorker.every((n) => n > 0)).toBe(true);
    console.log(JSON.stringify({ two_workers: { activitiesByWorker: byWorker } }));
  }, 420_000);
});
