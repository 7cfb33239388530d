/** `/console/reports`: the reports the console shows, one link each. */
import { html } from '../html.js';
import { defineMessages } from '../i18n.js';
import type { ConsolePage } from '../page.js';

const messages = defineMessages({
  ja: {
    title: 'レポート',
    routes: '流入経路',
    routesAbout: '経路ごとの訪問、流入、友だち追加、顧客、注文と売上、QR コード。',
    stores: '店舗',
    storesAbout: '店舗ごとの流入と、その顧客の注文と売上。',
    answers: 'アンケート回答',
    answersAbout: 'ジャーニーのアンケートの設問ごとの集計、流入経路と購入とのクロス集計。',
  },
  en: {
    title: 'Reports',
    routes: 'Routes',
    routesAbout: 'Per friend-add route: visits, arrivals, friends added, customers, orders and revenue, QR codes.',
    stores: 'Stores',
    storesAbout: "Per store: arrivals, and their customers' orders and revenue.",
    answers: 'Survey answers',
    answersAbout: "A journey's survey answers per question, crossed with route and purchases.",
  },
});

type Key = keyof (typeof messages)['ja'];

export const reportsPage: ConsolePage = {
  path: '/reports',
  section: 'reports',
  scope: 'journeys:read',
  render(ctx) {
    const t = ctx.translate(messages);
    const item = (href: string, name: Key, about: Key) => html`<li><a href="${href}">${t(name)}</a> — ${t(about)}</li>`;
    const body = html`<ul class="report-list">
      ${item('/console/reports/routes', 'routes', 'routesAbout')}
      ${item('/console/reports/stores', 'stores', 'storesAbout')}
      ${item('/console/reports/answers', 'answers', 'answersAbout')}
    </ul>`;
    return Promise.resolve({ title: t('title'), body });
  },
};
