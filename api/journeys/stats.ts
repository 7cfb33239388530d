/**
 * Per-step results of a journey version, from the journal with one MongoDB aggregation ($match and
 * $group only, which FerretDB runs too). Counted the way `kizuna simulate` backtest counts, so the two
 * reports can be compared line by line: a step's `entered` is the number of runs that reached it,
 * `sent` is keyed "template by channel", conversions are attributed to the step of the last message.
 */
import type { Plan } from '../../definitions/plan.js';
import type { Counts, StepFunnel } from '../../engine/simulator/backtest.js';
import { loadJourneyVersion } from '../../store/journeys.js';
import type { Models } from '../../store/connection.js';
import { streamVersionJournal } from '../../store/journal.js';

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

interface Group {
  _id: {
    run: string;
    stepId: string | null;
    action: string;
    reason: string | null;
    template?: string | null;
    channel?: string | null;
    holdout?: boolean | null;
    attributedTo?: string | null;
  };
  n: number;
}

/**
 * Figures for one version. The journal rows of the version are streamed and counted here: a run is
 * identified by its row ids' prefix (`<workflow id>/<chain id>`), which a `$group` on FerretDB cannot derive.
 */
export async function journeyStats(models: Models, journeyId: string, version: number): Promise<JourneyStats> {
  const counts = new Map<string, Group>();
  for await (const row of streamVersionJournal(models, journeyId, version)) {
    const d = row.detail ?? {};
    const g: Group['_id'] = {
      run: row.rowId.slice(0, row.rowId.lastIndexOf('/')),
      stepId: row.stepId ?? null,
      action: row.action,
      reason: row.reason ?? null,
      template: (d.template as string | undefined) ?? null,
      channel: (d.channel as string | undefined) ?? null,
      holdout: (d.holdout as boolean | undefined) ?? null,
      attributedTo: (d.attributedTo as string | undefined) ?? null,
    };
    const key = JSON.stringify(g);
    const hit = counts.get(key);
    if (hit) hit.n += 1;
    else counts.set(key, { _id: g, n: 1 });
  }
  const plan = (await loadJourneyVersion(models, journeyId, version))?.plan ?? null;
  return summarise(journeyId, version, [...counts.values()], plan);
}

function summarise(journeyId: string, version: number, groups: Group[], plan: Plan | null): JourneyStats {
  const stats: JourneyStats = {
    journeyId,
    version,
    runs: 0,
    holdout: 0,
    converted: 0,
    holdoutConverted: 0,
    outcomes: {},
    steps: [],
    conversion: { treatedRate: null, holdoutRate: null, uplift: null },
  };
  const runs = new Map<string, { holdout: boolean; converted: boolean }>();
  const steps = new Map<string, StepStats & { runs: Set<string> }>();
  // Every step of the plan, in source order (as the backtest lists them), reached or not.
  const planned = Object.values(plan?.steps ?? {}).sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  for (const s of planned) step(steps, s.id);
  const run = (id: string) => runs.get(id) ?? runs.set(id, { holdout: false, converted: false }).get(id)!;
  for (const { _id: g, n } of groups) {
    const r = run(g.run);
    if (g.action === 'entered' && g.stepId === null) r.holdout = g.holdout === true;
    if (g.action === 'completed' && g.stepId === null) bump(stats.outcomes, g.reason ?? 'completed', n);
    if (g.action === 'converted') {
      r.converted = true;
      if (g.attributedTo) step(steps, g.attributedTo).conversions += n;
    }
    if (g.stepId === null) continue;
    const s = step(steps, g.stepId);
    s.runs.add(g.run);
    count(s, g, n);
  }
  for (const r of runs.values()) {
    stats.runs += 1;
    if (r.holdout) stats.holdout += 1;
    if (r.converted) stats.converted += 1;
    if (r.converted && r.holdout) stats.holdoutConverted += 1;
  }
  stats.steps = [...steps.values()].map(({ runs: reached, ...s }) => ({ ...s, entered: reached.size }));
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

function step(steps: Map<string, StepStats & { runs: Set<string> }>, stepId: string) {
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
      runs: new Set(),
    };
    steps.set(stepId, s);
  }
  return s;
}

function count(s: StepStats, g: Group['_id'], n: number): void {
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
