/** The timeline part of a customer's page: a page of `GET /v1/customers/:id/timeline`, newest first, with "older". */
import type { TimelineItem } from '../../customers/timeline-items.js';
import type { TimelinePage } from '../../customers/timeline.js';
import { dataTable, html, type Html } from '../html.js';
import type { PageContext } from '../page.js';
import { customerMessages, type CustomerMessageKey } from './messages.js';

const brief = (value: unknown) => {
  const text = JSON.stringify(value ?? {});
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
};
const joined = (parts: readonly unknown[]) =>
  parts.filter((p) => p !== null && p !== undefined && p !== '').join(' · ');

/** What an item says, in one line. */
function summary(item: TimelineItem): string {
  switch (item.kind) {
    case 'event':
      return joined([item.type, brief(item.properties)]);
    case 'journal':
      return joined([`${String(item.journeyId)} v${String(item.version)}`, item.stepId, item.action, item.reason]);
    case 'delivery':
      return joined([item.journeyId, item.template, item.channel, item.status, item.reason]);
  }
}

/** The timeline section; `olderHref` builds the link of the next page from its cursor. */
export function timelineSection(ctx: PageContext, page: TimelinePage, base: string, paged: boolean): Html {
  const t = ctx.translate(customerMessages);
  const rows = page.items.map(
    (item) =>
      html`<tr data-item="${item.id}" data-category="${item.category}">
        <td><time datetime="${item.at}">${ctx.fmt.dateTime(Date.parse(item.at))}</time></td>
        <td>${t(`cat-${item.category}` as CustomerMessageKey)}</td>
        <td class="summary">${summary(item)}</td>
      </tr>`,
  );
  const table = dataTable({
    className: 'timeline',
    caption: t('timelineCaption'),
    heads: [t('at'), t('category'), t('what')],
    rows,
  });
  const older = page.next
    ? html`<a rel="next" href="${base}?before=${encodeURIComponent(page.next)}">${t('older')}</a>`
    : '';
  const newest = paged ? html`<a href="${base}">${t('newest')}</a>` : '';
  return html`<section aria-labelledby="h-timeline">
    <h2 id="h-timeline">${t('timeline')}</h2>
    ${page.items.length > 0 ? table : html`<p>${t('noItems')}</p>`}
    <p class="pager">${newest} ${older}</p>
  </section>`;
}
