// Segment entry on Temporal Schedules (dev server, real worker): publishing a segment journey through
// the API creates its schedule; a pass of the audience workflow enters exactly the matching customers,
// a second pass enters nobody twice; pausing pauses the schedule, archiving deletes it. With
// `reentry: { after }`, a pass within the period enters nobody again and a pass after it enters
// the matching customers once more.
import { Client, ScheduleNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createSchedules, scheduleId } from '../../api/temporal/schedules.js';
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

  /** Decisions of the re-entry ledger for the journey's customers (granted or not), by customer. */
  async function claims(journeyId: string, granted: boolean): Promise<Record<string, number>> {
    const rows = await world.store.models.Entry.find({ journeyId, granted }).lean();
    const counts: Record<string, number> = {};
    for (const r of rows) counts[String(r.customerId)] = (counts[String(r.customerId)] ?? 0) + 1;
    return counts;
  }

  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('enters the matching customers again once the re-entry period has passed, not within it', async () => {
    const journeyId = unique('seg-after');
    const tag = unique('again');
    const matching = [unique('a1'), unique('a2')].sort();
    for (const id of matching) await createEmailCustomer(world.store.models, id, { tags: [tag] });
    await createEmailCustomer(world.store.models, unique('other'), { tags: ['someone-else'] });
    const periodMs = 15_000;
    const yaml = [
      `journey: ${journeyId}`,
      'name: segment again',
      'entry:',
      `  segment: { tags: ${tag} }`,
      "  schedule: { cron: '0 10 * * *', timezone: Asia/Tokyo }",
      `  reentry: { after: ${periodMs / 1000}s }`,
      'policy:',
      '  timezone: Asia/Tokyo',
      'steps:',
      '  - id: mark',
      '    update_profile: { add_tags: [segment-visited] }',
      '',
    ].join('\n');
    const pub = await request(h.app).post('/v1/journeys').set(auth()).set('content-type', 'text/yaml').send(yaml);
    expect(pub.status).toBe(201);
    const schedule = client.schedule.getHandle(scheduleId(journeyId));
    const each = (n: number) => Object.fromEntries(matching.map((id) => [id, n]));
    // Every run of the pass has claimed and ended (closed rows), so the next pass starts new runs.
    const settled = async () =>
      (await world.store.models.Entry.countDocuments({ journeyId, granted: { $ne: null }, outcome: null })) === 0;

    const worker = await world.worker();
    await worker.runUntil(async () => {
      await schedule.trigger();
      await passesDone(journeyId, 1);
      await until(async () => Object.keys(await claims(journeyId, true)).length === matching.length, 'first entries');
      await until(settled, 'the first runs to end');
      expect(await claims(journeyId, true)).toEqual(each(1));
      const firstMs = Math.max(
        ...(await world.store.models.Entry.find({ journeyId, granted: true }).lean()).map((r) => r.enteredMs),
      );

      await schedule.trigger();
      await passesDone(journeyId, 2);
      await until(async () => Object.keys(await claims(journeyId, false)).length === matching.length, 'refusals');
      await until(settled, 'the refused runs to end');
      const refused = await world.store.models.Entry.find({ journeyId, granted: false }).lean();
      // The refusals happened within the period (else this test proves nothing about it).
      expect(refused.every((r) => r.enteredMs < firstMs + periodMs)).toBe(true);
      expect(await claims(journeyId, true)).toEqual(each(1));
      expect(await claims(journeyId, false)).toEqual(each(1));

      await new Promise((ok) => setTimeout(ok, Math.max(0, firstMs + periodMs + 500 - Date.now())));
      await schedule.trigger();
      await passesDone(journeyId, 3);
      await until(async () => Object.values(await claims(journeyId, true)).every((n) => n === 2), 'second entries');
      await until(settled, 'the second runs to end');
      expect(await claims(journeyId, true)).toEqual(each(2));
    });
    await request(h.app).post(`/v1/journeys/${journeyId}/archive`).set(auth());
  });
});
