// The hand-written baseline of every example journey's main path (bench/actions/hand-written-journeys.ts)
// on the time-skipping server, with the same customer events at the same moments as the interpreter's
// recorded run of the scenario: it issues the same sends, timers and signals. Its histories are the
// baseline that test/unit/billable-actions.test.ts and bench/actions.ts count; KIZUNA_RECORD_HISTORIES=1
// writes them to test/fixtures/hand-written-histories/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/servers.js';
import { customerEvent } from '../../workflows/signals.js';
import { HAND_WRITTEN, pathOf } from '../../bench/actions/scenarios.js';
import { bundleQuietly } from '../support/bundle.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

const TASK_QUEUE = 'hand-written-journeys';
const fixtures = join(projectRoot, 'test', 'fixtures');
// Stand-ins for the store and the providers: the baseline's cost is in its commands, not in their answers.
const answer = () => Promise.resolve({});
const activities = Object.fromEntries(
  ['claimEntry', 'resolveTimezone', 'evaluateConditions', 'resolveDate', 'updateProfile', 'flushJournal', 'send'].map(
    (name) => [name, answer],
  ),
);

describe('the hand-written baseline runs the same path as the interpreter', () => {
  let env: TestWorkflowEnvironment;
  let bundle: Awaited<ReturnType<typeof bundleQuietly>>;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleQuietly(join(projectRoot, 'bench', 'actions', 'hand-written-journeys.ts'));
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it.each(HAND_WRITTEN.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    // A worker runs once: each scenario gets its own.
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities,
    });
    const history = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(scenario.workflow, {
        taskQueue: TASK_QUEUE,
        workflowId: `hand-written/${name}`,
        args: [{ waitsMs: scenario.waitsMs }],
      });
      let elapsed = 0;
      for (const signal of scenario.signals) {
        await env.sleep(signal.atMs - elapsed);
        elapsed = signal.atMs;
        await handle.signal(customerEvent, { event: signal.event });
      }
      expect(await handle.result()).toEqual({ outcome: scenario.outcome });
      return handle.fetchHistory();
    });
    const json = historyToJSON(history);
    const interpreted = readFileSync(join(fixtures, 'histories', `example-${name}.cheaper-runs.json`), 'utf8');
    expect(pathOf(JSON.parse(json))).toEqual(pathOf(JSON.parse(interpreted)));
    if (process.env.KIZUNA_RECORD_HISTORIES === '1') {
      writeFileSync(join(fixtures, 'hand-written-histories', `${name}.json`), json);
    }
  });
});
