/** The arrival funnel drawn on the routes and stores pages. */
import type { Html } from '../html.js';
import type { PageContext } from '../page.js';
import { barChart, chartBox } from './charts.js';
import type { LineFigures } from './data.js';
import { reportMessages } from './messages.js';

/** The arrival funnel of every line together (routes or stores), as bars in stage order. */
export function funnelChart(ctx: PageContext, lines: readonly LineFigures[]): Html {
  const r = ctx.translate(reportMessages);
  const stages = ['visits', 'logins', 'friendsAdded', 'customersLinked'] as const;
  const figures = stages.map((s) => lines.reduce((n, line) => n + line[s], 0));
  const bars = stages.map((s, i) => ({ label: r(s), value: figures[i]!, text: ctx.fmt.number(figures[i]!) }));
  const desc = r('funnelDesc', Object.fromEntries(stages.map((s, i) => [s, ctx.fmt.number(figures[i]!)])));
  const chart = barChart({ id: 'chart-funnel', title: r('funnelTitle'), desc }, bars);
  return chartBox(r('funnelTitle'), chart);
}
