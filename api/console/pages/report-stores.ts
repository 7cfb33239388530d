/**
 * `/console/reports/stores`: the stores report of a period (`GET /v1/reports/stores`): the arrival
 * funnel, arrivals and revenue per store as bars, and every store's figures in a table.
 */
import { dataTable, html, type Html } from '../html.js';
import { defineMessages } from '../i18n.js';
import type { ConsolePage, PageContext } from '../page.js';
import { barChart, chartBox } from '../reports/charts.js';
import { readStoresReport, type StoreLine } from '../reports/data.js';
import { figureCells, figureHeads } from '../reports/figure-table.js';
import { funnelChart } from '../reports/funnel.js';
import { reportMessages } from '../reports/messages.js';
import { parsePagePeriod } from '../reports/period.js';
import { periodForm, periodLine } from '../reports/period-form.js';

const messages = defineMessages({
  ja: {
    title: '店舗レポート',
    about:
      '流入は経路の「店舗」ごとに数えます。店舗のない経路（Web バナーなど）からの流入は顧客の「よく行く店舗」（homeStore）に、どちらもなければ「店舗なし」に数えます。',
    empty: '経路はまだありません。definitions/routes/ の経路を kizuna publish で公開してください。',
    arrivalsTitle: '店舗ごとの流入',
    arrivalsDesc: '期間中に各店舗の経路から流入した人数。',
    revenueTitle: '店舗ごとの売上',
    revenueDesc: '各店舗の経路から流入した顧客の、流入後の売上。',
    tableCaption: '店舗ごとの数値',
    store: '店舗',
    routes: '経路',
  },
  en: {
    title: 'Stores report',
    about:
      "Arrivals count under their route's store; through a route without one (a web banner), under the customer's home store; with neither, under no store.",
    empty: 'No route yet. Publish the routes of definitions/routes/ with kizuna publish.',
    arrivalsTitle: 'Arrivals by store',
    arrivalsDesc: "People who arrived through each store's routes in the period.",
    revenueTitle: 'Revenue by store',
    revenueDesc: "Revenue after arriving, of the customers who arrived through each store's routes.",
    tableCaption: 'Figures per store',
    store: 'Store',
    routes: 'Routes',
  },
});

function storesTable(ctx: PageContext, lines: readonly StoreLine[]): Html {
  const t = ctx.translate(messages);
  const r = ctx.translate(reportMessages);
  const rows = lines.map(
    (line) =>
      html`<tr data-store="${line.store ?? ''}">
        <th scope="row">${line.store ?? r('noStore')}</th>
        <td>${line.routes.join(', ')}</td>
        ${figureCells(ctx, line)}
      </tr>`,
  );
  const table = dataTable({
    className: 'report stores-report',
    caption: t('tableCaption'),
    heads: [t('store'), t('routes'), figureHeads(ctx)],
    rows,
  });
  return html`<div class="table-scroll">${table}</div>`;
}

function storeBars(ctx: PageContext, lines: readonly StoreLine[]): Html {
  const t = ctx.translate(messages);
  const r = ctx.translate(reportMessages);
  const label = (line: StoreLine) => line.store ?? r('noStore');
  const arrivals = lines.map((l) => ({ label: label(l), value: l.logins, text: ctx.fmt.number(l.logins) }));
  const revenue = lines.map((l) => ({ label: label(l), value: l.revenue, text: ctx.fmt.number(l.revenue) }));
  return html`<div class="charts">
    ${chartBox(
      t('arrivalsTitle'),
      barChart({ id: 'chart-store-arrivals', title: t('arrivalsTitle'), desc: t('arrivalsDesc') }, arrivals),
    )}
    ${chartBox(
      t('revenueTitle'),
      barChart({ id: 'chart-store-revenue', title: t('revenueTitle'), desc: t('revenueDesc') }, revenue),
    )}
  </div>`;
}

export const storesReportPage: ConsolePage = {
  path: '/reports/stores',
  section: 'reports',
  scope: 'journeys:read',
  async render(ctx) {
    const t = ctx.translate(messages);
    const period = parsePagePeriod(ctx.query, ctx.deps.clock(), ctx.deps.timeZone);
    const head = html`<p>${t('about')}</p>
      ${periodForm(ctx, period, '/console/reports/stores')} ${periodLine(ctx, period)}`;
    const lines: StoreLine[] = (await readStoresReport(ctx.deps.models, period)).stores;
    if (lines.length === 0)
      return {
        title: t('title'),
        body: html`${head}
          <p>${t('empty')}</p>`,
      };
    const body = html`${head}
      <div class="charts">${funnelChart(ctx, lines)}</div>
      ${storeBars(ctx, lines)} ${storesTable(ctx, lines)}`;
    return { title: t('title'), body };
  },
};
