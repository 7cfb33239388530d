/** The period form and line shared by the routes and stores pages (GET: the period is in the URL). */
import { html, type Html } from '../html.js';
import type { PageContext } from '../page.js';
import { reportMessages } from './messages.js';
import type { PeriodView } from './period.js';

/** The form choosing the period, filled with the current one. */
export function periodForm(ctx: PageContext, period: PeriodView, action: string): Html {
  const t = ctx.translate(reportMessages);
  return html`<form method="get" action="${action}" class="toolbar period-form">
    <fieldset>
      <legend>${t('periodLegend')}</legend>
      <label for="period-from">${t('from')}</label>
      <input id="period-from" name="from" type="date" value="${period.fromDay}" required />
      <label for="period-to">${t('to')}</label>
      <input id="period-to" name="to" type="date" value="${period.toDay}" required />
      <label for="period-days">${t('days')}</label>
      <input id="period-days" name="days" type="number" min="1" max="365" value="${period.days}" required />
      <button type="submit">${t('show')}</button>
    </fieldset>
  </form>`;
}

/** The period in words; `data-from` and `data-to` hold the instants the API was asked for, `[from, to)`. */
export function periodLine(ctx: PageContext, period: PeriodView): Html {
  const t = ctx.translate(reportMessages);
  // The dates are marked up as <time>: the sentence is split where its {from} and {to} stand.
  const [before, middle, after] = t('period', { days: period.days }).split(/\{from\}|\{to\}/);
  return html`<p class="period" data-from="${period.from.toISOString()}" data-to="${period.to.toISOString()}">
    ${before}<time datetime="${period.fromDay}">${period.fromDay}</time>${middle}<time datetime="${period.toDay}"
      >${period.toDay}</time
    >${after}
  </p>`;
}
