// Segment entry on Temporal Schedules (dev server, real worker): publishing a segment journey through
// the API creates its schedule; a pass of the audience workflow enters exactly the matching customers,
// a second pass enters nobody twice; pausing pauses the schedule, archiving deletes it.
import { Client, ScheduleNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createSchedules, scheduleId } from '../../api/schedules.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createEmailCustomer } from '../support/test-journeys.js';
import { startApiHarness, unique, type ApiHarness } from './api/harness.js';

const TASK_QUEUE = unique('api-segment');

describe('segment entry on a Temporal Schedule', () => {
  let connection: NativeConnection;
  let client: Client;
  let world: JourneyWorld;
  let h: ApiHarness;
  const auth = () => ({ authorization: `Bearer ${h.token}` });

  beforeAll(async () => {
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection,
      client,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
    });
    h = await startApiHarness(
      import.meta.filename,
      { schedules: createSchedules({ client, taskQueue: TASK_QUEUE }) },
      { store: world.store, client, taskQueue: TASK_QUEUE },
    );
  });

  afterAll(async () => {
    await h?.close();
    await world?.close();
    await connection?.close();
  });

  /** Waits until the schedule has started `count` audience passes and the latest one has closed. */
  async function passesDone(journeyId: string, count: number): Promise<void> {
    const handle = client.schedule.getHandle(scheduleId(journeyId));
    for (let i = 0; i < 400; i++) {
      const { info } = await handle.describe();
      const recent = info.recentActions;
      if (recent.length >= count && info.runningActions.length === 0) return;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error(`the schedule of ${journeyId} did not finish ${count} passes`);
  }

  async function openRuns(journeyId: string): Promise<string[]> {
    const rows = await world.store.models.Entry.find({ journeyId, granted: true }).lean();
    return rows.map((r) => String(r.customerId)).sort();
  }

  it('enters exactly the matching customers, once, and follows pause and archive', async () => {
    const journeyId = unique('seg');
    const tag = unique('target');
    const matching = [unique('m1'), unique('m2'), unique('m3')].sort();
    for (const id of matching) await createEmailCustomer(world.store.models, id, { tags: [tag] });
    await createEmailCustomer(world.store.models, unique('other'), { tags: ['someone-else'] });
    const yaml = [
      `journey: ${journeyId}`,
      'name: segment',
      'entry:',
      `  segment: { tags: ${tag} }`,
      "  schedule: { cron: '0 10 * * *', timezone: Asia/Tokyo }",
      '  reentry: never',
      'policy:',
      '  timezone: Asia/Tokyo',
      'steps:',
      '  - id: pause',
      '    wait: 30d',
      '',
    ].join('\n');
    const pub = await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'text/yaml').send(yaml);
    expect(pub.status).toBe(201);
    const schedule = client.schedule.getHandle(scheduleId(journeyId));
    const described = await schedule.describe();
    expect(described.spec.calendars).toBeDefined();

    const worker = await world.worker();
    await worker.runUntil(async () => {
      await schedule.trigger();
      await passesDone(journeyId, 1);
      for (let i = 0; i < 100 && (await openRuns(journeyId)).length < matching.length; i++)
        await new Promise((ok) => setTimeout(ok, 100));
      expect(await openRuns(journeyId)).toEqual(matching);
      await schedule.trigger();
      await passesDone(journeyId, 2);
      expect(await openRuns(journeyId)).toEqual(matching);
    });

    await request(h.app).post(`/v1/journeys/${journeyId}/pause`).set(auth());
    expect((await schedule.describe()).state.paused).toBe(true);
    await request(h.app).post(`/v1/journeys/${journeyId}/resume`).set(auth());
    expect((await schedule.describe()).state.paused).toBe(false);
    await request(h.app).post(`/v1/journeys/${journeyId}/archive`).set(auth());
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
