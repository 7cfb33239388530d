/** Shape checks of inputs, so a malformed input fails the run with `INVALID_INPUT` instead of a crash. */
import type { JourneyInput } from './inputs.js';

const CORRELATED = new Set([
  'timer',
  'entry_claimed',
  'timezone_resolved',
  'conditions_evaluated',
  'date_resolved',
  'send_result',
  'profile_updated',
  'richmenu_result',
]);

/** A sentence saying what is wrong with `input`, or `null` when the engine can take it. Never throws. */
export function checkInput(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return 'the input is not an object';
  const i = input as Record<string, unknown>;
  if (typeof i.nowMs !== 'number' || !Number.isFinite(i.nowMs)) return 'the input has no finite nowMs';
  if (typeof i.type !== 'string') return 'the input has no type';
  if (CORRELATED.has(i.type)) {
    if (typeof i.correlationId !== 'string') return `a ${i.type} input needs a correlationId`;
    if (i.type === 'conditions_evaluated' && !Array.isArray(i.decisions)) return 'decisions must be a list';
    if (i.type === 'send_result') return checkSendResult(i);
    if (i.type === 'richmenu_result' && !RICH_MENU_STATUSES.has(String(i.status))) {
      return `a richmenu_result status must be one of ${[...RICH_MENU_STATUSES].join(', ')}`;
    }
    return null;
  }
  switch (i.type) {
    case 'start':
      if (typeof i.customerId !== 'string' || i.customerId === '') return 'start needs a customerId';
      return i.entryEvent === null ? null : checkEvent(i.entryEvent);
    case 'event':
      return checkEvent(i.event);
    case 'pause':
    case 'resume':
    case 'archive':
      return null;
    default:
      return `unknown input type ${JSON.stringify(i.type)}`;
  }
}

const RICH_MENU_STATUSES = new Set(['done', 'skipped', 'failed']);
const SEND_STATUSES = new Set(['sent', 'skipped', 'failed', 'capped', 'held']);

function checkSendResult(i: Record<string, unknown>): string | null {
  if (typeof i.status !== 'string' || !SEND_STATUSES.has(i.status)) {
    return `a send_result status must be one of ${[...SEND_STATUSES].join(', ')}`;
  }
  const retryAtMs = i.retryAtMs ?? null;
  if (retryAtMs !== null && (typeof retryAtMs !== 'number' || !Number.isFinite(retryAtMs))) {
    return 'a send_result retryAtMs must be epoch ms or null';
  }
  return null;
}

function checkEvent(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'the event is not an object';
  const e = value as Record<string, unknown>;
  if (typeof e.id !== 'string' || typeof e.type !== 'string') return 'an event needs a string id and type';
  if (typeof e.timeMs !== 'number' || !Number.isFinite(e.timeMs)) return 'an event needs a finite timeMs';
  if (typeof e.properties !== 'object' || e.properties === null) return 'an event needs properties';
  return null;
}

export function isJourneyInput(input: unknown): input is JourneyInput {
  return checkInput(input) === null;
}
