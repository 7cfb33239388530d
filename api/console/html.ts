/**
 * HTML built with a tagged template that escapes every interpolated value, unless the value is already
 * `Html` (built by this module). Pages never concatenate strings into markup: a customer's name or a
 * journey's YAML can hold `<script>`, and it reaches the page as text.
 */

/** Markup known to be safe: made by {@link html}, {@link raw} or {@link join}. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate: text (escaped), numbers, markup, lists of them; null/undefined/false print nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<td>${name}</td>\``. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/**
 * Markup from a trusted producer (the Graphviz SVG of a compiled plan). Never for anything a request,
 * a profile or a definition's free text can reach unescaped.
 */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** Joins parts with a separator (escaped like any value). */
export function join(parts: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  return new Html(parts.map(render).join(render(separator)));
}

/** The parts of a console data table (`<table class="data …">`). */
export interface DataTable {
  /** Classes after `data`, naming the table for styles and tests (`report routes-report`). */
  className: string;
  /** The table's caption (its accessible name); none when the section's heading names it. */
  caption?: HtmlValue;
  /**
   * The column heads, in order: a text becomes one `<th scope="col">`; markup goes in as it is, for
   * header cells built elsewhere (the report figures' heads, several cells at once).
   */
  heads: readonly (string | Html)[];
  /** The body rows, each a `<tr>` (its first cell a `<th scope="row">` where a row has a name). */
  rows: readonly Html[];
}

/** A data table: caption, one header row of column heads, the body rows. */
export function dataTable(table: DataTable): Html {
  const heads = table.heads.map((head) => (head instanceof Html ? head : html`<th scope="col">${head}</th>`));
  const caption =
    table.caption === undefined
      ? null
      : html`<caption>
          ${table.caption}
        </caption>`;
  return html`<table class="data ${table.className}">
    ${caption}
    <thead>
      <tr>
        ${heads}
      </tr>
    </thead>
    <tbody>
      ${table.rows}
    </tbody>
  </table>`;
}

/** One fact of a definition list: the field it shows (`data-field`, which tests and styles select), its term and value. */
export interface Fact {
  field: string;
  term: HtmlValue;
  value: HtmlValue;
}

/** A definition list of facts (`<dl class="facts …">`), each term with its value in a `<div data-field>`. */
export function factList(className: string, facts: readonly Fact[]): Html {
  const items = facts.map(
    (fact) =>
      html`<div data-field="${fact.field}">
        <dt>${fact.term}</dt>
        <dd>${fact.value}</dd>
      </div>`,
  );
  return html`<dl class="facts ${className}">${items}</dl>`;
}
