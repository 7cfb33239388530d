/** `kizuna report answers <journey> [--days N] [--csv]`: survey answers by question, route and purchases after. */
import type { Command } from 'commander';
import type { AnswersReport } from '../api/reports/answers.js';
import { apiClientFromEnv, runCommand } from './api-client.js';

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const route = (name: string | null) => name ?? '(none)';

/** A CSV field, quoted when it must be (RFC 4180). */
export const csvField = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One CSV row per question, answer and route. */
export function answersCsv(report: AnswersReport): string {
  const lines = [['question', 'answer', 'route', 'answers', 'purchased', 'revenue'].join(',')];
  for (const q of report.questions) {
    for (const t of q.tally) {
      for (const r of t.routes) {
        lines.push([q.question, t.answer, route(r.route), r.answers, r.purchased, r.revenue].map(csvField).join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The report as text: per question, each answer with its purchase rate and its routes. */
export function formatAnswers(report: AnswersReport): string {
  const out = [`${report.journeyId}: purchases within ${report.purchaseWindowDays} days after answering`];
  for (const q of report.questions) {
    out.push('', `${q.question} (${q.answers} answers)`);
    for (const t of q.tally) {
      const routes = t.routes.map((r) => `${route(r.route)} ${r.answers}`).join(', ');
      out.push(
        `  ${t.answer.padEnd(16)} ${String(t.answers).padStart(5)}  bought ${t.purchased} (${percent(t.purchaseRate)}), ¥${t.revenue}  routes: ${routes}`,
      );
    }
  }
  return out.join('\n');
}

/** Adds `answers` to the `kizuna report` command. */
export function registerAnswersReport(report: Command): void {
  report
    .command('answers')
    .description('survey answers of a journey, per question, crossed with route and purchases after answering')
    .argument('<journey>', 'journey id')
    .option('--days <n>', 'purchase window after an answer, in days', '30')
    .option('--csv', 'print CSV: question, answer, route, answers, purchased, revenue')
    .action((journeyId: string, opts: { days: string; csv?: boolean }) =>
      runCommand(async () => {
        const query = new URLSearchParams({ days: opts.days });
        const { body } = await apiClientFromEnv().call<AnswersReport>(
          'GET',
          `/v1/reports/answers/${encodeURIComponent(journeyId)}?${query.toString()}`,
        );
        if (opts.csv) process.stdout.write(answersCsv(body));
        else console.log(formatAnswers(body));
      }),
    );
}
