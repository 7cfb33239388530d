/**
 * The example journeys' scenarios (test/fixtures/simulate/<name>) as the hand-written baseline runs
 * them: its workflow, the clock-dependent waits of the interpreter's recorded run, and the customer
 * events with their moments from the start. Shared by the recording test and the action counts.
 */
import type { CustomerEvent } from '../../engine/index.js';
import { historyEvents } from './billable-actions.js';

const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** One scenario of the baseline. */
export interface HandWrittenScenario {
  /** The scenario's name: `example-<name>` is the interpreter's recorded run. */
  name: string;
  workflow: string;
  waitsMs: number[];
  signals: { atMs: number; event: CustomerEvent }[];
  outcome: string;
}

const event = (id: string, type: string, properties: CustomerEvent['properties'] = {}): CustomerEvent => ({
  id,
  type,
  timeMs: 0,
  properties,
});

export const HAND_WRITTEN: HandWrittenScenario[] = [
  {
    name: 'winback',
    workflow: 'winbackByHand',
    waitsMs: [0],
    // 2026-11-02 10:00 -> 2026-11-06 20:15 (+09:00), during wait-order.
    signals: [{ atMs: 4 * DAY + 36_900 * SECOND, event: event('ord-9001', 'order.completed', { total: 6800 }) }],
    outcome: 'converted',
  },
  {
    name: 'winback-no-reply',
    workflow: 'winbackByHand',
    waitsMs: [36_000 * SECOND],
    signals: [],
    outcome: 'completed',
  },
  {
    name: 'cart-abandonment',
    workflow: 'cartAbandonmentByHand',
    waitsMs: [41_400 * SECOND],
    signals: [],
    outcome: 'not-converted',
  },
  {
    name: 'event-reminder',
    workflow: 'eventReminderByHand',
    waitsMs: [1_278_000 * SECOND, 288_000 * SECOND, 64_800 * SECOND],
    // 2026-11-02 15:00 -> 2026-11-20 19:05 (+09:00), during until-next-day.
    signals: [{ atMs: 1_569_900 * SECOND, event: event('att-55', 'seminar.attended') }],
    outcome: 'converted',
  },
  {
    name: 'line-survey',
    workflow: 'lineSurveyByHand',
    waitsMs: [36_000 * SECOND],
    // 21:50 -> 08:30 the next day, during wait-answer.
    signals: [{ atMs: 38_400 * SECOND, event: event('pb-509', 'line.postback', { data: 'survey=dark' }) }],
    outcome: 'completed',
  },
  {
    name: 'renewal-reminder',
    workflow: 'renewalReminderByHand',
    waitsMs: [1_299_600 * SECOND],
    signals: [],
    outcome: 'completed',
  },
  {
    name: 'upsell',
    workflow: 'upsellByHand',
    waitsMs: [406_800 * SECOND],
    // 2026-11-02 19:00 -> 2026-11-09 13:20 (+09:00), during wait-7d.
    signals: [
      {
        atMs: 584_400 * SECOND,
        event: event('ord-7044', 'order.completed', { items: [{ sku: 'GRINDER-01', category: 'equipment' }] }),
      },
    ],
    outcome: 'converted',
  },
  { name: 'upsell-without-ordered-at', workflow: 'upsellByHand', waitsMs: [0], signals: [], outcome: 'completed' },
];

/** What makes two runs the same path: their sends, timers and signals. */
export function pathOf(history: unknown): { sends: number; timers: number; signals: number } {
  const path = { sends: 0, timers: 0, signals: 0 };
  for (const e of historyEvents(history)) {
    if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') path.sends += 1;
    if (e.eventType === 'EVENT_TYPE_TIMER_STARTED') path.timers += 1;
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED') path.signals += 1;
  }
  return path;
}
