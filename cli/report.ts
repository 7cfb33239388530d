/**
 * `kizuna report routes [--from --to --days --csv]` (the routes report of the API, as a table or CSV),
 * `kizuna report stores` (cli/report-stores.ts), `kizuna report answers` (cli/report-answers.ts),
 * `kizuna report journey` (cli/report-journey.ts) and `kizuna report line-budget`.
 */
import type { Command } from 'commander';
import { ARRIVAL_FIGURES } from '../api/reports/arrival-figures.js';
import type { RoutesReport } from '../api/routes/report.js';
import type { LineBudgetStatus } from '../channels/line-budget.js';
import { apiClientFromEnv, runCommand } from './api-client.js';
import { csvField, registerAnswersReport } from './report-answers.js';
import { registerJourneyReport } from './report-journey.js';
import { registerStoresReport } from './report-stores.js';

const COLUMNS = ['routeId', 'name', 'store', 'channel', ...ARRIVAL_FIGURES] as const;

/** The report as CSV: one line per route, conversions as `journey=n` pairs in the last column. */
export function routesReportCsv(report: RoutesReport): string {
  const lines = [[...COLUMNS, 'conversions'].join(',')];
  for (const row of report.routes) {
    const conversions = Object.entries(row.conversions)
      .map(([j, n]) => `${j}=${n}`)
      .join(' ');
    lines.push([...COLUMNS.map((c) => csvField(row[c])), csvField(conversions)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports (through the API)');
  report
    .command('routes')
    .description('per friend-add route: visits, logins, friends added, customers, orders, revenue, conversions')
    .option('--from <date>', 'start of the period (ISO date or date-time); default 30 days before --to')
    .option('--to <date>', 'end of the period; default now')
    .option('--days <n>', 'orders and conversions counted within this many days of arriving', '30')
    .option('--csv', 'CSV instead of a table')
    .action((options: { from?: string; to?: string; days: string; csv?: boolean }) =>
      runCommand(async () => {
        const query = new URLSearchParams({ days: options.days });
        if (options.from) query.set('from', options.from);
        if (options.to) query.set('to', options.to);
        const { body } = await apiClientFromEnv().call<RoutesReport>('GET', `/v1/reports/routes?${query.toString()}`);
        if (options.csv) process.stdout.write(routesReportCsv(body));
        else {
          console.log(`routes ${body.from} – ${body.to} (orders within ${body.days} days)`);
          console.table(body.routes.map((r) => Object.fromEntries(COLUMNS.map((c) => [c, r[c]]))));
        }
      }),
    );
  registerStoresReport(report);
  registerAnswersReport(report);
  registerJourneyReport(report);
  report
    .command('line-budget')
    .description("this month's LINE messages: the workspace budget, Kizuna's count, LINE's quota")
    .option('--json', 'the API answer as JSON')
    .action((options: { json?: boolean }) =>
      runCommand(async () => {
        const { body } = await apiClientFromEnv().call<LineBudgetStatus>('GET', '/v1/reports/line-budget');
        console.log(options.json ? JSON.stringify(body, null, 2) : describeLineBudget(body));
      }),
    );
}

/** The budget report as a few lines for people. */
export function describeLineBudget(s: LineBudgetStatus): string {
  const { monthly, reserve, marketingLimit } = s.budget;
  const line = s.line
    ? `LINE: ${s.line.consumption.totalUsage} used of ${s.line.quota.type === 'limited' ? String(s.line.quota.value) : 'no limit'}`
    : `LINE: not read${s.lineError ? ` (${s.lineError})` : ''}`;
  const state = (open: boolean) => (open ? 'sending' : 'stopped');
  return [
    `LINE budget ${s.month} (Japan time): ${s.used} messages counted`,
    `budget: ${monthly} a month, ${reserve} reserved for transactional journeys (marketing stops at ${marketingLimit})`,
    line,
    `marketing: ${state(s.open.marketing)}, transactional: ${state(s.open.transactional)}`,
  ].join('\n');
}
