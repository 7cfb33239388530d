/** The figure columns the routes and stores tables share: one cell per figure, marked with its field name. */
import { ARRIVAL_FIGURES } from '../../reports/arrival-figures.js';
import { html, type Html } from '../html.js';
import type { PageContext } from '../page.js';
import type { LineFigures } from './data.js';
import { reportMessages } from './messages.js';

/** The header cells of the figure columns. */
export function figureHeads(ctx: PageContext): Html {
  const r = ctx.translate(reportMessages);
  return html`${ARRIVAL_FIGURES.map((f) => html`<th scope="col" class="num">${r(f)}</th>`)}
    <th scope="col">${r('conversions')}</th>`;
}

/** The figure cells of one line; each carries `data-field` (and the raw figure in `data-value`). */
export function figureCells(ctx: PageContext, line: LineFigures): Html {
  const r = ctx.translate(reportMessages);
  const conversions = Object.entries(line.conversions).sort(([a], [b]) => a.localeCompare(b));
  const list = conversions.map(
    ([journeyId, n]) => html`<li data-journey="${journeyId}" data-value="${n}">${journeyId}: ${ctx.fmt.number(n)}</li>`,
  );
  return html`${ARRIVAL_FIGURES.map(
      (f) => html`<td class="num" data-field="${f}" data-value="${line[f]}">${ctx.fmt.number(line[f])}</td>`,
    )}
    <td data-field="conversions">
      ${
        conversions.length > 0
          ? html`<ul class="plain">
              ${list}
            </ul>`
          : r('none')
      }
    </td>`;
}
