// On the Temporal dev server (real visibility): a run is listed by KizunaJourney and KizunaCustomer
// before and while it waits, with its static summary, current details and the `state` query.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import {
  KizunaCustomer,
  KizunaJourney,
  KizunaJourneyVersion,
  KizunaOutcome,
  KizunaStep,
} from '../../workflows/search-attributes.js';
import type { JourneyStateView } from '../../workflows/signals.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createEmailCustomer, publishTestJourney } from '../support/test-journeys.js';

describe('a journey run in the Temporal UI (dev server)', () => {
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  let world: JourneyWorld;

  beforeAll(async () => {
    const address = inject('temporalAddress');
    connection = await Connection.connect({ address });
    native = await NativeConnection.connect({ address });
    client = new Client({ connection });
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: native,
      client,
      namespace: 'default',
      taskQueue: 'journey-dev',
    });
  });

  afterAll(async () => {
    await world?.close();
    await native?.close();
    await connection?.close();
  });

  it('lists runs by journey and customer and shows summary, details and state while waiting', async () => {
    const journeyId = `t-ui-${Date.now()}`;
    const { version } = await publishTestJourney(
      world.store.models,
      `
journey: ${journeyId}
name: ui
entry: { event: signup }
policy: { timezone: Asia/Tokyo }
steps:
  - id: hello
    send: { channel: email, template: winback-1 }
  - id: wait-order
    wait_for: { event: order.completed, timeout: 7d }
`,
    );
    const customerId = `c-ui-${Date.now()}`;
    await createEmailCustomer(world.store.models, customerId);
    const event = { id: `su-${customerId}`, type: 'signup', timeMs: Date.now(), properties: {} };
    // Started with no worker polling: the search attributes are visible before the first workflow task.
    const { workflowId, status } = await enterJourney(world.runtime(), { journeyId, customerId, event });
    expect(status).toBe('entered');
    const handle = client.workflow.getHandle(workflowId);
    const before = await handle.describe();
    expect(before.typedSearchAttributes.get(KizunaJourney)).toBe(journeyId);
    expect(before.typedSearchAttributes.get(KizunaJourneyVersion)).toBe(version);
    expect(before.typedSearchAttributes.get(KizunaCustomer)).toBe(customerId);
    expect(before.typedSearchAttributes.get(KizunaStep)).toBe('entry');
    expect(await before.staticSummary()).toBe(`${journeyId} v${version} · customer ${customerId}`);

    await (
      await world.worker()
    ).runUntil(async () => {
      await expect
        .poll(async () => (await handle.describe()).typedSearchAttributes.get(KizunaStep), { timeout: 15_000 })
        .toBe('wait-order');
      const details = (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;
      expect(details).toMatch(/^wait-order: waiting for order\.completed until \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+09:00$/);
      const state = await handle.query<JourneyStateView>('state');
      expect(state).toMatchObject({
        journeyId,
        version,
        customerId,
        status: 'active',
        stepId: 'wait-order',
        stage: 'wait-event',
        waitingFor: ['order.completed'],
        visited: { hello: 1, 'wait-order': 1 },
        outcome: null,
        details,
      });
      expect(state.untilMs! - Date.now()).toBeGreaterThan(6 * 86_400_000);
      // The Temporal UI's event list: activities and the timer carry summaries.
      const history = await handle.fetchHistory();
      const summaries = await Promise.all(
        (history.events ?? [])
          .filter((e) => e.userMetadata?.summary)
          .map((e) => client.options.loadedDataConverter.payloadConverter.fromPayload(e.userMetadata!.summary!)),
      );
      expect(summaries).toEqual(
        expect.arrayContaining([
          'claim entry (re-entry: never)',
          'send winback-1 by email',
          expect.stringMatching(/^wait-order: wait for order\.completed until .* \+09:00$/),
        ]),
      );
    });

    const listed = async (query: string) => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids;
    };
    await expect
      .poll(() => listed(`KizunaJourney = '${journeyId}'`), { timeout: 15_000, interval: 250 })
      .toEqual([workflowId]);
    await expect
      .poll(() => listed(`KizunaCustomer = '${customerId}' AND KizunaStep = 'wait-order'`), {
        timeout: 15_000,
        interval: 250,
      })
      .toEqual([workflowId]);
    await handle.terminate('test over');
    expect((await handle.describe()).typedSearchAttributes.get(KizunaOutcome)).toBeUndefined();
  });
});
