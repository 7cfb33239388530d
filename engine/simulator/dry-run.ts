/**
 * `kizuna simulate` for one customer, minus the files: decides how the customer enters, runs
 * the journey on a virtual clock and returns the timeline. Pure.
 */
import { evaluateCondition, resolvePath } from '../../definitions/conditions.js';
import { journeyZone } from '../../definitions/dates.js';
import type { Plan } from '../../definitions/plan.js';
import { formatLocalTime, isValidTimeZone } from '../../definitions/time-windows.js';
import type { CustomerEvent } from '../inputs.js';
import { createJourneyState } from '../state.js';
import { type TimelineEntry, toTimeline } from './describe.js';
import { type SimulationResult, simulateCustomer } from './simulate-customer.js';
import { type Profile, datedProfile, undeclaredDateText } from './world.js';

export interface DryRunOptions {
  plan: Plan;
  customerId: string;
  profile: Profile;
  /** The customer's timeline, in any order. */
  events: readonly CustomerEvent[];
  /** When the simulation starts; see {@link defaultStart} for the default. */
  startMs: number;
  durationMs: number;
  /** Profile fields declared `date` (profile-fields.yaml): their ISO text reads as dates. None by default. */
  dateFields?: readonly string[];
}

export interface DryRun {
  startMs: number;
  untilMs: number;
  zone: string;
  /** What the dry run assumed or found (a synthetic entry event, a zone fallback, no entry...). */
  notes: string[];
  timeline: TimelineEntry[];
  /** The run; its outcome is `not-entered` (and nothing ran) when the entry filter kept the customer out. */
  result: SimulationResult;
}

/**
 * Where a dry run starts without `--start`: the first event that enters the customer, else the
 * first event of the timeline, for a journey entered by an event; `null` otherwise (segment and
 * API journeys have no event to start from: the caller must be told when to start).
 */
export function defaultStart(
  plan: Plan,
  profile: Profile,
  events: readonly CustomerEvent[],
  dateFields: readonly string[] = [],
): number | null {
  if (plan.entry.type !== 'event') return null;
  const sorted = [...events].sort((a, b) => a.timeMs - b.timeMs);
  const dated = datedProfile(profile, journeyZone(plan.policy.timezone, profile), dateFields);
  return findEntryEvent(plan, dated, sorted, null)?.timeMs ?? sorted[0]?.timeMs ?? null;
}

/** Runs one customer through `plan`; never throws on a valid plan. */
export function dryRun(options: DryRunOptions): DryRun {
  const { plan, profile, startMs } = options;
  const events = [...options.events].sort((a, b) => a.timeMs - b.timeMs);
  const untilMs = startMs + options.durationMs;
  const dateFields = options.dateFields ?? [];
  const notes = [...zoneNotes(plan, profile), ...dateTextNotes(profile, dateFields)];
  const dated = datedProfile(profile, journeyZone(plan.policy.timezone, profile), dateFields);
  const entryEvent = findEntryEvent(plan, dated, events, startMs);
  const { entry } = plan;
  let enteredOn = entryEvent;
  if (entry.type === 'event' && enteredOn === null) {
    const filtered = events.filter((e) => e.type === entry.event && e.timeMs >= startMs);
    if (filtered.length > 0) return notEntered(options, notes, filtered, fallbackZone(plan));
    notes.push(`no ${entry.event} event matches the entry in the timeline: entering at the start with an empty one`);
    enteredOn = { id: 'simulated-entry', type: entry.event, timeMs: startMs, properties: {} };
  }
  if (entry.type === 'segment' && !evaluateCondition(entry.query, dated, startMs)) {
    notes.push('the profile is not in the entry segment at the start: simulating as if it were');
  }
  const result = simulateCustomer({
    plan,
    customerId: options.customerId,
    profile,
    entryEvent: enteredOn,
    events,
    startMs: enteredOn?.timeMs ?? startMs,
    untilMs,
    dateFields,
  });
  const zone = result.zone ?? fallbackZone(plan);
  return { startMs, untilMs, zone, notes, timeline: toTimeline(result.journal, zone), result };
}

/** The entry's `where` kept every entry event out: nothing runs, and the timeline says why. */
function notEntered(options: DryRunOptions, notes: string[], refused: CustomerEvent[], zone: string): DryRun {
  const { plan, profile, startMs } = options;
  const untilMs = startMs + options.durationMs;
  const shownZone = profileZone(plan, profile) ?? zone;
  const [only] = refused;
  const what =
    refused.length === 1 && only !== undefined
      ? `${only.type} ${only.id} at ${formatLocalTime(only.timeMs, shownZone)} does not match the entry's where`
      : `none of the ${refused.length} ${refused[0]?.type ?? ''} events matches the entry's where`;
  notes.push(`not entered: ${what}; the customer would not enter the journey`);
  const result: SimulationResult = {
    journal: [],
    sends: [],
    outcome: 'not-entered',
    endMs: startMs,
    conversion: null,
    failure: null,
    waiting: null,
    state: createJourneyState(plan.journeyId, plan.contentHash),
    zone: shownZone,
    engineSteps: 0,
    profile,
  };
  return { startMs, untilMs, zone: shownZone, notes, timeline: [], result };
}

/** A note when the profile's zone is there but not an IANA zone, so the fallback's times are not a surprise. */
function zoneNotes(plan: Plan, profile: Profile): string[] {
  const policy = plan.policy.timezone;
  if (policy.source !== 'profile') return [];
  const raw = resolvePath(profile, policy.path.replace(/^profile\./, '').split('.'))[0];
  if (raw === undefined || raw === null || isValidTimeZone(raw)) return [];
  const path = policy.path.replace(/^profile\./, '');
  return [
    `the profile's ${path} ${JSON.stringify(raw)} is not an IANA time zone: times use the fallback ${policy.fallback}`,
  ];
}

/** A note for each field holding date text that is not declared a date: the store, and so conditions, keep it as text. */
function dateTextNotes(profile: Profile, dateFields: readonly string[]): string[] {
  return undeclaredDateText(profile, dateFields).map(
    (field) =>
      `the profile's ${field} ${JSON.stringify(profile[field])} looks like a date but is not declared ` +
      '`type: date` in profile-fields.yaml: conditions read it as text',
  );
}

/** The profile's zone when it is a valid one and the policy reads it. */
function profileZone(plan: Plan, profile: Profile): string | null {
  const policy = plan.policy.timezone;
  if (policy.source !== 'profile') return null;
  const raw = resolvePath(profile, policy.path.replace(/^profile\./, '').split('.'))[0];
  return isValidTimeZone(raw) ? raw : null;
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
