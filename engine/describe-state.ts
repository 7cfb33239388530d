/** A one-line account of where a run stands, for the Temporal UI's current details and logs. Pure. */
import type { Plan } from '../definitions/plan.js';
import { formatLocalTime, isValidTimeZone } from '../definitions/time-windows.js';
import type { JourneyState } from './state.js';

const STAGES: Record<string, string> = {
  evaluate: 'evaluating conditions',
  resolve: 'reading a date',
  send: 'sending',
  update: 'updating the profile',
  richmenu: 'linking the rich menu',
};

/**
 * Describes the run: "wait-order: waiting for order.completed until 2026-11-12 10:00 +09:00",
 * "first-touch: deferred by quiet hours until ...", "done: converted". Times are in the customer's zone.
 */
export function describeState(plan: Plan, state: JourneyState): string {
  if (state.status === 'done' || state.status === 'failed') return `${state.status}: ${state.outcome ?? ''}`;
  const cursor = state.cursor;
  if (cursor === null) return state.status === 'new' ? 'not started' : 'between steps';
  if (cursor.phase === 'claim') return 'claiming the entry';
  if (cursor.phase === 'timezone') return 'reading the time zone';
  if (cursor.phase === 'entered') return 'applying the events that came with the entry';
  const zone = isValidTimeZone(state.zone) ? state.zone : 'UTC';
  const until = cursor.untilMs === null ? '' : formatLocalTime(cursor.untilMs, zone);
  const step = plan.steps[cursor.stepId];
  const paused = state.paused ? ' (journey paused)' : '';
  if (state.ending !== null)
    return `${cursor.stepId}: ending (${state.ending.outcome}) once the request out is answered`;
  if (cursor.stage === 'richmenu' && step?.kind === 'line_richmenu') {
    return `${cursor.stepId}: ${step.link === null ? 'unlinking the rich menu' : `linking rich menu ${step.link}`}${paused}`;
  }
  switch (cursor.stage) {
    case 'sleep':
      return `${cursor.stepId}: waiting until ${until}${paused}`;
    case 'wait-event':
      return `${cursor.stepId}: waiting for ${step?.kind === 'wait_for' ? step.event : 'an event'} until ${until}${paused}`;
    case 'hold':
      return `${cursor.stepId}: held before sending (journey paused)`;
    case 'quiet':
      return `${cursor.stepId}: deferred by quiet hours until ${until}${paused}`;
    case 'cap-wait':
      return `${cursor.stepId}: deferred by the frequency cap until ${until}${paused}`;
    default:
      return `${cursor.stepId}: ${STAGES[cursor.stage] ?? cursor.stage}${paused}`;
  }
}
