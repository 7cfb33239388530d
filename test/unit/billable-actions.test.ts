// Billable Temporal actions per run, counted from recorded histories with Temporal Cloud's action rules
// (https://docs.temporal.io/cloud/actions: a workflow start, each signal, each search-attribute upsert
// but those of TemporalChangeVersion, each timer started, each activity scheduled and each retry, all
// local-activity markers of one workflow task as one action plus their retries), for every example
// journey's main path against the hand-written baseline (bench/actions/hand-written-journeys.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countActions, maxUpsertsPerTask, rearmedTimers } from '../../bench/actions/billable-actions.js';
import { ACTIONS_GOAL_RATIO, compareActions } from '../../bench/actions/compare.js';
import { projectRoot } from '../../scripts/servers.js';

const histories = join(projectRoot, 'test', 'fixtures', 'histories');
const read = (name: string): unknown => JSON.parse(readFileSync(join(histories, name), 'utf8'));

const ev = (eventId: number, eventType: string, attributes: Record<string, unknown> = {}, key = 'x') => ({
  eventId: String(eventId),
  eventTime: '2026-11-02T00:00:00Z',
  eventType: `EVENT_TYPE_${eventType}`,
  [`${key}EventAttributes`]: attributes,
});

describe('countActions follows Temporal Cloud action rules', () => {
  it('counts a signal-with-start once, markers once per workflow task, and retries', () => {
    const sa = (name: string) => ({
      searchAttributes: { indexedFields: { [name]: {} } },
      workflowTaskCompletedEventId: '4',
    });
    const history = {
      events: [
        ev(1, 'WORKFLOW_EXECUTION_STARTED'),
        ev(2, 'WORKFLOW_EXECUTION_SIGNALED'),
        ev(3, 'WORKFLOW_TASK_COMPLETED', { meteringMetadata: { nonfirstLocalActivityExecutionAttempts: 2 } }),
        ev(4, 'MARKER_RECORDED', { markerName: 'core_patch', workflowTaskCompletedEventId: '3' }),
        ev(5, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', sa('TemporalChangeVersion')),
        ev(6, 'MARKER_RECORDED', { markerName: 'core_local_activity', workflowTaskCompletedEventId: '3' }),
        ev(7, 'MARKER_RECORDED', { markerName: 'core_local_activity', workflowTaskCompletedEventId: '3' }),
        ev(8, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', sa('KizunaStep')),
        ev(9, 'ACTIVITY_TASK_SCHEDULED'),
        ev(10, 'ACTIVITY_TASK_STARTED', { attempt: 3 }),
        ev(11, 'TIMER_STARTED', { startToFireTimeout: '60s' }),
        ev(12, 'WORKFLOW_EXECUTION_SIGNALED'),
        ev(13, 'MARKER_RECORDED', { markerName: 'core_local_activity', workflowTaskCompletedEventId: '12' }),
      ],
    };
    expect(countActions(history)).toEqual({
      total: 11,
      byKind: expect.objectContaining({
        workflowStarted: 1,
        signal: 1,
        searchAttributeUpsert: 1,
        timer: 1,
        activity: 1,
        activityRetry: 2,
        localActivityTask: 2,
        localActivityRetry: 2,
      }) as unknown,
    });
  });

  it('tells a timer re-armed for the same instant after a cancel', () => {
    const history = {
      events: [
        ev(1, 'TIMER_STARTED', { startToFireTimeout: '86400s' }),
        ev(2, 'TIMER_CANCELED', { startedEventId: '1' }),
        { ...ev(3, 'TIMER_STARTED', { startToFireTimeout: '82800.2s' }), eventTime: '2026-11-02T01:00:00Z' },
      ],
    };
    expect(rearmedTimers(history)).toBe(1);
    expect(rearmedTimers(read('wait-for-duplicates.local-activities.json'))).toBe(4);
  });
});

describe('a run costs what a hand-written workflow would', () => {
  const journeys = compareActions();

  it.each(journeys.map((j) => [j.journey, j] as const))(
    '%s: at most 1.2× the hand-written run, one upsert per workflow task, no timer re-armed',
    (_name, j) => {
      expect(j.interpreter / j.handWritten).toBeLessThanOrEqual(ACTIONS_GOAL_RATIO);
      expect(j.maxUpsertsPerTask).toBeLessThanOrEqual(1);
      expect(j.rearmedTimers).toBe(0);
      if (j.interpreterBefore !== null) expect(j.interpreter).toBeLessThan(j.interpreterBefore);
    },
  );

  it('keeps one timer per wait when duplicate events arrive during it', () => {
    const run = read('wait-for-duplicates.cheaper-runs.json');
    expect(rearmedTimers(run)).toBe(0);
    expect(countActions(run).byKind.timer).toBe(3);
    expect(maxUpsertsPerTask(run)).toBe(1);
  });
});
