/**
 * The key value of a keyed entry (`entry.key`), read the same way by the engine, the simulator and
 * the runtime's workflow ids. Pure and workflow-safe.
 */
import type { JsonValue, Plan } from './plan.js';

/**
 * The entry key's value in `properties` as text, or `null` when the journey is not keyed or the
 * property is absent, null, or not a string, number or boolean.
 */
export function entryKeyValue(plan: Pick<Plan, 'entry'>, properties: { [key: string]: JsonValue }): string | null {
  const { entry } = plan;
  if (entry.type !== 'event' || entry.key === undefined) return null;
  const value = properties[entry.key];
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
