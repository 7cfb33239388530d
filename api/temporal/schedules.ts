/**
 * Segment entry on Temporal Schedules: one schedule per segment journey (`kizuna-segment/<journeyId>`),
 * its cron and zone from the journey's YAML, starting `audienceWorkflow` for the current version.
 * Created on publish, updated on a new version, paused / resumed with the journey, deleted on archive.
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { SchedulesPort } from '../ports.js';

/** The schedule id of a journey. */
export const scheduleId = (journeyId: string) => `kizuna-segment/${journeyId}`;

export function createSchedules(deps: { client: Client; taskQueue?: string }): SchedulesPort {
  const taskQueue = deps.taskQueue ?? 'kizuna';
  const ignoreMissing = (err: unknown) => {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  };
  return {
    async upsert({ journeyId, version, cron, timezone }) {
      const spec = { cronExpressions: [cron], timezone };
      const action = {
        type: 'startWorkflow' as const,
        workflowType: 'audienceWorkflow',
        taskQueue,
        workflowId: `kizuna-audience/${journeyId}`,
        args: [{ journeyId, version }],
        staticSummary: `segment entry of ${journeyId} v${version}`,
      };
      try {
        await deps.client.schedule.getHandle(scheduleId(journeyId)).update((previous) => ({
          ...previous,
          spec,
          action,
        }));
      } catch (err) {
        ignoreMissing(err);
        await deps.client.schedule.create({
          scheduleId: scheduleId(journeyId),
          spec,
          action,
          // A pass still paging when the next one is due finishes first; the next starts on time after.
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
        });
      }
    },
    async pause(journeyId) {
      await deps.client.schedule.getHandle(scheduleId(journeyId)).pause('journey paused').catch(ignoreMissing);
    },
    async resume(journeyId) {
      await deps.client.schedule.getHandle(scheduleId(journeyId)).unpause('journey resumed').catch(ignoreMissing);
    },
    async remove(journeyId) {
      await deps.client.schedule.getHandle(scheduleId(journeyId)).delete().catch(ignoreMissing);
    },
  };
}
