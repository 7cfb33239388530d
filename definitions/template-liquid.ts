/**
 * The Liquid side of template checks: every string of a template parses, uses known filters, and
 * reads variables the data has (profile fields that are declared), each reported at its own column.
 */
import { Drop, type Liquid } from 'liquidjs';
import type { ProblemSink, Position } from './errors.js';
import { createSandboxedLiquid, refusedFileTag } from './liquid-sandbox.js';
import { RUNTIME_VALUE } from './line-messages-rules.js';
import type { DocPath, PositionMap } from './load-yaml.js';
import { suggest } from './suggest.js';

/** Roots of the data a template renders with. */
export const TEMPLATE_ROOTS = ['profile', 'event', 'journey', 'links'] as const;

/** The Liquid engine templates are checked with: unknown filters are errors, no file is reachable. */
export function createTemplateEngine(): Liquid {
  return createSandboxedLiquid({ strictFilters: true, strictVariables: false });
}

const engine = createTemplateEngine();

/** Where a template's Liquid problems go, and what is needed to place them in its file. */
export interface LiquidCtx {
  sink: ProblemSink;
  positions: PositionMap;
  /** The template file's lines. */
  lines: string[];
  /** Declared profile fields; `profile.*` variables outside them are warned about. */
  profileFields?: ReadonlySet<string> | undefined;
  /** Declared site links; `links.*` variables outside them (and `unsubscribe`) are warned about. */
  links?: Readonly<Record<string, string>> | undefined;
}

/** The link Kizuna makes for every recipient; it needs no declaration. */
export const UNSUBSCRIBE_LINK = 'unsubscribe';

/** A profile, event or journey value in a trial render: only known at send time. */
class SendTimeValue extends Drop {
  override liquidMethodMissing(): SendTimeValue {
    return new SendTimeValue();
  }

  override valueOf(): string {
    return RUNTIME_VALUE;
  }

  override toString(): string {
    return RUNTIME_VALUE;
  }
}

/** Any link, when no links are declared: a placeholder address that passes URI checks. */
class AnyLink extends Drop {
  override liquidMethodMissing(name: string): string {
    return `https://links.example/${name}`;
  }
}

/**
 * Renders every string of a template with placeholder data, keeping its structure, so the rendered
 * value can be checked as the provider will see it: profile, event and journey values are
 * {@link RUNTIME_VALUE}, links are the declared ones (an undeclared link renders empty, as it would
 * at send time), or placeholder addresses when no links are declared. A string that does not render
 * becomes {@link RUNTIME_VALUE} (its Liquid error is reported by {@link checkLiquidStrings}).
 */
export function renderTrial(template: unknown, links: Readonly<Record<string, string>> | undefined): unknown {
  const data = {
    profile: new SendTimeValue(),
    event: new SendTimeValue(),
    journey: new SendTimeValue(),
    links: links === undefined ? new AnyLink() : { ...links, [UNSUBSCRIBE_LINK]: 'https://links.example/unsubscribe' },
  };
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('{')) return value;
      try {
        return String(engine.parseAndRenderSync(value, data));
      } catch {
        return RUNTIME_VALUE;
      }
    }
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    }
    return value;
  };
  return render(template);
}

/** Checks every string of a parsed template as Liquid. */
export function checkLiquidStrings(ctx: LiquidCtx, template: unknown): void {
  walkStrings(template, [], (text, path) => checkLiquid(ctx, text, path));
}

function walkStrings(value: unknown, path: DocPath, visit: (text: string, path: DocPath) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
  }
}

function checkLiquid(ctx: LiquidCtx, text: string, path: DocPath): void {
  if (!text.includes('{')) return;
  let segments: (string | number)[][];
  try {
    segments = engine.globalVariableSegmentsSync(engine.parse(text)) as (string | number)[][];
  } catch (error) {
    const raw = error instanceof Error ? error.message : 'invalid Liquid';
    const where = /, line:(\d+), col:(\d+)$/.exec(raw);
    const at = where ? positionInText(ctx, path, Number(where[1]), Number(where[2])) : ctx.positions.valueAt(path);
    const refused = refusedFileTag(error);
    if (refused) ctx.sink.add('LIQUID_FILE_TAG', refused.message, at, path);
    else reportLiquidError(ctx, raw.replace(/, line:\d+, col:\d+$/, ''), at, path);
    return;
  }
  for (const segment of segments) warnVariable(ctx, segment, path, variablePosition(ctx, text, path, segment));
}

/** Where a variable is first written in a string value; the string's start when it cannot be found. */
function variablePosition(ctx: LiquidCtx, text: string, path: DocPath, segment: (string | number)[]): Position {
  const name = segment.slice(0, 2).map(String).join('.');
  const index = text.indexOf(name);
  if (index < 0) return ctx.positions.valueAt(path);
  const before = text.slice(0, index).split('\n');
  return positionInText(ctx, path, before.length, (before.at(-1)?.length ?? 0) + 1);
}

/** Liquid's own message, except for unknown filters, which get their name and a did-you-mean. */
function reportLiquidError(ctx: LiquidCtx, message: string, at: Position, path: DocPath): void {
  const filter = /^undefined filter: (.+)$/.exec(message)?.[1];
  if (filter === undefined) {
    ctx.sink.add('LIQUID_SYNTAX', message, at, path);
    return;
  }
  ctx.sink.add('LIQUID_SYNTAX', `"${filter}" is not a Liquid filter`, at, path, {
    suggestion: suggest(filter, Object.keys(engine.filters)),
  });
}

/** Where line `line`, column `col` of a string value is in the file (block scalars start on the next line). */
function positionInText(ctx: LiquidCtx, path: DocPath, line: number, col: number): Position {
  const at = ctx.positions.valueAt(path);
  const start = (ctx.lines[at.line - 1] ?? '').slice(at.col - 1);
  if (/^[|>]/.test(start)) {
    // The block's indentation is its first content line's; deeper lines keep their extra spaces in the text.
    const first = ctx.lines.slice(at.line).find((text) => text.trim() !== '') ?? '';
    return { line: at.line + line, col: (/^ */.exec(first)?.[0].length ?? 0) + col };
  }
  if (line === 1) return { line: at.line, col: at.col + col - 1 + (/^['"]/.test(start) ? 1 : 0) };
  return at;
}

function warnVariable(ctx: LiquidCtx, segment: (string | number)[], path: DocPath, at: Position): void {
  const [root, field] = segment;
  const name = segment.join('.');
  if (!(TEMPLATE_ROOTS as readonly unknown[]).includes(root)) {
    const message = `"${name}" is not available; templates read ${TEMPLATE_ROOTS.join(', ')}`;
    ctx.sink.add('UNDECLARED_VARIABLE', message, at, path, {
      severity: 'warning',
      suggestion: suggest(String(root), TEMPLATE_ROOTS),
    });
    return;
  }
  if (root === 'links') {
    warnLink(ctx, field, path, at);
    return;
  }
  const declared = ctx.profileFields;
  if (root !== 'profile' || field === undefined || declared === undefined || declared.has(String(field))) return;
  ctx.sink.add('UNDECLARED_VARIABLE', `no profile field "${String(field)}" is declared`, at, path, {
    severity: 'warning',
    suggestion: suggest(String(field), declared),
  });
}

function warnLink(ctx: LiquidCtx, name: string | number | undefined, path: DocPath, at: Position): void {
  const links = ctx.links;
  if (links === undefined || name === undefined || name === UNSUBSCRIBE_LINK || Object.hasOwn(links, name)) return;
  const known = [...Object.keys(links), UNSUBSCRIBE_LINK];
  ctx.sink.add('UNDECLARED_VARIABLE', `no link "${String(name)}" is declared in links.yaml`, at, path, {
    severity: 'warning',
    suggestion: suggest(String(name), known),
  });
}
