/**
 * Drawings of a plan: Mermaid flowchart text (for READMEs and reviews) and Graphviz DOT (for SVG).
 * Branches are labeled with their conditions or variants, waits with their durations, `wait_for`
 * edges with the awaited event and the timeout.
 */
import type { Condition, JsonValue, Plan, StepId, StepPlan } from './plan.js';
import { formatDuration } from './durations.js';

/** One drawn node. */
interface GraphNode {
  id: string;
  label: string;
  shape: 'start' | 'action' | 'wait' | 'decision' | 'event' | 'end';
}

/** One drawn edge; `to` is a node id. */
interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

const START = '__start';
const DONE = '__done';

/** The plan as nodes and labeled edges, shared by both renderings. */
export function planGraph(plan: Plan): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [{ id: START, label: entryLabel(plan), shape: 'start' }];
  const edges: GraphEdge[] = [];
  let completes = plan.start === null;
  const target = (next: StepId | null): string => {
    if (next === null) completes = true;
    return next ?? DONE;
  };
  edges.push({
    from: START,
    to: target(plan.start),
    label: plan.holdoutPercent > 0 ? `holdout ${plan.holdoutPercent}%` : '',
  });
  for (const step of Object.values(plan.steps)) {
    nodes.push({ id: step.id, label: stepLabel(step), shape: shapeOf(step) });
    for (const edge of stepEdges(step)) edges.push({ from: step.id, to: target(edge.next), label: edge.label });
  }
  if (completes) nodes.push({ id: DONE, label: 'complete', shape: 'end' });
  return { nodes, edges };
}

function entryLabel(plan: Plan): string {
  const entry = plan.entry;
  switch (entry.type) {
    case 'event':
      return `on ${entry.event}${entry.where ? ` where ${describeCondition(entry.where)}` : ''}`;
    case 'segment':
      return `segment ${describeCondition(entry.query)}\\ncron ${entry.cron} ${entry.timezone}`;
    case 'api':
      return 'by API';
  }
}

function stepLabel(step: StepPlan): string {
  switch (step.kind) {
    case 'send':
      return `${step.id}\\nsend ${step.template} via ${step.channel}${step.fallback ? ` (fallback ${step.fallback})` : ''}`;
    case 'wait':
      return `${step.id}\\nwait ${formatDuration(step.durationMs)}`;
    case 'wait_until':
      return `${step.id}\\nwait until ${waitUntilLabel(step)}`;
    case 'wait_for':
      return `${step.id}\\nwait for ${step.event}${step.where ? ` where ${describeCondition(step.where)}` : ''}`;
    case 'if':
      return `${step.id}\\nif ${describeCondition(step.condition)}`;
    case 'branch':
      return `${step.id}\\nbranch`;
    case 'split':
      return `${step.id}\\nsplit`;
    case 'repeat':
      return `${step.id}\\nrepeat ${step.times}x every ${formatDuration(step.everyMs)}${step.until ? ` until ${step.until.event}` : ''}`;
    case 'update_profile':
      return `${step.id}\\nupdate ${[...step.addTags.map((t) => `+${t}`), ...step.removeTags.map((t) => `-${t}`), ...Object.keys(step.set)].join(' ')}`;
    case 'line_richmenu':
      return `${step.id}\\n${step.link === null ? 'unlink the rich menu' : `rich menu ${step.link}`}`;
    case 'exit':
      return `${step.id}\\nexit: ${step.outcome}`;
  }
}

function waitUntilLabel(step: Extract<StepPlan, { kind: 'wait_until' }>): string {
  const target = step.target;
  let text = target.type === 'absolute' ? target.at : `${target.source}.${target.path}`;
  if (target.type === 'attribute' && target.offsetMs !== 0) {
    text = `${formatDuration(Math.abs(target.offsetMs))} ${target.offsetMs < 0 ? 'before' : 'after'} ${text}`;
  }
  if (step.timeOfDay) text += ` at ${step.timeOfDay}`;
  if (step.weekdays)
    text += ` on ${step.weekdays.map((d) => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][d - 1]).join(',')}`;
  return text;
}

function shapeOf(step: StepPlan): GraphNode['shape'] {
  switch (step.kind) {
    case 'send':
    case 'update_profile':
    case 'line_richmenu':
      return 'action';
    case 'wait':
    case 'wait_until':
    case 'repeat':
      return 'wait';
    case 'wait_for':
      return 'event';
    case 'if':
    case 'branch':
    case 'split':
      return 'decision';
    case 'exit':
      return 'end';
  }
}

function stepEdges(step: StepPlan): { next: StepId | null; label: string }[] {
  switch (step.kind) {
    case 'if':
      return [
        { next: step.then, label: 'then' },
        { next: step.else, label: 'else' },
      ];
    case 'branch':
      return [
        ...step.cases.map((c) => ({ next: c.next, label: describeCondition(c.condition) })),
        { next: step.default, label: 'default' },
      ];
    case 'split': {
      const total = step.variants.reduce((sum, v) => sum + v.weight, 0);
      return step.variants.map((v) => ({ next: v.next, label: `${v.name} ${Math.round((v.weight / total) * 100)}%` }));
    }
    case 'wait_for':
      return [
        { next: step.onEvent, label: step.event },
        { next: step.onTimeout, label: `timeout ${formatDuration(step.timeoutMs)}` },
      ];
    case 'repeat':
      return [
        { next: step.body, label: `each time` },
        { next: step.next, label: 'done' },
      ];
    case 'exit':
      return [];
    default:
      return [{ next: step.next, label: '' }];
  }
}

const SYMBOLS: Record<string, string> = {
  $eq: '=',
  $ne: '≠',
  $gt: '>',
  $gte: '≥',
  $lt: '<',
  $lte: '≤',
  $in: 'in',
  $nin: 'not in',
};

/** A short human rendering of a condition (`totalSpent ≥ 30000`). */
export function describeCondition(condition: Condition): string {
  return Object.entries(condition)
    .map(([key, value]) => describeEntry(key, value))
    .join(' and ');
}

function describeEntry(key: string, value: JsonValue): string {
  if (key === '$and' || key === '$or' || key === '$nor') {
    const parts = Array.isArray(value) ? value.map((c) => describeCondition(c as Condition)) : [];
    const joined = parts.join(key === '$and' ? ' and ' : ' or ');
    return key === '$nor' ? `not (${joined})` : `(${joined})`;
  }
  if (key === '$not') return `not (${describeCondition(value as Condition)})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${key} = ${show(value)}`;
  return Object.entries(value)
    .map(([op, arg]) => describeOperator(key, op, arg))
    .join(' and ');
}

function describeOperator(key: string, op: string, arg: JsonValue): string {
  if (op === '$olderThan' && typeof arg === 'number') return `${key} older than ${formatDuration(arg)}`;
  if (op === '$withinLast' && typeof arg === 'number') return `${key} within ${formatDuration(arg)}`;
  if (op === '$exists') return `${key} ${arg === true ? 'exists' : 'missing'}`;
  const symbol = SYMBOLS[op];
  return symbol === undefined ? `${key} ${op} ${show(arg)}` : `${key} ${symbol} ${show(arg)}`;
}

function show(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const MERMAID_SHAPES: Record<GraphNode['shape'], [string, string]> = {
  start: ['([', '])'],
  action: ['[', ']'],
  wait: ['[/', '/]'],
  decision: ['{', '}'],
  event: ['{{', '}}'],
  end: ['((', '))'],
};

/** Mermaid `flowchart TD` text of the plan. */
export function toMermaid(plan: Plan): string {
  const { nodes, edges } = planGraph(plan);
  const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart TD'];
  for (const node of nodes) {
    const [open, close] = MERMAID_SHAPES[node.shape];
    lines.push(`  ${ids.get(node.id)}${open}"${mermaidText(node.label)}"${close}`);
  }
  for (const edge of edges) {
    const label = edge.label === '' ? '' : `|"${mermaidText(edge.label)}"|`;
    lines.push(`  ${ids.get(edge.from)} -->${label} ${ids.get(edge.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\\n/g, '<br/>');
}

const DOT_SHAPES: Record<GraphNode['shape'], string> = {
  start: 'shape=box, style="rounded,filled", fillcolor="#E8F0FE"',
  action: 'shape=box, style=filled, fillcolor="#FFF4E5"',
  wait: 'shape=box, style="rounded,dashed"',
  decision: 'shape=diamond, style=filled, fillcolor="#F3E8FD"',
  event: 'shape=hexagon, style=filled, fillcolor="#E6F4EA"',
  end: 'shape=doublecircle, fixedsize=false, margin="0.05,0.05"',
};

/** Graphviz DOT text of the plan, for an SVG rendering. */
export function toDot(plan: Plan): string {
  const { nodes, edges } = planGraph(plan);
  const lines = [
    `digraph ${JSON.stringify(plan.journeyId)} {`,
    '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.4, ranksep=0.45];',
    '  node [fontname="Helvetica", fontsize=11, margin="0.35,0.1"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of nodes)
    lines.push(`  ${JSON.stringify(node.id)} [label=${dotText(node.label)}, ${DOT_SHAPES[node.shape]}];`);
  for (const edge of edges) {
    const label = edge.label === '' ? '' : ` [label=${dotText(edge.label)}]`;
    lines.push(`  ${JSON.stringify(edge.from)} -> ${JSON.stringify(edge.to)}${label};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotText(text: string): string {
  return `"${text.replace(/\\(?!n)/g, '\\\\').replace(/"/g, '\\"')}"`;
}
