/**
 * Per-step results of a journey version, from the journal's counters (store/journal-counts.ts). Counted the way `kizuna simulate` backtest counts, so the two
 * reports can be compared line by line: a step's `entered` is the number of runs that reached it,
 * `sent` is keyed "template by channel", conversions are attributed to the step of the last message.
 */
import type { Plan } from '../../definitions/plan.js';
import type { Counts, StepFunnel } from '../../engine/simulator/backtest.js';
import { loadJourneyVersion } from '../../store/journeys.js';
import type { Models } from '../../store/connection.js';
import { streamVersionJournal } from '../../store/journal.js';
import { readJournalCounts, recountJournal, type CountedGroup } from '../../store/journal-counts.js';

/** A step's counts, shaped as the backtest's funnel rows (without the source position) so both compare. */
export type StepStats = Omit<StepFunnel, 'kind' | 'line'>;

export interface JourneyStats {
  journeyId: string;
  version: number;
  runs: number;
  holdout: number;
  converted: number;
  holdoutConverted: number;
  outcomes: Counts;
  steps: StepStats[];
  /** Conversion rates of treated and holdout runs (shares), and their difference, as the backtest reports them. */
  conversion: { treatedRate: number | null; holdoutRate: number | null; uplift: number | null };
}

/**
 * Figures for one version, from the journal's counters (a few rows, whatever the size of the journal).
 * A version journaled before counters existed is recounted from its rows once, on its first read.
 * `recount` rebuilds the counters from the rows anyway (after a crash left a batch uncounted).
 */
export async function journeyStats(
  models: Models,
  journeyId: string,
  version: number,
  opts: { recount?: boolean; by?: string } = {},
): Promise<JourneyStats> {
  const counts = await readVersionCounts(models, journeyId, version, opts);
  const plan = (await loadJourneyVersion(models, journeyId, version))?.plan ?? null;
  return summarise(journeyId, version, counts, plan);
}

/**
 * A version's counters, recounted first when they do not cover every row (or the per-value counters
 * when `by` asks for them, the day counters when `days` does: a version counted before those existed),
 * or when `recount` asks.
 */
export async function readVersionCounts(
  models: Models,
  journeyId: string,
  version: number,
  opts: { recount?: boolean; by?: string; days?: boolean },
): Promise<Map<string, number>> {
  let counted = await readJournalCounts(models, journeyId, version);
  const missing = (opts.by !== undefined && !counted.breakdowns) || (opts.days === true && !counted.days);
  if (!counted.complete || opts.recount || missing) {
    counted = await recountJournal(models, journeyId, version, streamVersionJournal(models, journeyId, version));
  }
  return counted.counts;
}

/** The figures of a version (or of one breakdown value of it) from its counters. */
export function summarise(
  journeyId: string,
  version: number,
  counts: Map<string, number>,
  plan: Plan | null,
): JourneyStats {
  const n = (key: string) => counts.get(key) ?? 0;
  const stats: JourneyStats = {
    journeyId,
    version,
    runs: n('runs'),
    holdout: n('holdout'),
    converted: n('converted'),
    holdoutConverted: n('holdoutConverted'),
    outcomes: {},
    steps: [],
    conversion: { treatedRate: null, holdoutRate: null, uplift: null },
  };
  const steps = new Map<string, StepStats>();
  // Every step of the plan, in source order (as the backtest lists them), reached or not.
  const planned = Object.values(plan?.steps ?? {}).sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  for (const s of planned) step(steps, s.id);
  for (const [key, value] of counts) {
    if (key.startsWith('reached:')) step(steps, key.slice('reached:'.length)).entered = value;
    if (!key.startsWith('rows:')) continue;
    const g = JSON.parse(key.slice('rows:'.length)) as CountedGroup;
    if (g.action === 'completed' && g.stepId === null) bump(stats.outcomes, g.reason ?? 'completed', value);
    if (g.action === 'converted' && g.attributedTo) step(steps, g.attributedTo).conversions += value;
    if (g.stepId !== null) count(step(steps, g.stepId), g, value);
  }
  stats.steps = [...steps.values()];
  const treated = stats.runs - stats.holdout;
  const treatedRate = treated > 0 ? (stats.converted - stats.holdoutConverted) / treated : null;
  const holdoutRate = stats.holdout > 0 ? stats.holdoutConverted / stats.holdout : null;
  stats.conversion = {
    treatedRate,
    holdoutRate,
    uplift: treatedRate !== null && holdoutRate !== null ? treatedRate - holdoutRate : null,
  };
  return stats;
}

function step(steps: Map<string, StepStats>, stepId: string) {
  let s = steps.get(stepId);
  if (!s) {
    s = {
      stepId,
      entered: 0,
      sent: {},
      skipped: {},
      deferred: {},
      failed: {},
      paths: {},
      conversions: 0,
    };
    steps.set(stepId, s);
  }
  return s;
}

function count(s: StepStats, g: CountedGroup, n: number): void {
  const reason = g.reason ?? g.action;
  switch (g.action) {
    case 'sent':
      return bump(s.sent, `${String(g.template)} by ${String(g.channel)}`, n);
    case 'skipped':
      return bump(s.skipped, reason, n);
    case 'deferred':
      return bump(s.deferred, reason, n);
    case 'failed':
      return bump(s.failed, reason, n);
    case 'branched':
    case 'split':
      return bump(s.paths, reason, n);
    case 'proceeded':
      return bump(s.paths, `proceeded (${reason})`, n);
    case 'matched':
    case 'timed-out':
    case 'repeat-stopped':
      return bump(s.paths, g.action, n);
    default:
      return;
  }
}

function bump(counts: Counts, key: string, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}
