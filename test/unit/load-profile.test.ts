// The load benchmark's profile: where a due send waited, read from a run's history.
import proto from '@temporalio/proto';
import { msNumberToTs, msToTs } from '@temporalio/common/lib/time.js';
import { describe, expect, it } from 'vitest';
import { segmentsOf } from '../../bench/load/profile.js';

const T = proto.temporal.api.enums.v1.EventType;
const event = (eventType: number, ms: number, extra: object = {}) => ({
  eventType,
  eventTime: msNumberToTs(ms),
  ...extra,
});

describe('the wait profile of a run', () => {
  it('splits timer → workflow task → send into its waits', () => {
    const entered = 1_000_000;
    const history = [
      event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, entered + 50),
      event(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, entered + 50),
      event(T.EVENT_TYPE_WORKFLOW_TASK_STARTED, entered + 80),
      event(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, entered + 200),
      event(T.EVENT_TYPE_TIMER_STARTED, entered + 200, {
        timerStartedEventAttributes: { startToFireTimeout: msToTs('30s') },
      }),
      event(T.EVENT_TYPE_TIMER_FIRED, entered + 30_300),
      event(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, entered + 30_300),
      event(T.EVENT_TYPE_WORKFLOW_TASK_STARTED, entered + 31_300),
      event(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, entered + 31_400),
      event(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, entered + 31_400),
      event(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, entered + 33_400),
      event(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, entered + 33_900),
    ];
    expect(segmentsOf(history, entered, T, 30_000)).toEqual({
      beforeTimer: 200,
      start: 50,
      firstTasks: 150,
      firstTaskQueue: 30,
      firstTask: 120,
      armTask: 120,
      slip: 200,
      timer: 100,
      workflowTaskQueue: 1000,
      workflowTask: 100,
      activityQueue: 2000,
      activity: 500,
    });
  });

  it('leaves what the run has not reached as NaN', () => {
    const history = [event(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0)];
    expect(Number.isNaN(segmentsOf(history, 0, T).activity)).toBe(true);
  });
});
