/**
 * Benchmark: backtest 10,000 generated customers through the win-back example over 90 simulated
 * days with their events, and measure engine steps per second. Prints JSON figures.
 *
 * Baseline, measured in the same run: the same customers through a one-step plan (a single
 * wait), i.e. the floor cost of the simulator and the step function per run.
 *
 * Usage: npx tsx bench/backtest.ts [--customers 10000] [--days 90]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import type { Plan } from '../definitions/plan.js';
import type { CustomerEvent } from '../engine/inputs.js';
import { assertWork, exactly, some } from './assert-work.js';
import { backtest, type BacktestCustomer, type BacktestReport } from '../engine/simulator/backtest.js';

const DAY = 86_400_000;
const START = Date.parse('2026-11-02T01:00:00Z');
const ZONES = ['Asia/Tokyo', 'Asia/Tokyo', 'Asia/Tokyo', 'America/Los_Angeles', 'Europe/Paris'];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** A small seeded generator (mulberry32), so every run backtests the same population. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function population(
  count: number,
  days: number,
): { customers: BacktestCustomer[]; events: Map<string, CustomerEvent[]> } {
  const rand = random(20261102);
  const customers: BacktestCustomer[] = [];
  const events = new Map<string, CustomerEvent[]>();
  for (let i = 0; i < count; i += 1) {
    const id = `c${i}`;
    const follows = rand() < 0.6;
    customers.push({
      id,
      profile: {
        id,
        email: rand() < 0.95 ? `${id}@example.jp` : '',
        lineUserId: follows ? `U${i}` : undefined,
        lineFollowing: follows,
        timezone: ZONES[Math.floor(rand() * ZONES.length)],
        consent: { email: rand() < 0.9 ? 'subscribed' : 'unsubscribed', line: follows ? 'following' : 'unknown' },
        totalSpent: Math.floor(rand() * 60000),
        lastOrderAt: new Date(START - Math.floor(rand() * 200) * DAY).toISOString(),
      },
    });
    const own: CustomerEvent[] = [];
    const add = (type: string, p: number): void => {
      if (rand() < p)
        own.push({ id: `${id}-${type}`, type, timeMs: START + Math.floor(rand() * days * DAY), properties: {} });
    };
    add('order.completed', 0.25);
    add('customer.unsubscribed', 0.03);
    add('line.unfollowed', 0.05);
    add('page.viewed', 0.5);
    own.sort((a, b) => a.timeMs - b.timeMs);
    events.set(id, own);
  }
  return { customers, events };
}

/** The win-back plan and the profile fields declared `date` (the segment reads `lastOrderAt` as a date). */
function winbackPlan(): { plan: Plan; dateFields: string[] } {
  const file = 'definitions/journeys/winback.yaml';
  const options = loadCompileOptions();
  const result = compileJourney(readFileSync(file, 'utf8'), file, options);
  if (!result.ok) throw new Error(`${file} does not compile: ${result.errors.map((e) => e.message).join('; ')}`);
  return { plan: result.plan, dateFields: [...(options.dateFields ?? [])] };
}

function onePlan(plan: Plan): Plan {
  const step = { kind: 'wait' as const, id: 'only', loc: { line: 1, col: 1 }, durationMs: DAY, next: null };
  return {
    ...plan,
    entry: { type: 'api' },
    exits: [],
    goals: [],
    holdoutPercent: 0,
    start: 'only',
    steps: { only: step },
  };
}

interface Population {
  customers: BacktestCustomer[];
  events: Map<string, CustomerEvent[]>;
  dateFields: string[];
}

function measure(plan: Plan, { customers, events, dateFields }: Population, days: number) {
  const started = performance.now();
  const report: BacktestReport = backtest({
    plan,
    customers,
    eventsByCustomer: events,
    startMs: START,
    untilMs: START + days * DAY,
    dateFields,
  });
  const ms = performance.now() - started;
  const sends = report.steps.reduce((sum, s) => sum + Object.values(s.sent).reduce((a, b) => a + b, 0), 0);
  return {
    ms: Math.round(ms),
    runs: report.runs,
    engineSteps: report.engineSteps,
    engineStepsPerSecond: Math.round(report.engineSteps / (ms / 1000)),
    customersPerSecond: Math.round(customers.length / (ms / 1000)),
    sends,
    converted: report.converted,
    outcomes: report.outcomes,
  };
}

const customersCount = option('customers', 10_000);
const days = option('days', 90);
const { plan, dateFields } = winbackPlan();
const people: Population = { ...population(customersCount, days), dateFields };
measure(plan, { ...people, customers: people.customers.slice(0, 200) }, days); // warm-up: JIT and Intl formatters
const winback = measure(plan, people, days);
const baseline = measure(onePlan(plan), people, days);
// The baseline runs every customer (an API entry); win-back only the segment's members, and sends.
assertWork('backtest', {
  winbackRuns: some(winback.runs),
  winbackEngineSteps: some(winback.engineSteps),
  winbackSends: some(winback.sends),
  baselineRuns: exactly(baseline.runs, customersCount),
});
console.log(
  JSON.stringify(
    {
      benchmark: 'backtest',
      journey: plan.journeyId,
      customers: customersCount,
      simulatedDays: days,
      events: [...people.events.values()].reduce((sum, list) => sum + list.length, 0),
      node: process.version,
      targetMs: 5000,
      withinTarget: winback.ms < 5000,
      winback,
      baseline: { plan: 'one wait step, same customers', ...baseline },
      winbackOverBaseline: Number((winback.ms / Math.max(1, baseline.ms)).toFixed(2)),
    },
    null,
    2,
  ),
);
