/**
 * `kizuna report journey <id> [--version N] [--by <field>] [--csv [--funnel]]`: a journey version's
 * funnel and its treated vs holdout conversion, overall and per value of a profile field, as
 * `GET /v1/journeys/:id/stats` answers them; as text, or as CSV (one line per value; with `--funnel`,
 * one line per value and step).
 */
import type { Command } from 'commander';
import type { JourneyStats, StepStats } from '../api/journeys/stats.js';
import type { JourneyStatsBy, ValueStats } from '../api/journeys/stats-by.js';
import { apiClientFromEnv, runCommand } from './api-client.js';
import { formatStats } from './journeys.js';
import { csvField } from './report-answers.js';
import { formatStatsBy } from './stats-by.js';

type Figures = Omit<ValueStats, 'value'>;

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The figures overall (value `(all)`), then per value of the field when there is one. */
function lines(stats: JourneyStats | JourneyStatsBy): Array<{ value: string; figures: Figures }> {
  const all = [{ value: '(all)', figures: stats as Figures }];
  if (!('by' in stats)) return all;
  return [...all, ...stats.by.values.map((v) => ({ value: v.value ?? '(none)', figures: v }))];
}

/** One line per value: runs, holdout, conversions, treated and holdout rates, uplift. */
export function journeyConversionCsv(stats: JourneyStats | JourneyStatsBy): string {
  const field = 'by' in stats ? stats.by.field : 'value';
  const out = [
    [field, 'runs', 'holdout', 'converted', 'holdoutConverted', 'treatedRate', 'holdoutRate', 'uplift'].join(','),
  ];
  for (const { value, figures: f } of lines(stats)) {
    const c = f.conversion;
    const cells = [value, f.runs, f.holdout, f.converted, f.holdoutConverted, c.treatedRate, c.holdoutRate, c.uplift];
    out.push(cells.map(csvField).join(','));
  }
  return `${out.join('\n')}\n`;
}

/** One line per value and step: entered, sent, skipped, failed, conversions attributed to the step. */
export function journeyFunnelCsv(stats: JourneyStats | JourneyStatsBy): string {
  const field = 'by' in stats ? stats.by.field : 'value';
  const out = [[field, 'step', 'entered', 'sent', 'skipped', 'failed', 'conversions'].join(',')];
  for (const { value, figures } of lines(stats)) {
    for (const step of stats.steps) {
      const s: StepStats | undefined = figures.steps.find((x) => x.stepId === step.stepId);
      const cells = s
        ? [value, s.stepId, s.entered, sum(s.sent), sum(s.skipped), sum(s.failed), s.conversions]
        : [value, step.stepId, 0, 0, 0, 0, 0];
      out.push(cells.map(csvField).join(','));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Adds `journey` to the `kizuna report` command. */
export function registerJourneyReport(report: Command): void {
  report
    .command('journey')
    .description("a journey's funnel and treated vs holdout conversion, overall and per value of a profile field")
    .argument('<journey>', 'journey id')
    .option('--version <n>', 'version (default: the current one)')
    .option('--by <field>', 'per value of a profile field (homeStore, acquisitionRoute, acquisitionSource, ...)')
    .option('--csv', 'CSV instead of text: one line per value (the first, "(all)", is the whole version)')
    .option('--funnel', 'with --csv: one line per value and step')
    .action((journeyId: string, opts: { version?: string; by?: string; csv?: boolean; funnel?: boolean }) =>
      runCommand(async () => {
        const params = new URLSearchParams();
        if (opts.version) params.set('version', opts.version);
        if (opts.by) params.set('by', opts.by);
        const path = `/v1/journeys/${encodeURIComponent(journeyId)}/stats?${params.toString()}`;
        const { body } = await apiClientFromEnv().call<JourneyStats | JourneyStatsBy>('GET', path);
        if (opts.csv) process.stdout.write(opts.funnel ? journeyFunnelCsv(body) : journeyConversionCsv(body));
        else console.log('by' in body ? formatStatsBy(body) : formatStats(body));
      }),
    );
}
