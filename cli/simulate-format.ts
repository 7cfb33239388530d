/** Text output of `kizuna simulate`: the timeline of one customer and the funnel of a backtest. */
import type { BacktestReport, ConversionRate, ConversionSummary, Counts } from '../engine/simulator/backtest.js';
import type { DryRun } from '../engine/simulator/dry-run.js';
import { formatLocalTime } from '../definitions/time-windows.js';

/** The readable timeline: local time, step, what happened; then how the run ended. */
export function formatTimeline(journeyId: string, run: DryRun): string {
  const lines = [`${journeyId} — times in ${run.zone}`];
  for (const note of run.notes) lines.push(`note: ${note}`);
  const width = Math.max(4, ...run.timeline.map((e) => (e.stepId ?? '').length));
  for (const entry of run.timeline) {
    lines.push(`${entry.local}  ${(entry.stepId ?? '-').padEnd(width)}  ${entry.text}`);
  }
  const { result } = run;
  if (result.outcome === null) {
    const until = result.waiting?.untilMs;
    const what =
      until === null || until === undefined ? 'waiting' : `waiting until ${formatLocalTime(until, run.zone)}`;
    lines.push(
      `${formatLocalTime(run.untilMs, run.zone)}  ${'-'.padEnd(width)}  simulation ends; the customer is still ${what}`,
    );
  }
  if (result.failure !== null) lines.push(`failed ${result.failure.code}: ${result.failure.message}`);
  return lines.join('\n');
}

function counts(c: Counts): string {
  return Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The per-step funnel as a table. */
export function formatFunnel(report: BacktestReport): string {
  const lines = [
    `${report.journeyId}: ${plural(report.customers, 'customer')}, ${plural(report.runs, 'run')}, ${report.notEntered} never entered, ` +
      `${report.holdout} in holdout, ${report.active} still active`,
    conversionText(report.conversion),
    `outcomes: ${counts(report.outcomes) || 'none'}`,
    '',
  ];
  const width = Math.max(4, ...report.steps.map((s) => s.stepId.length));
  lines.push(`${'step'.padEnd(width)}  ${'kind'.padEnd(14)}  ${'entered'.padStart(7)}  details`);
  for (const step of report.steps) {
    const details = [
      Object.keys(step.sent).length > 0 ? `sent: ${counts(step.sent)}` : '',
      Object.keys(step.skipped).length > 0 ? `skipped: ${counts(step.skipped)}` : '',
      Object.keys(step.deferred).length > 0 ? `deferred: ${counts(step.deferred)}` : '',
      Object.keys(step.failed).length > 0 ? `failed: ${counts(step.failed)}` : '',
      Object.keys(step.paths).length > 0 ? counts(step.paths) : '',
      step.conversions > 0 ? `conversions ${step.conversions}` : '',
    ].filter((d) => d !== '');
    const row = `${step.stepId.padEnd(width)}  ${step.kind.padEnd(14)}  ${String(step.entered).padStart(7)}  ${details.join('; ')}`;
    lines.push(row.trimEnd());
  }
  return lines.join('\n');
}

/** "conversion: treated 3 of 10 (30.0%), holdout 1 of 5 (20.0%), uplift +10.0 points". */
export function conversionText(summary: ConversionSummary): string {
  const group = ({ runs, converted, rate }: ConversionRate): string =>
    `${converted} of ${runs} (${rate === null ? 'no runs' : `${(100 * rate).toFixed(1)}%`})`;
  const { uplift } = summary;
  const points = uplift === null ? '-' : `${uplift >= 0 ? '+' : '-'}${Math.abs(100 * uplift).toFixed(1)} points`;
  return `conversion: treated ${group(summary.treated)}, holdout ${group(summary.holdout)}, uplift ${points}`;
}

/** A one-line progress bar, redrawn in place. */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : done / total;
  const filled = Math.round(share * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} customers`;
}
