/**
 * The example timelines of `test/fixtures/simulate/` as runnable scenarios, moved forward in time by
 * whole weeks (so weekdays, local times of day and time zones stay as written) to lie ahead of a
 * Temporal server's clock. Profiles become store documents in the shape journeys read.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readEvents, readProfile } from '../../cli/simulate-input.js';
import { readDateValue } from '../../definitions/dates.js';
import { parseDuration } from '../../definitions/durations.js';
import type { Plan } from '../../definitions/plan.js';
import type { CustomerEvent } from '../../engine/index.js';
import { defaultStart, dryRun, type DryRun } from '../../engine/simulator/dry-run.js';
import { projectRoot } from '../../scripts/servers.js';

const FIXTURES = join(projectRoot, 'test', 'fixtures', 'simulate');
const WEEK = 7 * 24 * 3600 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(.*)$/;

export interface Scenario {
  name: string;
  /** The journey file's base name (definitions/journeys/<journey>.yaml). */
  journey: string;
  /** The profile as the fixture writes it (JSON). */
  profile: Record<string, unknown>;
  customerId: string;
  events: CustomerEvent[];
  startMs: number | null;
  durationMs: number;
}

/** The scenarios with a single profile (every example journey has at least one). */
export function loadScenarios(): Scenario[] {
  return readdirSync(FIXTURES)
    .filter((d) => existsSync(join(FIXTURES, d, 'profile.json')))
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as {
        journey?: string;
        start?: string;
        until: string;
      };
      const profile = readProfile(join(dir, 'profile.json'));
      const duration = parseDuration(args.until);
      if (!duration.ok) throw new Error(`${name}: bad until`);
      return {
        name,
        journey: args.journey ?? name,
        profile,
        customerId: typeof profile.id === 'string' ? profile.id : name,
        events: readEvents(join(dir, 'events.jsonl')).map(({ customerId: _c, ...e }) => e),
        startMs: args.start === undefined ? null : Date.parse(args.start),
        durationMs: duration.ms,
      };
    });
}

/** Whole weeks to add so that the scenario starts at least `marginMs` after `nowMs`. */
export function weeksAfter(scenario: Scenario, nowMs: number, marginMs: number): number {
  const first = Math.min(scenario.startMs ?? Infinity, ...scenario.events.map((e) => e.timeMs));
  return Math.max(0, Math.ceil((nowMs + marginMs - first) / WEEK));
}

/** The scenario moved by `weeks`: event times, and date text in the profile and event properties. */
export function shiftScenario(scenario: Scenario, weeks: number, customerId: string): Scenario {
  const ms = weeks * WEEK;
  const profile = shiftDates(scenario.profile, weeks * 7) as Record<string, unknown>;
  // LINE accepts only user ids of the form U + 32 hex digits; the fixtures' short ids are made whole.
  if (typeof profile.lineUserId === 'string' && !/^U[0-9a-f]{32}$/.test(profile.lineUserId)) {
    profile.lineUserId = `U${createHash('md5').update(`${customerId}/${profile.lineUserId}`).digest('hex')}`;
  }
  return {
    ...scenario,
    customerId,
    profile,
    events: scenario.events.map((e) => ({
      ...e,
      id: `${e.id}-${customerId}`,
      timeMs: e.timeMs + ms,
      properties: shiftDates(e.properties, weeks * 7) as CustomerEvent['properties'],
    })),
    startMs: scenario.startMs === null ? null : scenario.startMs + ms,
  };
}

/** Date text moved by whole days, keeping its time of day and offset as written. */
function shiftDates(value: unknown, days: number): unknown {
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value);
    if (!m || (m[4] !== '' && !m[4]!.startsWith('T'))) return value;
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
    return `${date.toISOString().slice(0, 10)}${m[4]}`;
  }
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, days));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, days)]));
  }
  return value;
}

/**
 * The profile as the store keeps it: `customerId`, consent in the store's vocabulary (LINE
 * `following` when the profile follows the account, as `lineFollowing` says), and date text as dates
 * read in the run's zone. The simulator gets the same profile, so both see one customer.
 */
export function toStoredProfile(profile: Record<string, unknown>, zone: string, dateFields: readonly string[]) {
  const { id: _id, consent: rawConsent, ...rest } = profile;
  const consent = (typeof rawConsent === 'object' && rawConsent !== null ? rawConsent : {}) as Record<string, unknown>;
  const follows = rest.lineFollowing === true;
  const email = consent.email === 'subscribed' || consent.email === 'unsubscribed' ? consent.email : 'unknown';
  const doc: Record<string, unknown> = { ...rest, consent: { email, line: follows ? 'following' : 'unknown' } };
  for (const field of dateFields) {
    const ms = readDateValue(doc[field], zone);
    if (typeof doc[field] === 'string' && ms !== null) doc[field] = new Date(ms);
  }
  return doc;
}

/** What `kizuna simulate` does for the scenario. */
export function simulateScenario(plan: Plan, scenario: Scenario, profile: Record<string, unknown>): DryRun {
  const startMs = scenario.startMs ?? defaultStart(plan, profile, scenario.events);
  if (startMs === null) throw new Error(`${scenario.name}: the scenario needs a start`);
  return dryRun({
    plan,
    customerId: scenario.customerId,
    profile,
    events: scenario.events,
    startMs,
    durationMs: scenario.durationMs,
  });
}

/** The zone a plan's run would use for this profile. */
export function zoneFor(plan: Plan, profile: Record<string, unknown>): string {
  const tz = plan.policy.timezone;
  if (tz.source === 'fixed') return tz.zone;
  const value = profile[tz.path.replace(/^profile\./, '')];
  return typeof value === 'string' ? value : tz.fallback;
}
