// Entry on Temporal: re-entry never / always / after, concurrent entries of one customer, and a new
// version published while customers wait (each keeps the version it entered with).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { readJournal } from '../../store/journal.js';
import { settledResult, startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { createEmailCustomer, publishTestJourney, testEvent } from '../support/test-journeys.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const journey = (id: string, reentry: string, template = 'winback-1') => `
journey: ${id}
name: ${id}
entry: { event: visit, reentry: ${reentry} }
steps:
  - id: hello
    send: { channel: email, template: ${template} }
`;

describe('entering journeys on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;
  const now = () => env.currentTimeMs();
  const outcome = async (workflowId: string) =>
    (await settledResult<{ outcome: string }>(env.client, workflowId)).outcome;
  const subjects = (address: string) => world.smtp.mails.filter((m) => m.to.includes(address)).map((m) => m.subject);

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-entry',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  /** Enters `customerId` with a new visit and returns the run's outcome. */
  async function visit(journeyId: string, customerId: string, id: string): Promise<string> {
    const event = testEvent(id, 'visit', await now());
    const entered = await enterJourney(world.runtime(), { journeyId, customerId, event });
    return outcome(entered.workflowId);
  }

  it('re-entry never: a second entry after the first run ended is denied', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-never', 'never'));
    const address = await createEmailCustomer(world.store.models, 'c-never');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await visit(plan.journeyId, 'c-never', 'v1')).toBe('completed');
      await env.sleep(30 * DAY);
      expect(await visit(plan.journeyId, 'c-never', 'v2')).toBe('reentry-denied');
    });
    expect(subjects(address)).toHaveLength(1);
  });

  it('re-entry always: every entry runs', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-always', 'always'));
    const address = await createEmailCustomer(world.store.models, 'c-always');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await visit(plan.journeyId, 'c-always', 'v1')).toBe('completed');
      expect(await visit(plan.journeyId, 'c-always', 'v2')).toBe('completed');
    });
    expect(subjects(address)).toHaveLength(2);
  });

  it('re-entry after 2d: denied within two days of the last entry, granted after', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('t-after', '{ after: 2d }'));
    const address = await createEmailCustomer(world.store.models, 'c-after');
    await (
      await world.worker()
    ).runUntil(async () => {
      expect(await visit(plan.journeyId, 'c-after', 'v1')).toBe('completed');
      await env.sleep(1 * DAY);
      expect(await visit(plan.journeyId, 'c-after', 'v2')).toBe('reentry-denied');
      await env.sleep(1 * DAY + HOUR);
      expect(await visit(plan.journeyId, 'c-after', 'v3')).toBe('completed');
    });
    expect(subjects(address)).toHaveLength(2);
  });

  it('concurrent entries of one customer make exactly one run', async () => {
    const { plan } = await publishTestJourney(
      world.store.models,
      `
journey: t-concurrent
name: concurrent
entry: { event: visit, reentry: always }
steps:
  - { id: hold, wait: 1d }
  - id: hello
    send: { channel: email, template: winback-1 }
`,
    );
    const address = await createEmailCustomer(world.store.models, 'c-concurrent');
    await (
      await world.worker()
    ).runUntil(async () => {
      const at = await now();
      const results = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((n) =>
          enterJourney(world.runtime(), {
            journeyId: plan.journeyId,
            customerId: 'c-concurrent',
            event: testEvent(`race-${n}`, 'visit', at),
          }),
        ),
      );
      expect(new Set(results.map((r) => r.workflowId)).size).toBe(1);
      await env.sleep(2 * DAY);
      expect(await outcome(results[0]!.workflowId)).toBe('completed');
    });
    const journal = await readJournal(world.store.models, { journeyId: plan.journeyId, customerId: 'c-concurrent' });
    expect(journal.filter((r) => r.action === 'entered')).toHaveLength(1);
    expect(subjects(address)).toHaveLength(1);
  });

  it('a new version published while customers wait changes nothing for them; new entrants get it', async () => {
    const v1 = await publishTestJourney(
      world.store.models,
      `
journey: t-versions
name: versions
entry: { event: visit, reentry: always }
steps:
  - { id: hold, wait: 3d }
  - id: hello
    send: { channel: email, template: winback-1 }
`,
    );
    await createEmailCustomer(world.store.models, 'c-v1');
    await createEmailCustomer(world.store.models, 'c-v2');
    await (
      await world.worker()
    ).runUntil(async () => {
      const journeyId = v1.plan.journeyId;
      const first = await enterJourney(world.runtime(), {
        journeyId,
        customerId: 'c-v1',
        event: testEvent('v1-visit', 'visit', await now()),
      });
      await env.sleep(DAY);
      const v2 = await publishTestJourney(
        world.store.models,
        `
journey: t-versions
name: versions
entry: { event: visit, reentry: always }
steps:
  - { id: hold, wait: 3d }
  - id: hello
    send: { channel: email, template: winback-coupon }
`,
      );
      expect(v2.version).toBe(v1.version + 1);
      const second = await enterJourney(world.runtime(), {
        journeyId,
        customerId: 'c-v2',
        event: testEvent('v2-visit', 'visit', await now()),
      });
      await env.sleep(4 * DAY);
      await outcome(first.workflowId);
      await outcome(second.workflowId);
    });
    const template = async (customerId: string) =>
      (await readJournal(world.store.models, { journeyId: 't-versions', customerId }))
        .filter((r) => r.action === 'sent')
        .map((r) => [r.version, r.detail.template]);
    expect(await template('c-v1')).toEqual([[v1.version, 'winback-1']]);
    expect(await template('c-v2')).toEqual([[v1.version + 1, 'winback-coupon']]);
  });
});
