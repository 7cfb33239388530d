/**
 * `/console/journeys`: every journey with its status, current version, runs going now, runs that
 * entered, ended and converted in the last 7 and 30 days, and when it was last published.
 */
import { summariseJourneys, type JourneySummary } from '../../journeys/summaries.js';
import { html } from '../html.js';
import { defineMessages, type Translate } from '../i18n.js';
import type { ConsolePage, PageContext } from '../page.js';

export const journeysMessages = defineMessages({
  ja: {
    title: 'ジャーニー',
    empty: '公開されたジャーニーはまだありません。kizuna publish で公開してください。',
    caption: 'ジャーニー一覧（期間は今日を含む UTC の暦日）',
    journey: 'ジャーニー',
    status: '状態',
    version: 'バージョン',
    activeNow: '進行中',
    lastDays: '直近 {days} 日',
    entered: '開始',
    ended: '終了',
    converted: 'コンバージョン',
    lastPublished: '最終公開',
    active: '稼働中',
    paused: '一時停止中',
    archived: 'アーカイブ済み',
  },
  en: {
    title: 'Journeys',
    empty: 'No journey is published yet. Publish one with kizuna publish.',
    caption: 'All journeys (windows are UTC calendar days up to today)',
    journey: 'Journey',
    status: 'Status',
    version: 'Version',
    activeNow: 'Running now',
    lastDays: 'Last {days} days',
    entered: 'Entered',
    ended: 'Ended',
    converted: 'Converted',
    lastPublished: 'Last published',
    active: 'Active',
    paused: 'Paused',
    archived: 'Archived',
  },
});

type Key = keyof (typeof journeysMessages)['ja'];

function row(ctx: PageContext, t: Translate<Key>, s: JourneySummary) {
  const n = (value: number) => html`<td class="num">${ctx.fmt.number(value)}</td>`;
  const windows = s.windows.map((w) => html`${n(w.entered)}${n(w.ended)}${n(w.converted)}`);
  return html`<tr data-journey="${s.journeyId}">
    <th scope="row">
      <a href="/console/journeys/${encodeURIComponent(s.journeyId)}">${s.name}</a>
      <span class="id">${s.journeyId}</span>
    </th>
    <td><span class="status status-${s.status}">${t(s.status)}</span></td>
    <td class="num">v${s.version}</td>
    ${n(s.active)} ${windows}
    <td>${ctx.fmt.dateTime(s.lastPublishedAt)}</td>
  </tr>`;
}

function table(ctx: PageContext, t: Translate<Key>, summaries: JourneySummary[]) {
  const windows = summaries[0]?.windows ?? [];
  const groups = windows.map((w) => html`<th scope="colgroup" colspan="3">${t('lastDays', { days: w.days })}</th>`);
  const facts = windows.map(
    () =>
      html`<th scope="col">${t('entered')}</th>
        <th scope="col">${t('ended')}</th>
        <th scope="col">${t('converted')}</th>`,
  );
  return html`<table class="data journeys">
    <caption>
      ${t('caption')}
    </caption>
    <thead>
      <tr>
        <th scope="col" rowspan="2">${t('journey')}</th>
        <th scope="col" rowspan="2">${t('status')}</th>
        <th scope="col" rowspan="2">${t('version')}</th>
        <th scope="col" rowspan="2">${t('activeNow')}</th>
        ${groups}
        <th scope="col" rowspan="2">${t('lastPublished')}</th>
      </tr>
      <tr>
        ${facts}
      </tr>
    </thead>
    <tbody>
      ${summaries.map((s) => row(ctx, t, s))}
    </tbody>
  </table>`;
}

export const journeysPage: ConsolePage = {
  path: '/journeys',
  section: 'journeys',
  scope: 'journeys:read',
  async render(ctx) {
    const t = ctx.translate(journeysMessages);
    const summaries = await summariseJourneys(ctx.deps.models, ctx.deps.clock());
    if (summaries.length === 0) return { title: t('title'), body: html`<p>${t('empty')}</p>` };
    return { title: t('title'), body: table(ctx, t, summaries) };
  },
};
