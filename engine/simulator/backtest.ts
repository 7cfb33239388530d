/**
 * A backtest: replays a recorded population through a journey on a virtual clock and counts,
 * per step, who got there, what was sent on which channel, what was skipped and why, and who
 * converted or left. Pure: it receives parsed customers and events and returns figures.
 */
import { evaluateCondition } from '../../definitions/conditions.js';
import { journeyZone } from '../../definitions/dates.js';
import { entryKeyValue } from '../../definitions/entry-key.js';
import type { Plan, ReentryPlan, StepKind } from '../../definitions/plan.js';
import type { JournalRecord } from '../commands.js';
import type { CustomerEvent } from '../inputs.js';
import { simulateCustomer, type SimulationResult } from './simulate-customer.js';
import { type Profile, createSendLedger, datedProfile } from './world.js';

export interface BacktestCustomer {
  id: string;
  profile: Profile;
}

export interface BacktestOptions {
  plan: Plan;
  customers: readonly BacktestCustomer[];
  /** Each customer's events in time order. */
  eventsByCustomer: ReadonlyMap<string, readonly CustomerEvent[]>;
  startMs: number;
  untilMs: number;
  /** Called after each customer, e.g. to draw a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Profile fields declared `date` (profile-fields.yaml): their ISO text reads as dates. None by default. */
  dateFields?: readonly string[];
}

export type Counts = Record<string, number>;

export interface StepFunnel {
  stepId: string;
  kind: StepKind;
  line: number;
  /** Runs that reached the step. */
  entered: number;
  /** Messages by "template by channel". */
  sent: Counts;
  skipped: Counts;
  deferred: Counts;
  failed: Counts;
  /** Ways out of the step: branch arms, split variants, matched / timed-out, proceeded reasons. */
  paths: Counts;
  /** Conversions attributed to a message of this step. */
  conversions: number;
}

/** Conversions of one group of runs (entries denied not counted). */
export interface ConversionRate {
  runs: number;
  converted: number;
  /** `converted / runs`, `null` without runs. */
  rate: number | null;
}

/** What the messages added: treated against holdout conversion. */
export interface ConversionSummary {
  treated: ConversionRate;
  holdout: ConversionRate;
  /** `treated.rate - holdout.rate` (a difference of shares), `null` when either group has no runs. */
  uplift: number | null;
}

export interface BacktestReport {
  journeyId: string;
  customers: number;
  /** Customers who never entered (no entry event, or outside the segment). */
  notEntered: number;
  /** Runs started (entries claimed or denied). */
  runs: number;
  /** Runs in the holdout (entries denied not counted). */
  holdout: number;
  /** Treated runs (not in the holdout) with a conversion. */
  converted: number;
  /** Holdout runs with a conversion. */
  holdoutConverted: number;
  /** Conversion rates of treated and holdout runs, and the uplift between them. */
  conversion: ConversionSummary;
  /** Runs still going when the clock stopped. */
  active: number;
  outcomes: Counts;
  steps: StepFunnel[];
  /** Calls of the step function. */
  engineSteps: number;
}

/** Replays every customer; never throws on a valid plan. */
export function backtest(options: BacktestOptions): BacktestReport {
  const { plan, customers } = options;
  const report = emptyReport(plan, customers.length);
  const funnel = new Map(report.steps.map((s) => [s.stepId, s]));
  let treatedRuns = 0;
  customers.forEach((customer, index) => {
    const results = replayCustomer(options, customer);
    if (results.length === 0) report.notEntered += 1;
    for (const result of results) {
      countRun(report, funnel, result);
      if (!result.state.holdout && result.outcome !== 'reentry-denied') treatedRuns += 1;
    }
    options.onProgress?.(index + 1, customers.length);
  });
  report.conversion = summarise(report, treatedRuns);
  return report;
}

function summarise(report: BacktestReport, treatedRuns: number): ConversionSummary {
  const rate = (runs: number, converted: number): ConversionRate => ({
    runs,
    converted,
    rate: runs === 0 ? null : converted / runs,
  });
  const treated = rate(treatedRuns, report.converted);
  const holdout = rate(report.holdout, report.holdoutConverted);
  const uplift = treated.rate === null || holdout.rate === null ? null : treated.rate - holdout.rate;
  return { treated, holdout, uplift };
}

interface Entry {
  atMs: number;
  event: CustomerEvent | null;
}

function replayCustomer(options: BacktestOptions, customer: BacktestCustomer): SimulationResult[] {
  const { plan, startMs, untilMs } = options;
  const events = firstOfEachId(options.eventsByCustomer.get(customer.id) ?? []);
  const ledger = createSendLedger();
  const results: SimulationResult[] = [];
  let profile = customer.profile;
  // Per key of a keyed entry (one run per customer and key), else one lane for the customer.
  const lanes = new Map<string, { busyUntil: number; lastEntryMs: number | null }>();
  const dateFields = options.dateFields ?? [];
  for (const entry of entries(
    plan,
    datedProfile(profile, journeyZone(plan.policy.timezone, profile), dateFields),
    events,
    startMs,
    untilMs,
  )) {
    const key = entry.event === null ? '' : (entryKeyValue(plan, entry.event.properties) ?? '');
    const lane = lanes.get(key) ?? { busyUntil: Number.NEGATIVE_INFINITY, lastEntryMs: null };
    lanes.set(key, lane);
    if (entry.atMs < lane.busyUntil) continue;
    const granted = mayEnter(plan.reentry, lane.lastEntryMs, entry.atMs);
    if (granted) lane.lastEntryMs = entry.atMs;
    const result = simulateCustomer({
      plan,
      customerId: customer.id,
      profile,
      entryEvent: entry.event,
      events: events.filter((e) => e.timeMs >= entry.atMs),
      startMs: entry.atMs,
      untilMs,
      ledger,
      claimEntry: () => granted,
      dateFields,
    });
    results.push(result);
    profile = result.profile;
    lane.busyUntil = result.outcome === null ? Number.POSITIVE_INFINITY : result.endMs;
  }
  return results;
}

/** Event ids are unique per customer: a repeated id is the same event, recorded again, and counts once. */
function firstOfEachId(events: readonly CustomerEvent[]): CustomerEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.id) && seen.add(e.id) !== undefined);
}

/** When a customer enters (`dated`: the profile with its dates read): on each matching entry event, or once at the start (segment members, API). */
function entries(
  plan: Plan,
  dated: Profile,
  events: readonly CustomerEvent[],
  startMs: number,
  untilMs: number,
): Entry[] {
  const { entry } = plan;
  switch (entry.type) {
    case 'event':
      return events
        .filter((e) => e.type === entry.event && e.timeMs >= startMs && e.timeMs <= untilMs)
        .filter(
          (e) => entry.where === null || evaluateCondition(entry.where, { ...dated, event: e.properties }, e.timeMs),
        )
        .map((e) => ({ atMs: e.timeMs, event: e }));
    case 'segment':
      return evaluateCondition(entry.query, dated, startMs) ? [{ atMs: startMs, event: null }] : [];
    case 'api':
      return [{ atMs: startMs, event: null }];
    default: {
      const unknown: never = entry;
      return unknown;
    }
  }
}

/** The re-entry ledger's answer, as the runtime's claim would give it. */
export function mayEnter(reentry: ReentryPlan, lastEntryMs: number | null, nowMs: number): boolean {
  if (lastEntryMs === null) return true;
  switch (reentry.policy) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'after':
      return nowMs - lastEntryMs >= reentry.afterMs;
    default: {
      const unknown: never = reentry;
      return unknown;
    }
  }
}

function emptyReport(plan: Plan, customers: number): BacktestReport {
  const steps = Object.values(plan.steps).map((step): StepFunnel => ({
    stepId: step.id,
    kind: step.kind,
    line: step.loc.line,
    entered: 0,
    sent: {},
    skipped: {},
    deferred: {},
    failed: {},
    paths: {},
    conversions: 0,
  }));
  steps.sort((a, b) => a.line - b.line);
  return {
    journeyId: plan.journeyId,
    customers,
    notEntered: 0,
    runs: 0,
    holdout: 0,
    converted: 0,
    holdoutConverted: 0,
    conversion: {
      treated: { runs: 0, converted: 0, rate: null },
      holdout: { runs: 0, converted: 0, rate: null },
      uplift: null,
    },
    active: 0,
    outcomes: {},
    steps,
    engineSteps: 0,
  };
}

function countRun(report: BacktestReport, funnel: Map<string, StepFunnel>, result: SimulationResult): void {
  report.runs += 1;
  report.engineSteps += result.engineSteps;
  if (result.state.holdout && result.outcome !== 'reentry-denied') report.holdout += 1;
  if (result.outcome === null) report.active += 1;
  else bump(report.outcomes, result.outcome);
  if (result.conversion !== null) {
    if (result.state.holdout) report.holdoutConverted += 1;
    else report.converted += 1;
    const step = result.conversion.stepId === null ? undefined : funnel.get(result.conversion.stepId);
    if (step !== undefined) step.conversions += 1;
  }
  const reached = new Set<string>();
  for (const record of result.journal) {
    const step = record.stepId === null ? undefined : funnel.get(record.stepId);
    if (step === undefined) continue;
    if (!reached.has(step.stepId)) {
      reached.add(step.stepId);
      step.entered += 1;
    }
    countRecord(step, record);
  }
}

function countRecord(step: StepFunnel, record: JournalRecord): void {
  const reason = record.reason ?? record.action;
  switch (record.action) {
    case 'sent':
      return bump(step.sent, `${String(record.detail.template)} by ${String(record.detail.channel)}`);
    case 'skipped':
      return bump(step.skipped, reason);
    case 'deferred':
      return bump(step.deferred, reason);
    case 'failed':
      return bump(step.failed, reason);
    case 'branched':
    case 'split':
      return bump(step.paths, reason);
    case 'proceeded':
      return bump(step.paths, `proceeded (${reason})`);
    case 'matched':
    case 'timed-out':
    case 'repeat-stopped':
      return bump(step.paths, record.action);
    default:
      return;
  }
}

function bump(counts: Counts, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
