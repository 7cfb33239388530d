/**
 * Reads a friend-add route file (`definitions/routes/*.yaml`) into a {@link RouteDefinition}, collecting
 * every problem with its file, line, column and code, as the journey compiler does.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ProblemSink, type DefinitionError } from './errors.js';
import { loadYaml, type PositionMap } from './load-yaml.js';
import { routeSchema, type RouteDefinition } from './route-schema.js';
import { reportIssues } from './shape-issues.js';
import { suggest } from './suggest.js';

export type { RouteDefinition } from './route-schema.js';

/** A route read from YAML, with the hash of its content (publishing the same text again changes nothing). */
export type LoadRouteResult =
  { ok: true; route: RouteDefinition; contentHash: string } | { ok: false; errors: DefinitionError[] };

/** What a route may name; an absent list is not checked (e.g. `kizuna validate` without a server). */
export interface RouteCheckOptions {
  /** Published journey ids. */
  journeys?: ReadonlySet<string>;
  /** Rich menu names known to the server. */
  richMenus?: ReadonlySet<string>;
}

/** Validates the route YAML `source` (read from `file`, named in errors). Never throws. */
export function loadRouteDefinition(source: string, file: string, options: RouteCheckOptions = {}): LoadRouteResult {
  const sink = new ProblemSink(file);
  const loaded = loadYaml(source, sink);
  if (loaded.failed) return { ok: false, errors: sink.errors };
  const value = loaded.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sink.add('NOT_A_MAPPING', 'a route is a YAML mapping starting with "route: <id>"', { line: 1, col: 1 }, []);
    return { ok: false, errors: sink.errors };
  }
  const { $schema: _editorHint, ...doc } = value as Record<string, unknown>;
  return checkRouteValue(doc, sink, { ...options, positions: loaded.positions });
}

/** Validates a route given as a value (`POST /v1/routes` with JSON): same codes, positions at 1:1. */
export function checkRouteValue(
  value: unknown,
  sink: ProblemSink,
  options: RouteCheckOptions & { positions?: PositionMap } = {},
): LoadRouteResult {
  const parsed = routeSchema.safeParse(value);
  const at = options.positions ?? { valueAt: () => ({ line: 1, col: 1 }), keyAt: () => ({ line: 1, col: 1 }) };
  if (!parsed.success) {
    const formats = parsed.error.issues.filter((i) => i.code === 'invalid_format');
    for (const issue of formats) reportFormat(issue, sink, at as PositionMap);
    const others = parsed.error.issues.filter((i) => i.code !== 'invalid_format');
    reportIssues(others, { sink, positions: at as PositionMap, base: [], value, schema: routeSchema });
    return { ok: false, errors: sink.errors };
  }
  const route = parsed.data;
  checkNames(route, sink, options, at as PositionMap);
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors };
  return { ok: true, route, contentHash: routeContentHash(route) };
}

/** The journey and rich menu a route names must exist where the lists are known. */
function checkNames(route: RouteDefinition, sink: ProblemSink, options: RouteCheckOptions, at: PositionMap): void {
  const journey = route.actions?.journey;
  if (journey !== undefined && options.journeys && !options.journeys.has(journey)) {
    const path = ['actions', 'journey'];
    const message = `no published journey "${journey}"; publish it first or name another`;
    sink.add('UNKNOWN_JOURNEY', message, at.valueAt(path), path, { suggestion: suggest(journey, options.journeys) });
  }
  const menu = route.actions?.richmenu;
  if (menu !== undefined && options.richMenus && !options.richMenus.has(menu)) {
    const path = ['actions', 'richmenu'];
    const message = `no rich menu "${menu}"; publish it first or name another`;
    sink.add('UNKNOWN_RICH_MENU', message, at.valueAt(path), path, { suggestion: suggest(menu, options.richMenus) });
  }
}

function reportFormat(issue: z.core.$ZodIssue, sink: ProblemSink, positions: PositionMap): void {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const code = path.length === 1 && path[0] === 'route' ? 'BAD_ROUTE_ID' : 'BAD_ROUTE_NAME';
  sink.add(code, issue.message, positions.valueAt(path), path);
}

/** A stable hash of a route's meaning (key order and formatting do not count). */
export function routeContentHash(route: RouteDefinition): string {
  const canonical = {
    route: route.route,
    name: route.name,
    store: route.store ?? null,
    channel: route.channel ?? null,
    actions: {
      tags: route.actions?.tags ?? [],
      journey: route.actions?.journey ?? null,
      richmenu: route.actions?.richmenu ?? null,
    },
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
