/** The parts of the journey page, each a function of the view (api/console/journey/data.ts). */
import type { StepStats } from '../../journeys/stats.js';
import { BREAKDOWN_FIELDS } from '../../../store/journal-breakdowns.js';
import { html, raw, type Html } from '../html.js';
import type { Translate } from '../i18n.js';
import type { PageContext } from '../page.js';
import type { JourneyView } from './data.js';
import { figuresDot, renderFiguresSvg, sentByChannel, stepFigureLines } from './graph.js';
import type { JourneyMessageKey } from './messages.js';

type T = Translate<JourneyMessageKey>;

const counts = (ctx: PageContext, values: Record<string, number>) => {
  const entries = Object.entries(values);
  if (entries.length === 0) return html`<td class="num">0</td>`;
  return html`<td>${entries.map(([k, n]) => html`<span class="pair">${k} <b>${ctx.fmt.number(n)}</b></span> `)}</td>`;
};

/** Version picker (a GET form), and pause / resume (a POST form with the CSRF token) for keys that may. */
export function toolbar(ctx: PageContext, t: T, view: JourneyView): Html {
  const { head } = view;
  const options = [...view.versions]
    .reverse()
    .map(
      (v) =>
        html`<option value="${v.version}" ${v.version === view.version ? html` selected` : ''}>
          v${v.version} ${v.version === head.version ? t('current') : ''} —
          ${t('publishedAt', { date: ctx.fmt.dateTime(new Date(v.publishedAt)) })}
        </option>`,
    );
  const picker = html`<form method="get" class="version-picker">
    <label for="version">${t('versionLabel')}</label>
    <select id="version" name="version" data-autosubmit>
      ${options}
    </select>
    <button type="submit">${t('show')}</button>
  </form>`;
  const action = head.status === 'paused' ? 'resume' : 'pause';
  const control =
    head.status === 'archived'
      ? ''
      : ctx.can('journeys:publish')
        ? html`<form
            method="post"
            action="/console/journeys/${encodeURIComponent(head.journeyId)}/${action}"
            data-confirm="${t(action === 'pause' ? 'confirmPause' : 'confirmResume')}"
          >
            <input type="hidden" name="_csrf" value="${ctx.csrf}" />
            <button type="submit" class="primary">${t(action)}</button>
          </form>`
        : html`<p class="hint">${t('needPublish')}</p>`;
  return html`<div class="toolbar">
    ${picker}
    <p>${t('statusLabel')}: <span class="status status-${head.status}" id="journey-status">${t(head.status)}</span></p>
    ${control}
  </div>`;
}

const rate = (ctx: PageContext, value: number | null) => ctx.fmt.percent(value);
const uplift = (ctx: PageContext, t: T, value: number | null) =>
  value === null ? '—' : t('points', { value: (value * 100).toFixed(1) });

/** Runs, holdout, conversions, and treated vs holdout with the uplift. */
export function summary(ctx: PageContext, t: T, view: JourneyView): Html {
  const s = view.stats;
  const card = (id: string, label: string, figure: string) =>
    html`<div class="card" id="${id}">
      <p class="label">${label}</p>
      <p class="figure">${figure}</p>
    </div>`;
  return html`<h2>${t('summary')}</h2>
    <div class="cards">
      ${card('fig-runs', t('runs'), ctx.fmt.number(s.runs))}
      ${card('fig-holdout', t('holdout'), ctx.fmt.number(s.holdout))}
      ${card('fig-converted', t('convertedRuns'), ctx.fmt.number(s.converted))}
      ${card('fig-treated-rate', t('treated'), rate(ctx, s.conversion.treatedRate))}
      ${card('fig-holdout-rate', t('holdoutRate'), rate(ctx, s.conversion.holdoutRate))}
      ${card('fig-uplift', t('uplift'), uplift(ctx, t, s.conversion.uplift))}
    </div>`;
}

/** The drawing with the figures on it. */
export async function graph(t: T, view: JourneyView): Promise<Html> {
  const dot = figuresDot(view.plan, view.stats.steps, (s) => stepFigureLines(t, s, view.waiting?.get(s.stepId)));
  const label = t('graphLabel', { journey: view.head.journeyId, version: view.version });
  // Graphviz escapes the labels' text in its SVG; the drawing is the compiler's, not a request's.
  const svg = await renderFiguresSvg(dot, label);
  return html`<h2>${t('graph')}</h2>
    <div class="graph">${raw(svg)}</div>`;
}

function waitingCells(ctx: PageContext, t: T, view: JourneyView, step: StepStats): Html {
  const w = view.waiting?.get(step.stepId);
  if (!w || w.count === 0)
    return html`<td class="num">0</td>
      <td>${t('noWaiting')}</td>`;
  const range =
    w.earliestMs === null
      ? t('noWaiting')
      : w.earliestMs === w.latestMs
        ? ctx.fmt.dateTime(w.earliestMs)
        : t('untilRange', { from: ctx.fmt.dateTime(w.earliestMs), to: ctx.fmt.dateTime(w.latestMs) });
  const sample = w.sampled < w.count ? ` ${t('untilSample', { n: w.sampled })}` : '';
  return html`<td class="num">${ctx.fmt.number(w.count)}</td>
    <td>${range}${sample}</td>`;
}

/** The same figures as the drawing, as a table (readable, and what the tests compare with the API). */
export function stepsTable(ctx: PageContext, t: T, view: JourneyView): Html {
  const heads = [
    'step',
    'entered',
    'sent',
    'skipped',
    'deferred',
    'failed',
    'paths',
    'conversions',
    'waitingNow',
    'until',
  ] as const;
  const rows = view.stats.steps.map(
    (s) =>
      html`<tr data-step="${s.stepId}">
        <th scope="row">${s.stepId}</th>
        <td class="num">${ctx.fmt.number(s.entered)}</td>
        ${counts(ctx, sentByChannel(s.sent))} ${counts(ctx, s.skipped)} ${counts(ctx, s.deferred)}
        ${counts(ctx, s.failed)} ${counts(ctx, s.paths)}
        <td class="num">${ctx.fmt.number(s.conversions)}</td>
        ${waitingCells(ctx, t, view, s)}
      </tr>`,
  );
  return html`<h2 id="steps-heading">${t('steps')}</h2>
    ${view.waiting === null ? html`<p class="hint">${t('noVisibility')}</p>` : ''}
    <table class="data steps" aria-labelledby="steps-heading">
      <thead>
        <tr>
          ${heads.map((h) => html`<th scope="col">${t(h)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}

/** The field picker, and the figures per value when a field is chosen. */
export function breakdown(ctx: PageContext, t: T, view: JourneyView): Html {
  const chosen = view.by?.field ?? '';
  const options = ['', ...BREAKDOWN_FIELDS].map(
    (f) => html`<option value="${f}" ${f === chosen ? html` selected` : ''}>${f === '' ? t('none') : f}</option>`,
  );
  const form = html`<form method="get" class="by-picker">
    <input type="hidden" name="version" value="${view.version}" />
    <label for="by">${t('byField')}</label>
    <select id="by" name="by" data-autosubmit>
      ${options}
    </select>
    <button type="submit">${t('show')}</button>
  </form>`;
  if (!view.by)
    return html`<h2>${t('breakdown')}</h2>
      ${form}`;
  const rows = view.by.values.map(
    (v) =>
      html`<tr data-value="${v.value ?? ''}">
        <th scope="row">${v.value ?? t('noValue')}</th>
        <td class="num">${ctx.fmt.number(v.runs)}</td>
        <td class="num">${ctx.fmt.number(v.holdout)}</td>
        <td class="num">${ctx.fmt.number(v.converted)}</td>
        <td class="num">${rate(ctx, v.conversion.treatedRate)}</td>
        <td class="num">${rate(ctx, v.conversion.holdoutRate)}</td>
        <td class="num">${uplift(ctx, t, v.conversion.uplift)}</td>
      </tr>`,
  );
  const heads = [t('value'), t('runs'), t('holdout'), t('convertedRuns'), t('treated'), t('holdoutRate'), t('uplift')];
  return html`<h2 id="by-heading">${t('breakdown')}</h2>
    ${form}
    <table class="data by" aria-labelledby="by-heading">
      <thead>
        <tr>
          ${heads.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}

/** The YAML the version was published from. */
export function source(t: T, view: JourneyView): Html {
  return html`<h2 id="source-heading">${t('source')}</h2>
    <pre class="source" tabindex="0" aria-labelledby="source-heading"><code>${view.source}</code></pre>`;
}
