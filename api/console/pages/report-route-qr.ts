/**
 * `/console/reports/routes/:id/qr`: a route's QR code ready to print — large, with the route's name,
 * store and link under it. Printing hides the console's header, footer and buttons (console.css).
 */
import { findRoute } from '../../../store/routes.js';
import { ConsoleError } from '../errors.js';
import { html } from '../html.js';
import { defineMessages } from '../i18n.js';
import type { ConsolePage } from '../page.js';
import { qrFigure, routeQr } from '../reports/qr.js';

const messages = defineMessages({
  ja: {
    qrLabel: '{name} の QR コード',
    scan: 'QR コードを読み取って LINE で友だち追加',
    print: '印刷',
    back: '流入経路レポートへ戻る',
    noLink:
      'この経路のリンクはまだありません。LINE Login（コールバック URL）を設定すると、リンクと QR コードが作られます。',
  },
  en: {
    qrLabel: 'QR code of {name}',
    scan: 'Scan the QR code to add us as a friend on LINE',
    print: 'Print',
    back: 'Back to the routes report',
    noLink: 'This route has no link yet: set up LINE Login (its callback URL) and the link and QR code appear.',
  },
});

export const routeQrPage: ConsolePage = {
  path: '/reports/routes/:id/qr',
  section: 'reports',
  scope: 'journeys:read',
  async render(ctx) {
    const t = ctx.translate(messages);
    const route = await findRoute(ctx.deps.models, ctx.params.id ?? '');
    if (!route) throw new ConsoleError(404, 'NOT_FOUND', 'No such route.');
    const back = html`<p class="no-print"><a href="/console/reports/routes">${t('back')}</a></p>`;
    const qr = await routeQr(ctx.deps.routeOrigin ?? null, route.routeId);
    if (!qr)
      return {
        title: route.name,
        body: html`<p class="notice">${t('noLink')}</p>
          ${back}`,
      };
    const body = html`<section class="qr-print">
        ${qrFigure(qr, t('qrLabel', { name: route.name }), 'large')}
        <p class="qr-scan">${t('scan')}</p>
        <p class="qr-name">${route.name}${route.store ? html` <span class="qr-store">${route.store}</span>` : ''}</p>
        <p class="qr-link"><a href="${qr.link}">${qr.link}</a></p>
      </section>
      <p class="no-print"><button type="button" data-print>${t('print')}</button></p>
      ${back}`;
    return { title: route.name, body };
  },
};
