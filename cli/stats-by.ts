/** `kizuna stats <journey> --by <field>`: one campaign's conversion and funnel compared across a field's values. */
import type { JourneyStatsBy } from '../api/journeys/stats-by.js';

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const points = (uplift: number | null) => (uplift === null ? '-' : `${(100 * uplift).toFixed(1)} pt`);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Rows as a text table, columns padded to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** Conversion per value, then each step's entered / sent per value. */
export function formatStatsBy(stats: JourneyStatsBy): string {
  const label = (value: string | null) => value ?? '(none)';
  const values = stats.by.values;
  const conversion = [[stats.by.field, 'runs', 'holdout', 'converted', 'treated', 'holdout rate', 'uplift']];
  for (const v of values) {
    const c = v.conversion;
    conversion.push([
      label(v.value),
      String(v.runs),
      String(v.holdout),
      String(v.converted),
      percent(c.treatedRate),
      percent(c.holdoutRate),
      points(c.uplift),
    ]);
  }
  const funnel = [['step', ...values.map((v) => label(v.value))]];
  for (const step of stats.steps) {
    funnel.push([
      step.stepId,
      ...values.map((v) => {
        const s = v.steps.find((x) => x.stepId === step.stepId);
        return s ? `${s.entered} in, ${sum(s.sent)} sent` : '0 in';
      }),
    ]);
  }
  return [
    `${stats.journeyId} v${stats.version} by ${stats.by.field}: ${stats.runs} runs, ${stats.converted} converted`,
    '',
    ...table(conversion),
    '',
    ...table(funnel),
  ].join('\n');
}
