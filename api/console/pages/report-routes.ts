/**
 * `/console/reports/routes`: the routes report (`GET /v1/reports/routes`) of a period — the arrival
 * funnel and arrivals per route as bars, arrivals and conversions per day as a line, every route's
 * figures in a table with its QR code and a link to the QR's print view.
 */
import { dataTable, html, type Html } from '../html.js';
import { defineMessages } from '../i18n.js';
import type { ConsolePage, PageContext } from '../page.js';
import type { RouteReportRow, RoutesReport } from '../../routes/report.js';
import { barChart, chartBox, lineChart } from '../reports/charts.js';
import { readDailyFigures, readRoutesReport, type DailyFigures } from '../reports/data.js';
import { reportMessages } from '../reports/messages.js';
import { parsePagePeriod, type PeriodView } from '../reports/period.js';
import { periodForm, periodLine } from '../reports/period-form.js';
import { qrFigure, routeQr } from '../reports/qr.js';
import { figureCells, figureHeads } from '../reports/figure-table.js';
import { funnelChart } from '../reports/funnel.js';

const messages = defineMessages({
  ja: {
    title: '流入経路レポート',
    empty: '経路はまだありません。definitions/routes/ の経路を kizuna publish で公開してください。',
    byRouteTitle: '経路ごとの流入',
    byRouteDesc: '期間中に各経路から流入した人数。',
    tableCaption: '経路ごとの数値',
    route: '経路',
    store: '店舗',
    channel: 'チャネル',
    qr: 'QR コード',
    qrLabel: '{name} の QR コード',
    print: '印刷用ページ',
    noLink: 'リンク未設定（LINE Login の設定が必要です）',
  },
  en: {
    title: 'Routes report',
    empty: 'No route yet. Publish the routes of definitions/routes/ with kizuna publish.',
    byRouteTitle: 'Arrivals by route',
    byRouteDesc: 'People who arrived through each route in the period.',
    tableCaption: 'Figures per route',
    route: 'Route',
    store: 'Store',
    channel: 'Channel',
    qr: 'QR code',
    qrLabel: 'QR code of {name}',
    print: 'Print view',
    noLink: 'No link (LINE Login is not set up)',
  },
});

async function qrCell(ctx: PageContext, row: RouteReportRow): Promise<Html> {
  const t = ctx.translate(messages);
  const qr = await routeQr(ctx.deps.routeOrigin ?? null, row.routeId);
  if (!qr) return html`<td class="qr-cell">${t('noLink')}</td>`;
  const print = `/console/reports/routes/${encodeURIComponent(row.routeId)}/qr`;
  return html`<td class="qr-cell">
    ${qrFigure(qr, t('qrLabel', { name: row.name }), 'small')}
    <a href="${print}">${t('print')}</a>
  </td>`;
}

async function routesTable(ctx: PageContext, report: RoutesReport): Promise<Html> {
  const t = ctx.translate(messages);
  const r = ctx.translate(reportMessages);
  const rows: Html[] = [];
  for (const row of report.routes) {
    rows.push(
      html`<tr data-route="${row.routeId}">
        <th scope="row">${row.name}<span class="id">${row.routeId}</span></th>
        <td>${row.store ?? r('none')}</td>
        <td>${row.channel ?? r('none')}</td>
        ${figureCells(ctx, row)} ${await qrCell(ctx, row)}
      </tr>`,
    );
  }
  const table = dataTable({
    className: 'report routes-report',
    caption: t('tableCaption'),
    heads: [t('route'), t('store'), t('channel'), figureHeads(ctx), t('qr')],
    rows,
  });
  return html`<div class="table-scroll">${table}</div>`;
}

function dailyChart(ctx: PageContext, period: PeriodView, daily: readonly DailyFigures[]): Html {
  const r = ctx.translate(reportMessages);
  const arrivals = daily.reduce((n, d) => n + d.arrivals, 0);
  const conversions = daily.reduce((n, d) => n + d.conversions, 0);
  const desc = r('dailyDesc', { from: period.fromDay, to: period.toDay, arrivals, conversions });
  const chart = lineChart(
    { id: 'chart-daily', title: r('dailyTitle'), desc },
    daily.map((d) => d.day),
    [
      { name: r('logins'), values: daily.map((d) => d.arrivals) },
      { name: r('conversions'), values: daily.map((d) => d.conversions) },
    ],
  );
  const rows = daily.map(
    (d) =>
      html`<tr data-day="${d.day}">
        <th scope="row">${d.day}</th>
        <td class="num" data-field="arrivals">${ctx.fmt.number(d.arrivals)}</td>
        <td class="num" data-field="conversions">${ctx.fmt.number(d.conversions)}</td>
      </tr>`,
  );
  const table = html`<details>
    <summary>${r('dataTable')}</summary>
    ${dataTable({ className: 'daily', caption: r('dailyTitle'), heads: [r('day'), r('logins'), r('conversions')], rows })}
  </details>`;
  return chartBox(r('dailyTitle'), chart, table);
}

export const routesReportPage: ConsolePage = {
  path: '/reports/routes',
  section: 'reports',
  scope: 'journeys:read',
  async render(ctx) {
    const t = ctx.translate(messages);
    const period = parsePagePeriod(ctx.query, ctx.deps.clock(), ctx.deps.timeZone);
    const head = html`${periodForm(ctx, period, '/console/reports/routes')} ${periodLine(ctx, period)}`;
    const report = await readRoutesReport(ctx.deps.models, period);
    if (report.routes.length === 0)
      return {
        title: t('title'),
        body: html`${head}
          <p>${t('empty')}</p>`,
      };
    const daily = await readDailyFigures(ctx.deps.models, period);
    const bars = report.routes.map((row) => ({ label: row.name, value: row.logins, text: ctx.fmt.number(row.logins) }));
    const byRoute = barChart({ id: 'chart-routes', title: t('byRouteTitle'), desc: t('byRouteDesc') }, bars);
    const body = html`${head}
      <div class="charts">${funnelChart(ctx, report.routes)} ${chartBox(t('byRouteTitle'), byRoute)}</div>
      ${dailyChart(ctx, period, daily)} ${await routesTable(ctx, report)}`;
    return { title: t('title'), body };
  },
};
