/** `/console/journeys`: every journey with its status and current version. */
import { listHeads } from '../../journeys/catalog.js';
import { html } from '../html.js';
import { defineMessages } from '../i18n.js';
import type { ConsolePage } from '../page.js';

const messages = defineMessages({
  ja: {
    title: 'ジャーニー',
    empty: '公開されたジャーニーはまだありません。kizuna publish で公開してください。',
    caption: 'ジャーニー一覧',
    journey: 'ジャーニー',
    status: '状態',
    version: 'バージョン',
    active: '稼働中',
    paused: '一時停止中',
    archived: 'アーカイブ済み',
  },
  en: {
    title: 'Journeys',
    empty: 'No journey is published yet. Publish one with kizuna publish.',
    caption: 'All journeys',
    journey: 'Journey',
    status: 'Status',
    version: 'Version',
    active: 'Active',
    paused: 'Paused',
    archived: 'Archived',
  },
});

export const journeysPage: ConsolePage = {
  path: '/journeys',
  section: 'journeys',
  scope: 'journeys:read',
  async render(ctx) {
    const t = ctx.translate(messages);
    const heads = await listHeads(ctx.deps.models);
    if (heads.length === 0) return { title: t('title'), body: html`<p>${t('empty')}</p>` };
    const rows = heads.map(
      (head) =>
        html`<tr>
          <th scope="row">
            <a href="/console/journeys/${encodeURIComponent(head.journeyId)}">${head.name}</a>
            <span class="id">${head.journeyId}</span>
          </th>
          <td><span class="status status-${head.status}">${t(head.status)}</span></td>
          <td class="num">v${head.version}</td>
        </tr>`,
    );
    const body = html`<table class="data journeys">
      <caption>
        ${t('caption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('journey')}</th>
          <th scope="col">${t('status')}</th>
          <th scope="col">${t('version')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
    return { title: t('title'), body };
  },
};
