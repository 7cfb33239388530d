/** Reading `kizuna simulate` inputs: a profile (JSON), timelines and populations (JSON Lines). */
import { readFileSync } from 'node:fs';
import { readDateValue } from '../definitions/dates.js';
import type { CustomerEvent } from '../engine/inputs.js';
import type { BacktestCustomer } from '../engine/simulator/backtest.js';
import type { Profile } from '../engine/simulator/world.js';

/** A problem in an input file, with its place. */
export class SimulateInputError extends Error {
  override readonly name = 'SimulateInputError';
}

/**
 * The text of `file`.
 *
 * @throws SimulateInputError when the file is missing, a directory, or unreadable.
 */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SimulateInputError(`${file}: no such file`);
    if (code === 'EISDIR') throw new SimulateInputError(`${file}: is a directory, not a file`);
    throw new SimulateInputError(`${file}: cannot be read (${(error as Error).message})`);
  }
}

// An event time or a start is an instant: a date or a time without an offset would need a zone
// (and Date.parse would pick the machine's), so only ISO 8601 with `Z` or an offset is accepted.
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO 8601 date-time with `Z` or its offset; `null` for anything else (dates without a time too). */
export function parseIsoTime(text: string): number | null {
  return WITH_OFFSET.test(text) && text.includes('T') ? readDateValue(text, 'UTC') : null;
}

/** One JSON value per non-empty line; `#` lines are comments. @throws SimulateInputError on bad JSON. */
export function readJsonLines(file: string): { line: number; value: unknown }[] {
  const rows: { line: number; value: unknown }[] = [];
  readText(file)
    .split('\n')
    .forEach((text, index) => {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      try {
        rows.push({ line: index + 1, value: JSON.parse(trimmed) as unknown });
      } catch (error) {
        throw new SimulateInputError(`${file}:${index + 1}: not JSON (${(error as Error).message})`);
      }
    });
  return rows;
}

/** @throws SimulateInputError when the file is not a JSON object. */
export function readProfile(file: string): Profile {
  const text = readText(file);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new SimulateInputError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new SimulateInputError(`${file}: a profile is a JSON object`);
  return value;
}

/**
 * An event from `{ id?, customerId?, type, time | timeMs, properties? }`; `time` is ISO 8601 or
 * epoch ms. Without `id`, the file and line make one.
 *
 * @throws SimulateInputError naming the file and line.
 */
export function toCustomerEvent(
  value: unknown,
  file: string,
  line: number,
): CustomerEvent & { customerId: string | null } {
  const where = `${file}:${line}`;
  if (!isObject(value)) throw new SimulateInputError(`${where}: an event is a JSON object`);
  if (typeof value.type !== 'string' || value.type === '') throw new SimulateInputError(`${where}: "type" is missing`);
  const raw = value.time ?? value.timeMs ?? value.at;
  const timeMs =
    typeof raw === 'number' ? raw : typeof raw === 'string' ? (parseIsoTime(raw) ?? Number.NaN) : Number.NaN;
  if (!Number.isFinite(timeMs)) {
    throw new SimulateInputError(
      `${where}: "time" must be epoch ms or ISO 8601 with its offset (2026-11-02T10:00:00+09:00)`,
    );
  }
  const properties = value.properties ?? {};
  if (!isObject(properties)) throw new SimulateInputError(`${where}: "properties" must be an object`);
  return {
    id: typeof value.id === 'string' ? value.id : `${file}:${line}`,
    type: value.type,
    timeMs,
    properties: properties as CustomerEvent['properties'],
    customerId: typeof value.customerId === 'string' ? value.customerId : null,
  };
}

export function readEvents(file: string): (CustomerEvent & { customerId: string | null })[] {
  return readJsonLines(file).map(({ line, value }) => toCustomerEvent(value, file, line));
}

/** Customers from `{ id | customerId, ...profile }` lines. @throws SimulateInputError */
export function readCustomers(file: string): BacktestCustomer[] {
  return readJsonLines(file).map(({ line, value }) => {
    if (!isObject(value)) throw new SimulateInputError(`${file}:${line}: a customer is a JSON object`);
    const id = value.id ?? value.customerId;
    if (typeof id !== 'string' || id === '') throw new SimulateInputError(`${file}:${line}: "id" is missing`);
    return { id, profile: value };
  });
}

/**
 * When the first event happened, `null` without events. A loop, not `Math.min(...times)`: a
 * recorded population easily holds more events than a call can take arguments.
 */
export function earliestTime(events: readonly CustomerEvent[]): number | null {
  let earliest: number | null = null;
  for (const { timeMs } of events) if (earliest === null || timeMs < earliest) earliest = timeMs;
  return earliest;
}

/** Groups events by customer, each list in time order. */
export function groupEvents(
  events: readonly (CustomerEvent & { customerId: string | null })[],
): Map<string, CustomerEvent[]> {
  const byCustomer = new Map<string, CustomerEvent[]>();
  for (const { customerId, ...event } of events) {
    if (customerId === null) continue;
    const list = byCustomer.get(customerId) ?? [];
    list.push(event);
    byCustomer.set(customerId, list);
  }
  for (const list of byCustomer.values()) list.sort((a, b) => a.timeMs - b.timeMs);
  return byCustomer;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
