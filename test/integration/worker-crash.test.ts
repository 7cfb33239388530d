// The worker process is SIGKILLed while 50 journeys are sending (email, then LINE through the stand-in);
// a new worker process takes over. Every customer gets each message exactly once: counted in the SMTP
// capture (by Message-ID), the stand-in's record, the delivery ledger and the journal. The kill comes
// right after the SMTP server accepted a message, the moment SMTP cannot make exactly-once: a message
// accepted while its ledger row was still pending may reach the server again, under the same Message-ID
// (docs/delivery.md, "The window in which SMTP can still duplicate"), and no other message may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { publishTestJourney } from '../support/test-journeys.js';
import {
  EXACTLY_ONCE,
  countSends,
  createCustomers,
  emailThenLine,
  emailsInDoubt,
  killWorker,
  startProcessWorld,
  type ProcessWorld,
} from '../support/worker-processes.js';

const CUSTOMERS = 50;
/** Emails (of 50) accepted by the SMTP server when the worker is killed. */
const KILL_AFTER_EMAILS = 20;

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
    while (world.smtp.mails.length < KILL_AFTER_EMAILS) {
      if (Date.now() > deadline)
        throw new Error(`only ${delivered()} sends after 2 minutes:\n${first.tail().join('\n')}`);
      // Checked on every turn of the event loop: the kill follows the server's 250 closely.
      await new Promise((ok) => setImmediate(ok));
    }
    await killWorker(first);
    const atKill = { emails: world.smtp.mails.length, linePushes: world.line.pushes.length };
    // A message whose data had fully arrived is parsed and kept a moment after the kill.
    await new Promise((ok) => setTimeout(ok, 500));
    const inDoubt = await emailsInDoubt(world, plan.journeyId);
    const pendingAtKill = await world.store.models.Delivery.countDocuments({ status: 'pending' });
    // The kill fell in the middle: some sends were done, others were under way or not yet started.
    expect(atKill.emails + atKill.linePushes).toBeLessThan(2 * CUSTOMERS);
    expect(pendingAtKill).toBeGreaterThan(0);

    const second = await world.startWorker('second worker');
    const recovery = Date.now();
    const results = await Promise.all(
      workflowIds.map((id) => world.client.workflow.getHandle(id).result() as Promise<{ outcome: string }>),
    );
    expect(results.map((r) => r.outcome)).toEqual(customers.map(() => 'completed'));
    expect(second.child.exitCode).toBeNull();
    const recoveryMs = Date.now() - recovery;

    const { counts, smtpTransmissions } = await countSends(world, plan.journeyId, customers);
    expect(counts).toEqual(Object.fromEntries(customers.map((c) => [c, EXACTLY_ONCE])));
    expect(await world.store.models.Delivery.countDocuments({ status: { $ne: 'sent' } })).toBe(0);
    const resent = Object.keys(smtpTransmissions).filter((c) => smtpTransmissions[c]! > 1);
    expect(resent.filter((c) => !inDoubt.includes(c))).toEqual([]);
    expect(Math.max(...Object.values(smtpTransmissions))).toBeLessThanOrEqual(2);
    // The ledger and the journal say which emails may have arrived twice: every one taken over from the
    // dead worker, among them each one the server had accepted before the kill.
    const doubtful = (
      await world.store.models.Delivery.find({ journeyId: plan.journeyId, channel: 'email', uncertain: true }).lean()
    ).map((row) => row.customerId);
    expect(inDoubt.filter((c) => !doubtful.includes(c))).toEqual([]);
    expect(resent.filter((c) => !doubtful.includes(c))).toEqual([]);
    const flagged = await world.store.models.JournalRow.find({
      journeyId: plan.journeyId,
      action: 'sent',
      reason: 'possible-duplicate',
    }).lean();
    expect(flagged.map((row) => row.customerId).sort()).toEqual([...doubtful].sort());
    console.log(JSON.stringify({ worker_crash: { atKill, pendingAtKill, inDoubt, resent, doubtful, recoveryMs } }));
  }, 420_000);
});
