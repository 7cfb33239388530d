/**
 * `kizuna report stores [--from --to --days] [--csv [--journeys]]`: the stores report of the API as
 * tables, or as CSV (one line per store; with `--journeys`, one line per store and journey).
 */
import type { Command } from 'commander';
import { ARRIVAL_FIGURES } from '../api/reports/arrival-figures.js';
import type { StoreReportRow, StoresReport } from '../api/reports/stores.js';
import { apiClientFromEnv, runCommand } from './api-client.js';
import { csvField } from './report-answers.js';
import { percent, points, textTable } from './text-table.js';

const JOURNEY_COLUMNS = [
  'runs',
  'holdout',
  'converted',
  'holdoutConverted',
  'treatedRate',
  'holdoutRate',
  'uplift',
] as const;

const storeName = (store: string | null) => store ?? '(none)';
const pairs = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([j, n]) => `${j}=${n}`)
    .join(' ');

/** One line per store: the figures, its routes and its conversions as `journey=n` pairs. */
export function storesCsv(report: StoresReport): string {
  const lines = [['store', 'routes', ...ARRIVAL_FIGURES, 'conversions'].join(',')];
  for (const row of report.stores) {
    const cells = [
      row.store ?? '',
      row.routes.join(' '),
      ...ARRIVAL_FIGURES.map((c) => row[c]),
      pairs(row.conversions),
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** One line per store and journey: runs, holdout, conversions, the treated and holdout rates. */
export function storeJourneysCsv(report: StoresReport): string {
  const lines = [['store', 'journeyId', 'version', ...JOURNEY_COLUMNS].join(',')];
  for (const row of report.stores) {
    for (const j of row.journeys) {
      lines.push(
        [row.store ?? '', j.journeyId, j.version, ...JOURNEY_COLUMNS.map((c) => j[c])].map(csvField).join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The report as text: the stores' figures, then each store's journeys with treated vs holdout. */
export function formatStores(report: StoresReport): string {
  const stores = [['store', ...ARRIVAL_FIGURES, 'conversions']];
  for (const row of report.stores) {
    stores.push([storeName(row.store), ...ARRIVAL_FIGURES.map((c) => String(row[c])), pairs(row.conversions) || '-']);
  }
  const out = [
    `stores ${report.from} – ${report.to} (orders and conversions within ${report.days} days of arriving)`,
    '',
    ...textTable(stores),
  ];
  const journeys = [['store', 'journey', 'runs', 'holdout', 'converted', 'treated', 'holdout rate', 'uplift']];
  for (const row of report.stores) journeys.push(...journeyLines(row));
  if (journeys.length > 1) out.push('', 'journeys (current versions, every run):', '', ...textTable(journeys));
  return out.join('\n');
}

function journeyLines(row: StoreReportRow): string[][] {
  return row.journeys.map((j) => [
    storeName(row.store),
    `${j.journeyId} v${j.version}`,
    String(j.runs),
    String(j.holdout),
    String(j.converted),
    percent(j.treatedRate),
    percent(j.holdoutRate),
    points(j.uplift),
  ]);
}

/** Adds `stores` to the `kizuna report` command. */
export function registerStoresReport(report: Command): void {
  report
    .command('stores')
    .description('per store: route visits, arrivals, customers, orders, revenue, conversions, treated vs holdout')
    .option('--from <date>', 'start of the period (ISO date or date-time); default 30 days before --to')
    .option('--to <date>', 'end of the period; default now')
    .option('--days <n>', 'orders and conversions counted within this many days of arriving', '30')
    .option('--csv', 'CSV instead of tables: one line per store')
    .option('--journeys', 'with --csv: one line per store and journey (treated vs holdout)')
    .action((options: { from?: string; to?: string; days: string; csv?: boolean; journeys?: boolean }) =>
      runCommand(async () => {
        const query = new URLSearchParams({ days: options.days });
        if (options.from) query.set('from', options.from);
        if (options.to) query.set('to', options.to);
        const { body } = await apiClientFromEnv().call<StoresReport>('GET', `/v1/reports/stores?${query.toString()}`);
        if (options.csv) process.stdout.write(options.journeys ? storeJourneysCsv(body) : storesCsv(body));
        else console.log(formatStores(body));
      }),
    );
}
