/**
 * Keyed entries: `entry.key` names a property of the entry event (`seminarId`), and the journey runs
 * once per customer and value of that property. The runs' exits and goals read the property too, so
 * an event about another key leaves a run alone.
 */
import type { CompileContext } from './context.js';
import { readEventField } from './context.js';
import type { EntryPlan, ExitPlan, GoalPlan } from './plan.js';

/** A key is a top-level property of the entry event: letters, digits and _, not starting with a digit. */
export const ENTRY_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Adds `key` to an event entry and records the property as read by the entry, exit and goal events;
 * reports INVALID_VALUE for a key without an event entry or one that is not a property name.
 */
export function compileEntryKey(
  ctx: CompileContext,
  key: string | undefined,
  entry: EntryPlan | null,
  events: readonly (ExitPlan | GoalPlan)[],
): EntryPlan | null {
  if (key === undefined || entry === null) return entry;
  const path = ['entry', 'key'];
  if (entry.type !== 'event') {
    const message = 'a key names a property of the entry event; enter on an event, or remove key';
    ctx.sink.add('INVALID_VALUE', message, ctx.positions.keyAt(path), path);
    return entry;
  }
  if (!ENTRY_KEY.test(key)) {
    const message = `"${key}" is not a property name; write the entry event's property, like seminarId`;
    ctx.sink.add('INVALID_VALUE', message, ctx.positions.valueAt(path), path);
    return entry;
  }
  for (const type of new Set([entry.event, ...events.map((e) => e.event)])) readEventField(ctx, type, key);
  return { ...entry, key };
}
