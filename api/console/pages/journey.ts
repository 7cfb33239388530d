/**
 * `/console/journeys/:id`: one journey version — pause / resume, version picker, results with the
 * holdout's uplift, the drawing with each step's figures, the same figures as a table with the runs
 * waiting at each step, a breakdown by a profile field, and the YAML source.
 */
import { controlJourney } from '../../journeys/control.js';
import { html } from '../html.js';
import { loadJourneyView } from '../journey/data.js';
import { journeyMessages } from '../journey/messages.js';
import { breakdown, graph, source, stepsTable, summary, toolbar } from '../journey/sections.js';
import type { ConsolePage, PageAction } from '../page.js';

const control = (action: 'pause' | 'resume'): PageAction => ({
  path: `/journeys/:id/${action}`,
  scope: 'journeys:publish',
  async handle(ctx) {
    // The API's own control: the runtime's semantics, the segment schedule, the event router.
    await controlJourney(ctx.deps, ctx.params.id!, action);
    return { redirect: `/console/journeys/${encodeURIComponent(ctx.params.id!)}` };
  },
});

export const journeyPage: ConsolePage = {
  path: '/journeys/:id',
  section: 'journeys',
  scope: 'journeys:read',
  actions: [control('pause'), control('resume')],
  async render(ctx) {
    const t = ctx.translate(journeyMessages);
    const view = await loadJourneyView(ctx.deps, ctx.params.id!, ctx.query);
    const body = html`<p class="id">${view.head.journeyId} · v${view.version}</p>
      ${toolbar(ctx, t, view)} ${summary(ctx, t, view)} ${await graph(t, view)} ${stepsTable(ctx, t, view)}
      ${breakdown(ctx, t, view)} ${source(t, view)}`;
    return { title: view.head.name, body };
  },
};
