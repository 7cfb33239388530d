// Every example journey on the real runtime (time-skipping Temporal, FerretDB, SMTP capture, LINE
// stand-in) against `kizuna simulate` for the same profile and events: the same journal, the same
// sends at the same moments, and the messages really delivered.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../support/journey-scenario.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { loadScenarios } from '../support/simulate-fixtures.js';
import { historyText, personalValues } from '../support/history-text.js';
import { DATE_FIELDS } from '../support/journey-scenario.js';
import { createTimeSkippingEnv, recordHistory } from '../support/temporal.js';

const TASK_QUEUE = 'journeys-vs-simulator';
const scenarios = loadScenarios();

describe('the runtime and the simulator agree on every example journey', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  it('covers every example journey', () => {
    expect(new Set(scenarios.map((s) => s.journey)).size).toBeGreaterThanOrEqual(6);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    const run = await (await world.worker()).runUntil(runScenario(env, world, scenario, `rt-${name}`));
    const { sim, journal } = run;
    const simSends = sim.result.sends;
    const runtimeSends = journal
      .filter((row) => row.action === 'sent')
      .map((row) => ({
        atMs: row.atMs,
        stepId: row.stepId,
        template: row.detail.template,
        channel: row.detail.channel,
      }));
    expect(runtimeSends.map(({ atMs: _a, ...send }) => send)).toEqual(simSends.map(({ atMs: _a, ...send }) => send));
    runtimeSends.forEach((send, i) =>
      expect(Math.abs(send.atMs - simSends[i]!.atMs), send.stepId!).toBeLessThan(60_000),
    );
    expect(journal.map((r) => [r.stepId, r.action, r.reason])).toEqual(
      sim.result.journal.map((r) => [r.stepId, r.action, r.reason]),
    );
    expect(run.outcome).toBe(sim.result.outcome);
    // update_profile steps changed the stored profile as they changed the simulated one.
    const stored = await world.store.models.Customer.findOne({ customerId: run.scenario.customerId }).lean();
    expect(stored?.tags ?? []).toEqual(sim.result.profile.tags ?? []);
    expect(simSends.length).toBeGreaterThan(0);
    // The messages went out: one email per email send, one LINE push per LINE send, to this customer.
    const mails = world.smtp.mails.filter((m) => run.email !== null && m.to.includes(run.email));
    const pushes = world.line.pushes.filter((p) => p.to === run.lineUserId);
    expect(mails).toHaveLength(simSends.filter((s) => s.channel === 'email').length);
    expect(pushes).toHaveLength(simSends.filter((s) => s.channel === 'line').length);
    // line_richmenu steps left the customer's LINE user on the menu the simulated run ended with.
    const menus = sim.result.journal.filter((r) => r.action === 'richmenu-linked' || r.action === 'richmenu-unlinked');
    if (run.lineUserId !== null && menus.length > 0) {
      const linked = world.line.richMenus.links.get(run.lineUserId);
      const alias = [...world.line.richMenus.aliases].find(([, id]) => id === linked)?.[0] ?? null;
      expect(alias).toBe(menus.at(-1)?.detail.menu ?? null);
    }
    // No personal data in history: decisions and ids only (the zone and wait_until instants are the run's own).
    const handle = env.client.workflow.getHandle(run.workflowId);
    const text = await historyText(handle);
    const secrets = personalValues(run.profile, JSON.stringify(run.plan), ['timezone', 'customerId', ...DATE_FIELDS]);
    // Event properties the journey's conditions do not read stay out too.
    for (const event of run.scenario.events) {
      const read = new Set((run.plan.eventFields[event.type] ?? []).map((f) => f.split('.')[0]));
      for (const [key, value] of Object.entries(event.properties)) {
        if (!read.has(key)) secrets.push(...personalValues({ [key]: value }, JSON.stringify(run.plan), []));
      }
    }
    expect(secrets).toContain('山田');
    expect(secrets.filter((value) => text.includes(value))).toEqual([]);
    recordHistory(`example-${name}`, await handle.fetchHistory());
  });
});
