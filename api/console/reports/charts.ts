/**
 * Charts drawn on the server as inline SVG (the CSP allows no script or style inline: colours come
 * from classes in console.css). Each chart is an image with a title and a description for screen
 * readers; the pages put a table with the same figures beside it, the chart's readable fallback.
 */
import { html, type Html } from '../html.js';

/** One bar: a label and a figure (`text` is how the figure is printed, e.g. with grouping). */
export interface Bar {
  label: string;
  value: number;
  text: string;
}

/** What every chart needs: a unique id on the page, a title and a description. */
export interface ChartText {
  id: string;
  title: string;
  desc: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 190;
const ROW = 30;

/** A shortened label (the full one is in the table beside and in the bar's own title). */
const clip = (label: string) => (label.length > 24 ? `${label.slice(0, 23)}…` : label);

function frame(text: ChartText, height: number, content: Html): Html {
  return html`<svg
    class="chart"
    id="${text.id}"
    role="img"
    aria-labelledby="${text.id}-title ${text.id}-desc"
    viewBox="0 0 ${WIDTH} ${height}"
    width="${WIDTH}"
    height="${height}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${text.id}-title">${text.title}</title>
    <desc id="${text.id}-desc">${text.desc}</desc>
    ${content}
  </svg>`;
}

/** Horizontal bars, longest figure full width (a funnel when the bars are its stages, in order). */
export function barChart(text: ChartText, bars: readonly Bar[]): Html {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const room = WIDTH - LABEL_WIDTH - 80;
  const rows = bars.map((bar, i) => {
    const y = 10 + i * ROW;
    const width = bar.value > 0 ? Math.max(2, Math.round((bar.value / max) * room)) : 0;
    return html`<g class="bar-row">
      <title>${bar.label}: ${bar.text}</title>
      <text class="label" x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${clip(bar.label)}</text>
      <rect class="bar" x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${ROW - 10}"></rect>
      <text class="value" x="${LABEL_WIDTH + width + 6}" y="${y + 15}">${bar.text}</text>
    </g>`;
  });
  return frame(text, 20 + bars.length * ROW, html`${rows}`);
}

/** One line of a line chart: a name (in the legend) and a figure per point of the x axis. */
export interface Series {
  name: string;
  values: readonly number[];
}

const PLOT = { left: 50, right: WIDTH - 20, top: 20, bottom: 190 } as const;

function polyline(series: Series, index: number, x: (i: number) => number, y: (v: number) => number): Html {
  const points = series.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
  const dots = series.values.map((v, i) => html`<circle class="dot" cx="${x(i)}" cy="${y(v)}" r="3"></circle>`);
  return html`<g class="series series-${index}">
    <polyline class="line" points="${points}"></polyline>
    ${dots}
  </g>`;
}

/** Lines over labelled points (days); the y axis starts at 0; a legend names each line. */
export function lineChart(text: ChartText, labels: readonly string[], series: readonly Series[]): Html {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = labels.length > 1 ? (PLOT.right - PLOT.left) / (labels.length - 1) : 0;
  const x = (i: number) => Math.round(PLOT.left + i * step);
  const y = (v: number) => Math.round(PLOT.bottom - (v / max) * (PLOT.bottom - PLOT.top));
  const legend = series.map(
    (s, i) =>
      html`<g class="series series-${i}">
        <rect class="swatch" x="${PLOT.left + i * 180}" y="222" width="14" height="4"></rect>
        <text x="${PLOT.left + i * 180 + 20}" y="228">${s.name}</text>
      </g>`,
  );
  const content = html`<g class="axis">
      <line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}"></line>
      <line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}"></line>
      <text x="${PLOT.left - 6}" y="${PLOT.top + 4}" text-anchor="end">${max}</text>
      <text x="${PLOT.left - 6}" y="${PLOT.bottom + 4}" text-anchor="end">0</text>
      <text x="${PLOT.left}" y="${PLOT.bottom + 18}">${labels[0] ?? ''}</text>
      <text x="${PLOT.right}" y="${PLOT.bottom + 18}" text-anchor="end">${labels.at(-1) ?? ''}</text>
    </g>
    ${series.map((s, i) => polyline(s, i, x, y))} ${legend}`;
  return frame(text, 240, content);
}

/**
 * A chart in its box, its title shown above it (hidden from screen readers, which read the chart's own
 * title and description), and `after` (its table of figures) below.
 */
export function chartBox(title: string, chart: Html, after: Html | '' = ''): Html {
  return html`<figure class="chart-box">
    <figcaption aria-hidden="true">${title}</figcaption>
    ${chart} ${after}
  </figure>`;
}
