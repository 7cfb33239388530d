/**
 * The journey's drawing with its figures: the compiler's Graphviz DOT (definitions/graph.ts, the same
 * drawing as `kizuna graph` and `kizuna stats --svg`) with each step's figures as an outside label —
 * entered, sent by channel, skipped / deferred / failed by reason, paths taken, runs waiting now —
 * rendered to SVG by Graphviz compiled to WebAssembly.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { toDot } from '../../../definitions/graph.js';
import type { Plan } from '../../../definitions/plan.js';
import type { StepStats } from '../../journeys/stats.js';
import type { Translate } from '../i18n.js';
import type { StepWaiting } from './data.js';
import type { JourneyMessageKey } from './messages.js';

/** Sent counts keyed "template by channel", added up per channel. */
export function sentByChannel(sent: Record<string, number>): Record<string, number> {
  const byChannel: Record<string, number> = {};
  for (const [key, n] of Object.entries(sent)) {
    const channel = key.slice(key.lastIndexOf(' by ') + 4);
    byChannel[channel] = (byChannel[channel] ?? 0) + n;
  }
  return byChannel;
}

const listed = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The lines of figures drawn beside a step. */
export function stepFigureLines(t: Translate<JourneyMessageKey>, s: StepStats, waiting: StepWaiting | undefined) {
  const lines = [`${t('entered')} ${s.entered}`];
  const sent = sentByChannel(s.sent);
  if (Object.keys(sent).length > 0) lines.push(`${t('sent')}: ${listed(sent)}`);
  for (const kind of ['skipped', 'deferred', 'failed'] as const) {
    if (Object.keys(s[kind]).length > 0) lines.push(`${t(kind)}: ${listed(s[kind])}`);
  }
  if (Object.keys(s.paths).length > 0) lines.push(`${t('paths')}: ${listed(s.paths)}`);
  if (s.conversions > 0) lines.push(`${t('conversions')} ${s.conversions}`);
  if (waiting && waiting.count > 0) lines.push(`${t('waitingNow')} ${waiting.count}`);
  return lines;
}

/** DOT text, escaped for a quoted attribute; lines joined with Graphviz's left-aligned break. */
const dotLines = (lines: string[]) =>
  `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\l')}\\l"`;

/** The plan's DOT with each step's figures as its outside label. */
export function figuresDot(plan: Plan, steps: readonly StepStats[], lines: (s: StepStats) => string[]): string {
  const dot = toDot(plan).trimEnd().replace(/\}$/, '');
  const known = new Set(Object.keys(plan.steps));
  const notes = steps
    .filter((s) => known.has(s.stepId))
    .map((s) => `  ${JSON.stringify(s.stepId)} [xlabel=${dotLines(lines(s))}, fontcolor="#0B4F94"];`);
  return `${dot}  graph [forcelabels=true];\n${notes.join('\n')}\n}\n`;
}

/**
 * The SVG element alone (Graphviz's XML prolog and doctype dropped, as it is inlined in the page), named
 * for assistive technologies (the steps table beside it carries the same figures as text).
 */
export async function renderFiguresSvg(dot: string, label: string): Promise<string> {
  const graphviz = await Graphviz.load();
  const svg = graphviz.dot(dot, 'svg');
  const start = svg.indexOf('<svg');
  const escaped = label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return svg.slice(start).replace('<svg', `<svg role="img" aria-label="${escaped}"`);
}
