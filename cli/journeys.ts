/** `kizuna journeys`, `kizuna pause|resume|archive <journey>`, `kizuna stats <journey> [--svg out.svg] [--by <field>]`. */
import { writeFileSync } from 'node:fs';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { Command } from 'commander';
import { toDot } from '../definitions/graph.js';
import type { Plan } from '../definitions/plan.js';
import type { JourneyStats, StepStats } from '../api/journeys/stats.js';
import type { JourneyStatsBy } from '../api/journeys/stats-by.js';
import { apiClientFromEnv, runCommand } from './api-client.js';
import { formatStatsBy } from './stats-by.js';

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

/** The per-step funnel as a text table. */
export function formatStats(stats: JourneyStats): string {
  const rows = [['step', 'entered', 'sent', 'skipped', 'failed', 'converted', 'paths']];
  for (const s of stats.steps) {
    rows.push([
      s.stepId,
      String(s.entered),
      list(s.sent) || '-',
      list(s.skipped) || '-',
      list(s.failed) || '-',
      String(s.conversions),
      list(s.paths) || '-',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const { treatedRate, holdoutRate, uplift } = stats.conversion;
  return [
    `${stats.journeyId} v${stats.version}: ${stats.runs} runs (${stats.holdout} holdout), ${stats.converted} converted`,
    `conversion: treated ${percent(treatedRate)}, holdout ${percent(holdoutRate)}, uplift ${uplift === null ? '-' : `${(100 * uplift).toFixed(1)} pt`}`,
    '',
    ...table,
  ].join('\n');
}

/** The journey graph in DOT with each step's figures beside its node. */
export function funnelDot(plan: Plan, steps: readonly StepStats[]): string {
  const dot = toDot(plan).trimEnd().replace(/\}$/, '');
  const notes = steps.map((s) => {
    const parts = [`${s.entered} in`];
    if (sum(s.sent) > 0) parts.push(`${sum(s.sent)} sent`);
    if (sum(s.skipped) > 0) parts.push(`${sum(s.skipped)} skipped`);
    if (s.conversions > 0) parts.push(`${s.conversions} conv.`);
    return `  ${JSON.stringify(s.stepId)} [xlabel=${JSON.stringify(parts.join(' · '))}, fontcolor="#1A73E8"];`;
  });
  return `${dot}${notes.join('\n')}\n}\n`;
}

export function registerJourneys(program: Command): void {
  program
    .command('journeys')
    .description('list published journeys (through the API)')
    .action(() =>
      runCommand(async () => {
        const { body } = await apiClientFromEnv().call<{
          journeys: { journeyId: string; version: number; status: string; name: string }[];
        }>('GET', '/v1/journeys');
        for (const j of body.journeys)
          console.log(`${j.journeyId.padEnd(28)} v${String(j.version).padEnd(4)} ${j.status.padEnd(9)} ${j.name}`);
      }),
    );
  for (const action of ['pause', 'resume', 'archive'] as const) {
    program
      .command(action)
      .description(`${action} a journey (through the API)`)
      .argument('<journey>', 'journey id')
      .action((journeyId: string) =>
        runCommand(async () => {
          const { body } = await apiClientFromEnv().call<{ status: string; version: number }>(
            'POST',
            `/v1/journeys/${encodeURIComponent(journeyId)}/${action}`,
          );
          console.log(`${journeyId} v${body.version}: ${body.status}`);
        }),
      );
  }
  program
    .command('stats')
    .description('per-step funnel of a journey version; --svg draws the graph with the figures')
    .argument('<journey>', 'journey id')
    .option('--version <n>', 'version (default: the current one)')
    .option('--svg <out>', 'write an SVG of the journey with the funnel on its steps')
    .option('--recount', 'rebuild the counters from the journal first (reads every row of the version)')
    .option(
      '--by <field>',
      'compare per value of a profile field (homeStore, acquisitionRoute, acquisitionSource, ...)',
    )
    .action((journeyId: string, options: { version?: string; svg?: string; recount?: boolean; by?: string }) =>
      runCommand(async () => {
        const api = apiClientFromEnv();
        const params = new URLSearchParams();
        if (options.version) params.set('version', options.version);
        if (options.recount) params.set('recount', 'true');
        const query = params.size > 0 ? `?${params.toString()}` : '';
        if (options.by) params.set('by', options.by);
        const id = encodeURIComponent(journeyId);
        const { body: stats } = await api.call<JourneyStats>('GET', `/v1/journeys/${id}/stats?${params.toString()}`);
        console.log(options.by ? formatStatsBy(stats as JourneyStatsBy) : formatStats(stats));
        if (options.svg) {
          const { body } = await api.call<{ plan: Plan }>('GET', `/v1/journeys/${id}${query}`);
          const graphviz = await Graphviz.load();
          writeFileSync(options.svg, graphviz.dot(funnelDot(body.plan, stats.steps), 'svg'));
          console.error(`wrote ${options.svg}`);
        }
      }),
    );
}
