/** Compiles `wait_until`: an absolute instant, or a profile / entry-event date with an offset, snapped to a local time and weekdays. */
import type { StepId, StepPlan, WaitUntilTarget } from './plan.js';
import type { CompileContext } from './context.js';
import { durationMs, readEventField } from './context.js';
import type { DocPath } from './load-yaml.js';
import type { WaitUntilNode } from './parse-steps.js';
import { WEEKDAYS } from './schema-terms.js';
import { minuteOfDay } from './compile-header.js';
import { DATE_SOURCE, DATE_TIME } from './patterns.js';

type Base = { id: StepId; loc: { line: number; col: number } };

/** Compiles a `wait_until` step whose successor is `next`; null when it has errors (reported). */
export function compileWaitUntil(
  ctx: CompileContext,
  node: WaitUntilNode,
  base: Base,
  next: StepId | null,
): StepPlan | null {
  const spec = node.wait_until;
  const path = [...node.path, 'wait_until'];
  const before = ctx.sink.errors.length;
  const target = waitTarget(ctx, spec, path);
  const timeOfDay = spec.time === undefined ? null : checkTimeOfDay(ctx, spec.time, [...path, 'time']);
  const weekdays =
    spec.weekdays === undefined
      ? null
      : [...new Set(spec.weekdays.map((d) => WEEKDAYS.indexOf(d) + 1))].sort((a, b) => a - b);
  if (target === null || ctx.sink.errors.length > before) return null;
  return { ...base, kind: 'wait_until', target, timeOfDay, weekdays, next };
}

function waitTarget(ctx: CompileContext, spec: WaitUntilNode['wait_until'], path: DocPath): WaitUntilTarget | null {
  if ((spec.at === undefined) === (spec.date === undefined)) {
    const message = 'wait_until takes either at: <date-time> or date: profile.<field> / event.<field>';
    ctx.sink.add(spec.at === undefined ? 'MISSING_KEY' : 'INVALID_VALUE', message, ctx.positions.keyAt(path), path);
    return null;
  }
  if (spec.at !== undefined) return absoluteTarget(ctx, spec, path);
  return attributeTarget(ctx, spec, spec.date ?? '', path);
}

function absoluteTarget(ctx: CompileContext, spec: WaitUntilNode['wait_until'], path: DocPath): WaitUntilTarget | null {
  const at = spec.at ?? '';
  if (!DATE_TIME.test(at) || Number.isNaN(Date.parse(at))) {
    const message = `"${at}" is not a date-time with its offset, such as 2026-12-01T10:00:00+09:00`;
    ctx.sink.add('BAD_DATE', message, ctx.positions.valueAt([...path, 'at']), [...path, 'at']);
    return null;
  }
  for (const key of ['before', 'after'] as const) {
    if (spec[key] === undefined) continue;
    const message = `"${key}" offsets a date attribute; with "at", write the exact time instead`;
    ctx.sink.add('INVALID_VALUE', message, ctx.positions.keyAt([...path, key]), [...path, key]);
  }
  return { type: 'absolute', at: new Date(Date.parse(at)).toISOString() };
}

function attributeTarget(
  ctx: CompileContext,
  spec: WaitUntilNode['wait_until'],
  date: string,
  path: DocPath,
): WaitUntilTarget | null {
  const match = DATE_SOURCE.exec(date);
  if (!match?.[1] || !match[2]) {
    reportBadDateSource(ctx, date, [...path, 'date']);
    return null;
  }
  const source = match[1] as 'profile' | 'event';
  if (source === 'event') {
    if (ctx.entryEvent === null) {
      const message = `"${date}" reads the entry event, but this journey does not start on an event`;
      ctx.sink.add('EVENT_PATH_OUT_OF_SCOPE', message, ctx.positions.valueAt([...path, 'date']), [...path, 'date']);
      return null;
    }
    readEventField(ctx, ctx.entryEvent, match[2]);
  }
  if (spec.before !== undefined && spec.after !== undefined) {
    const message = 'give before or after, not both';
    ctx.sink.add('AMBIGUOUS_OFFSET', message, ctx.positions.keyAt([...path, 'after']), [...path, 'after']);
    return null;
  }
  const offsetText = spec.before ?? spec.after;
  const key = spec.before !== undefined ? 'before' : 'after';
  const offset = offsetText === undefined ? 0 : durationMs(ctx, offsetText, [...path, key]);
  if (offset === null) return null;
  return { type: 'attribute', source, path: match[2], offsetMs: key === 'before' ? -offset : offset };
}

/** A bare field name gets `profile.` as a hint; a written-out date is pointed to `at:`. */
function reportBadDateSource(ctx: CompileContext, date: string, path: DocPath): void {
  const at = ctx.positions.valueAt(path);
  if (/^\d/.test(date)) {
    const message = `"${date}" is a fixed date; write it as at: 2026-12-01T10:00:00+09:00 (date: names an attribute)`;
    ctx.sink.add('BAD_DATE_SOURCE', message, at, path);
    return;
  }
  const message = `"${date}" must name a date attribute: profile.<field> or event.<field>`;
  const field = /^[A-Za-z_][\w.]*$/.test(date) ? `profile.${date}` : undefined;
  ctx.sink.add('BAD_DATE_SOURCE', message, at, path, { suggestion: field });
}

function checkTimeOfDay(ctx: CompileContext, time: string, path: DocPath): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  const minute = match ? minuteOfDay(match[1], match[2]) : null;
  if (minute !== null)
    return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  ctx.sink.add(
    'BAD_TIME_OF_DAY',
    `"${time}" is not a local time HH:MM such as 10:00`,
    ctx.positions.valueAt(path),
    path,
  );
  return null;
}
