import type { JsonValue, Plan } from '../definitions/plan.js';
import type { CustomerEvent } from '../engine/index.js';

/**
 * The event as a run may see it: id, type, time and only the properties the plan's conditions and
 * dates read (`plan.eventFields`, dotted paths through objects and arrays), so nothing else of the
 * event enters workflow history.
 */
export function trimEvent(plan: Pick<Plan, 'eventFields'>, event: CustomerEvent): CustomerEvent {
  let properties: JsonValue = {};
  for (const field of plan.eventFields[event.type] ?? []) {
    const picked = pick(event.properties, field.split('.'));
    if (picked !== undefined) properties = merge(properties, picked);
  }
  return {
    id: event.id,
    type: event.type,
    timeMs: event.timeMs,
    properties: properties as CustomerEvent['properties'],
  };
}

/** The value at `path`, kept inside the objects and arrays that lead to it; `undefined` when absent. */
function pick(value: JsonValue | undefined, path: string[]): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (path.length === 0) return value;
  if (Array.isArray(value)) return value.map((item) => pick(item, path) ?? null);
  if (typeof value !== 'object' || value === null) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.prototype.hasOwnProperty.call(value, head)) return undefined;
  const inner = pick(value[head], rest);
  return inner === undefined ? undefined : { [head]: inner };
}

function merge(a: JsonValue, b: JsonValue): JsonValue {
  if (Array.isArray(a) && Array.isArray(b))
    return b.map((item, i) => (i < a.length ? merge(a[i] ?? null, item) : item));
  if (isObject(a) && isObject(b)) {
    const out: { [key: string]: JsonValue } = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key] ?? null, value) : value;
    return out;
  }
  return a === null ? b : a;
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
