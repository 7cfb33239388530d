/** Compiles everything of a journey but its steps: entry, re-entry, holdout, exits, goals, policy. */
import { CronExpressionParser } from 'cron-parser';
import type { EntryPlan, ExitPlan, GoalPlan, PolicyPlan, ReentryPlan, TimezonePlan } from './plan.js';
import type { CompileContext } from './context.js';
import { checkEventName, checkTimeZone, durationMs, listen } from './context.js';
import { compileCondition } from './check-condition.js';
import { compileEntryKey } from './compile-entry-key.js';
import { JOURNEY_ID } from './patterns.js';
import type { ShallowJourney } from './schema.js';

/** Zone used when the policy names none, and when a profile has no time zone. */
export const DEFAULT_TIMEZONE = 'Asia/Tokyo';

/** The compiled header of a journey (parts are null when they had errors). */
export interface Header {
  entry: EntryPlan | null;
  reentry: ReentryPlan | null;
  holdoutPercent: number | null;
  exits: ExitPlan[];
  goals: GoalPlan[];
  policy: PolicyPlan | null;
}

/** Checks the journey id (lowercase letters, digits and -, as it appears in workflow ids). */
export function checkJourneyId(ctx: CompileContext, id: string): void {
  if (JOURNEY_ID.test(id)) return;
  const fixed = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  ctx.sink.add(
    'BAD_JOURNEY_ID',
    `"${id}" is not a journey id; use lowercase letters, digits and -`,
    ctx.positions.valueAt(['journey']),
    ['journey'],
    {
      suggestion: fixed !== '' && fixed !== id ? fixed : undefined,
    },
  );
}

/** Header sections whose shape is valid; an invalid section (already reported) is absent. */
export type HeaderInput = { [K in keyof ShallowJourney]?: ShallowJourney[K] };

/** Compiles the header sections that passed shape validation. */
export function compileHeader(ctx: CompileContext, journey: HeaderInput): Header {
  if (journey.journey !== undefined) checkJourneyId(ctx, journey.journey);
  const policy = compilePolicy(ctx, journey.policy);
  const fallbackZone = policy?.timezone.source === 'fixed' ? policy.timezone.zone : DEFAULT_TIMEZONE;
  const entry = journey.entry === undefined ? null : compileEntry(ctx, journey.entry, fallbackZone);
  const exits = (journey.exit ?? []).map((e, i) => compileExit(ctx, e, i)).filter((e): e is ExitPlan => e !== null);
  const goals = (journey.goals ?? []).map((g, i) => compileGoal(ctx, g, i)).filter((g): g is GoalPlan => g !== null);
  return {
    entry: compileEntryKey(ctx, journey.entry?.key, entry, [...exits, ...goals]),
    reentry: journey.entry === undefined ? null : compileReentry(ctx, journey.entry.reentry),
    holdoutPercent: compileHoldout(ctx, journey.holdout),
    exits,
    goals,
    policy,
  };
}

type EntryInput = ShallowJourney['entry'];

function compileEntry(ctx: CompileContext, entry: EntryInput, fallbackZone: string): EntryPlan | null {
  const modes = (['event', 'segment', 'api'] as const).filter((m) => entry[m] !== undefined && entry[m] !== false);
  if (modes.length === 0) {
    const message = 'say how customers enter: event: <type>, segment: <query> with a schedule, or api: true';
    ctx.sink.add('ENTRY_MISSING', message, ctx.positions.keyAt(['entry']), ['entry']);
    return null;
  }
  if (modes.length > 1) {
    const second = modes[1] ?? 'api';
    const message = `a journey enters one way; found ${modes.join(' and ')}`;
    ctx.sink.add('AMBIGUOUS_ENTRY', message, ctx.positions.keyAt(['entry', second]), ['entry', second]);
    return null;
  }
  if (entry.where !== undefined && entry.event === undefined) {
    const message = '"where" filters the entry event; put profile conditions of a segment under "segment"';
    ctx.sink.add('INVALID_VALUE', message, ctx.positions.keyAt(['entry', 'where']), ['entry', 'where']);
  }
  if (entry.schedule !== undefined && entry.segment === undefined) {
    const message = '"schedule" says when a segment is checked; this journey has no segment';
    ctx.sink.add('INVALID_VALUE', message, ctx.positions.keyAt(['entry', 'schedule']), ['entry', 'schedule']);
  }
  if (entry.event !== undefined) return compileEventEntry(ctx, entry.event, entry.where);
  if (entry.segment !== undefined) return compileSegmentEntry(ctx, entry, entry.segment, fallbackZone);
  return { type: 'api' };
}

function compileEventEntry(
  ctx: CompileContext,
  event: string,
  where: Record<string, unknown> | undefined,
): EntryPlan | null {
  if (!checkEventName(ctx, event, ['entry', 'event'])) return null;
  listen(ctx, event, 'entry');
  const condition = where === undefined ? null : compileCondition(ctx, where, ['entry', 'where'], { event });
  return { type: 'event', event, where: condition };
}

function compileSegmentEntry(
  ctx: CompileContext,
  entry: EntryInput,
  segment: Record<string, unknown>,
  fallbackZone: string,
): EntryPlan | null {
  const query = compileCondition(ctx, segment, ['entry', 'segment'], { event: null });
  if (entry.schedule === undefined) {
    const message = 'a segment is checked on a schedule; add schedule: { cron: "0 10 * * *" }';
    ctx.sink.add('SEGMENT_WITHOUT_SCHEDULE', message, ctx.positions.keyAt(['entry', 'segment']), ['entry', 'segment']);
    return null;
  }
  const { cron, timezone = fallbackZone } = entry.schedule;
  const cronOk = checkCron(ctx, cron);
  const zoneOk = checkTimeZone(ctx, timezone, ['entry', 'schedule', 'timezone']);
  return query && cronOk && zoneOk ? { type: 'segment', query, cron, timezone } : null;
}

function checkCron(ctx: CompileContext, cron: string): boolean {
  const path = ['entry', 'schedule', 'cron'];
  const fields = cron.trim().split(/\s+/).length;
  let problem: string | null =
    fields === 5 ? null : `a cron expression has 5 fields (minute hour day month weekday); found ${fields}`;
  if (problem === null) {
    try {
      CronExpressionParser.parse(cron, { strict: false });
    } catch (error) {
      problem = error instanceof Error ? error.message : 'invalid cron expression';
    }
  }
  if (problem === null) return true;
  ctx.sink.add('BAD_CRON', `"${cron}": ${problem}`, ctx.positions.valueAt(path), path);
  return false;
}

function compileReentry(ctx: CompileContext, reentry: EntryInput['reentry']): ReentryPlan | null {
  if (reentry === undefined || reentry === 'never') return { policy: 'never' };
  if (reentry === 'always') return { policy: 'always' };
  const afterMs = durationMs(ctx, reentry.after, ['entry', 'reentry', 'after']);
  return afterMs === null ? null : { policy: 'after', afterMs };
}

function compileHoldout(ctx: CompileContext, holdout: number | string | undefined): number | null {
  if (holdout === undefined) return 0;
  const text = String(holdout).trim();
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text);
  const percent = match ? Number(match[1]) : NaN;
  if (match && percent >= 0 && percent < 100 && (typeof holdout === 'number' || text.endsWith('%'))) return percent;
  const message = `holdout "${text}" must be a share below 100%, written like 10%`;
  ctx.sink.add('BAD_HOLDOUT', message, ctx.positions.valueAt(['holdout']), ['holdout'], {
    suggestion: match && percent < 100 ? `${percent}%` : undefined,
  });
  return null;
}

type ExitInput = NonNullable<ShallowJourney['exit']>[number];
type GoalInput = NonNullable<ShallowJourney['goals']>[number];

function compileExit(ctx: CompileContext, exit: ExitInput, index: number): ExitPlan | null {
  const path = ['exit', index];
  if (!checkEventName(ctx, exit.on, [...path, 'on'])) return null;
  listen(ctx, exit.on, 'exit');
  const goal = exit.goal ?? false;
  if (goal) listen(ctx, exit.on, 'goal');
  let goalWindowMs: number | null = null;
  if (exit.window !== undefined) {
    if (!goal) {
      const message = 'a window only counts for a goal; add goal: true or remove the window';
      ctx.sink.add('GOAL_WINDOW_WITHOUT_GOAL', message, ctx.positions.keyAt([...path, 'window']), [...path, 'window']);
    }
    goalWindowMs = durationMs(ctx, exit.window, [...path, 'window']);
  }
  const where =
    exit.where === undefined ? null : compileCondition(ctx, exit.where, [...path, 'where'], { event: exit.on });
  return { event: exit.on, where, goal, goalWindowMs: goal ? goalWindowMs : null };
}

function compileGoal(ctx: CompileContext, goal: GoalInput, index: number): GoalPlan | null {
  const path = ['goals', index];
  if (!checkEventName(ctx, goal.on, [...path, 'on'])) return null;
  listen(ctx, goal.on, 'goal');
  const windowMs = goal.window === undefined ? null : durationMs(ctx, goal.window, [...path, 'window']);
  const where =
    goal.where === undefined ? null : compileCondition(ctx, goal.where, [...path, 'where'], { event: goal.on });
  return { event: goal.on, where, windowMs };
}

type PolicyInput = ShallowJourney['policy'];

function compilePolicy(ctx: CompileContext, policy: PolicyInput): PolicyPlan | null {
  const timezone = compileTimezone(ctx, policy?.timezone, policy?.timezone_fallback);
  const quietHours = policy?.quiet_hours === undefined ? null : compileQuietHours(ctx, policy.quiet_hours);
  const cap = policy?.frequency_cap;
  const perMs = cap === undefined ? null : durationMs(ctx, cap.per, ['policy', 'frequency_cap', 'per']);
  if (timezone === null || quietHours === undefined || (cap !== undefined && perMs === null)) return null;
  const frequencyCap = cap === undefined || perMs === null ? null : { max: cap.max, perMs, over: cap.over ?? 'defer' };
  return { timezone, quietHours, frequencyCap };
}

function compileTimezone(
  ctx: CompileContext,
  zone: string | undefined,
  fallback = DEFAULT_TIMEZONE,
): TimezonePlan | null {
  const fallbackOk = checkTimeZone(ctx, fallback, ['policy', 'timezone_fallback']);
  if (zone === undefined) return fallbackOk ? { source: 'profile', path: 'timezone', fallback } : null;
  if (zone.startsWith('profile.')) {
    const path = zone.slice('profile.'.length);
    return fallbackOk && path !== '' ? { source: 'profile', path, fallback } : null;
  }
  return checkTimeZone(ctx, zone, ['policy', 'timezone']) ? { source: 'fixed', zone } : null;
}

/** Parses "21:00-09:00"; `undefined` when invalid (reported). */
function compileQuietHours(ctx: CompileContext, text: string): { startMinute: number; endMinute: number } | undefined {
  const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const start = match ? minuteOfDay(match[1], match[2]) : null;
  const end = match ? minuteOfDay(match[3], match[4]) : null;
  if (start !== null && end !== null && start !== end) return { startMinute: start, endMinute: end };
  const message = `quiet hours "${text}" must be two different local times, HH:MM-HH:MM (e.g. 21:00-09:00)`;
  ctx.sink.add('BAD_QUIET_HOURS', message, ctx.positions.valueAt(['policy', 'quiet_hours']), ['policy', 'quiet_hours']);
  return undefined;
}

/** Minutes since midnight of "HH", "MM", or null when out of range. */
export function minuteOfDay(hours: string | undefined, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = Number(minutes);
  if (!Number.isInteger(h) || !Number.isInteger(m) || h > 23 || m > 59) return null;
  return h * 60 + m;
}
