/**
 * `kizuna simulate` for one customer, minus the files: decides how the customer enters, runs
 * the journey on a virtual clock and returns the timeline. Pure.
 */
import { evaluateCondition } from '../../definitions/conditions.js';
import { journeyZone } from '../../definitions/dates.js';
import type { Plan } from '../../definitions/plan.js';
import type { CustomerEvent } from '../inputs.js';
import { type TimelineEntry, toTimeline } from './describe.js';
import { type SimulationResult, simulateCustomer } from './simulate-customer.js';
import { type Profile, datedProfile } from './world.js';

export interface DryRunOptions {
  plan: Plan;
  customerId: string;
  profile: Profile;
  /** The customer's timeline, in any order. */
  events: readonly CustomerEvent[];
  /** Default: the first entry event; for event entries without one, the first event; else `fallbackStartMs`. */
  startMs: number | null;
  fallbackStartMs: number;
  durationMs: number;
}

export interface DryRun {
  startMs: number;
  untilMs: number;
  zone: string;
  /** What the dry run assumed (a synthetic entry event, a profile outside the segment...). */
  notes: string[];
  timeline: TimelineEntry[];
  result: SimulationResult;
}

/** Runs one customer through `plan`; never throws on a valid plan. */
export function dryRun(options: DryRunOptions): DryRun {
  const { plan, profile } = options;
  const events = [...options.events].sort((a, b) => a.timeMs - b.timeMs);
  const notes: string[] = [];
  const dated = datedProfile(profile, journeyZone(plan.policy.timezone, profile));
  const entryEvent = findEntryEvent(plan, dated, events, options.startMs);
  const { entry } = plan;
  const firstEvent = entry.type === 'event' ? events[0]?.timeMs : undefined;
  const startMs = options.startMs ?? entryEvent?.timeMs ?? firstEvent ?? options.fallbackStartMs;
  let enteredOn = entryEvent;
  if (entry.type === 'event' && enteredOn === null) {
    notes.push(`no ${entry.event} event matches the entry in the timeline: entering at the start with an empty one`);
    enteredOn = { id: 'simulated-entry', type: entry.event, timeMs: startMs, properties: {} };
  }
  if (entry.type === 'segment' && !evaluateCondition(entry.query, dated, startMs)) {
    notes.push('the profile is not in the entry segment at the start: simulating as if it were');
  }
  const untilMs = startMs + options.durationMs;
  const result = simulateCustomer({
    plan,
    customerId: options.customerId,
    profile,
    entryEvent: enteredOn,
    events,
    startMs: enteredOn?.timeMs ?? startMs,
    untilMs,
  });
  const zone = result.zone ?? fallbackZone(plan);
  return { startMs, untilMs, zone, notes, timeline: toTimeline(result.journal, zone), result };
}

function findEntryEvent(
  plan: Plan,
  profile: Profile,
  events: readonly CustomerEvent[],
  startMs: number | null,
): CustomerEvent | null {
  const { entry } = plan;
  if (entry.type !== 'event') return null;
  return (
    events.find(
      (e) =>
        e.type === entry.event &&
        (startMs === null || e.timeMs >= startMs) &&
        (entry.where === null || evaluateCondition(entry.where, { ...profile, event: e.properties }, e.timeMs)),
    ) ?? null
  );
}

function fallbackZone(plan: Plan): string {
  const zone = plan.policy.timezone;
  return zone.source === 'fixed' ? zone.zone : zone.fallback;
}
