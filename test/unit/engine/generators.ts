// fast-check generators of valid plans, profiles and event timelines for the engine's properties.
import fc from 'fast-check';
import type { Condition, ExitPlan, Plan, PolicyPlan, StepPlan } from '../../../definitions/plan.js';
import type { CustomerEvent } from '../../../engine/inputs.js';
import type { Profile } from '../../../engine/simulator/world.js';
import { DAY, HOUR, MINUTE, T0 } from './plans.js';

export const EVENT_TYPES = ['order.completed', 'line.unfollowed', 'clicked', 'postback'] as const;
const ZONES = ['Asia/Tokyo', 'UTC', 'America/New_York', 'Europe/London'];
const CONDITIONS: Condition[] = [
  { totalSpent: { $gte: 30000 } },
  { tags: 'vip' },
  { 'event.total': { $gte: 100 } },
  { lastOrderAt: { $olderThan: 90 * DAY } },
];

type Shape =
  | { kind: 'send'; channel: 'email' | 'line' | 'preferred'; fallback: 'email' | 'line' | null }
  | { kind: 'wait'; ms: number }
  | { kind: 'wait_until'; offsetMs: number; timeOfDay: string | null; weekdays: readonly number[] | null }
  | { kind: 'wait_for'; event: string; ms: number; filtered: boolean; jump: number }
  | { kind: 'if'; condition: number; jump: number }
  | { kind: 'split'; weights: number[] }
  | { kind: 'update_profile'; tag: string }
  | { kind: 'line_richmenu'; link: string | null }
  | { kind: 'exit' }
  | { kind: 'repeat'; times: number; everyMs: number; until: string | null; body: Shape[] };

const simpleShape: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    channel: fc.constantFrom('email' as const, 'line' as const, 'preferred' as const),
    fallback: fc.constantFrom('email' as const, 'line' as const, null),
  }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: MINUTE, max: 5 * DAY }) }),
  fc.record({
    kind: fc.constant('wait_until' as const),
    offsetMs: fc.integer({ min: -5 * DAY, max: 10 * DAY }),
    timeOfDay: fc.constantFrom(null, '10:00', '23:30'),
    weekdays: fc.constantFrom(null, [1, 2, 3, 4, 5], [6, 7]),
  }),
  fc.record({
    kind: fc.constant('wait_for' as const),
    event: fc.constantFrom(...EVENT_TYPES),
    ms: fc.integer({ min: HOUR, max: 7 * DAY }),
    filtered: fc.boolean(),
    jump: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('if' as const), condition: fc.nat(CONDITIONS.length - 1), jump: fc.nat(3) }),
  fc.record({
    kind: fc.constant('split' as const),
    weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('update_profile' as const), tag: fc.constantFrom('a', 'b') }),
  fc.record({ kind: fc.constant('line_richmenu' as const), link: fc.constantFrom('members', null) }),
  fc.constant({ kind: 'exit' as const }),
);

const shape: fc.Arbitrary<Shape> = fc.oneof(
  { weight: 5, arbitrary: simpleShape },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      times: fc.integer({ min: 1, max: 4 }),
      everyMs: fc.integer({ min: 0, max: 3 * DAY }),
      until: fc.constantFrom(null, ...EVENT_TYPES),
      body: fc.array(simpleShape, { minLength: 1, maxLength: 3 }),
    }),
  },
);

const policy: fc.Arbitrary<PolicyPlan> = fc.record({
  timezone: fc.oneof(
    fc.constantFrom(...ZONES).map((zone) => ({ source: 'fixed' as const, zone })),
    fc.constant({ source: 'profile' as const, path: 'timezone', fallback: 'Asia/Tokyo' }),
  ),
  quietHours: fc.option(
    fc.record({ startMinute: fc.integer({ min: 0, max: 1439 }), endMinute: fc.integer({ min: 0, max: 1439 }) }),
  ),
  frequencyCap: fc.option(
    fc.record({
      max: fc.integer({ min: 1, max: 3 }),
      perMs: fc.integer({ min: HOUR, max: 3 * DAY }),
      over: fc.constantFrom('defer' as const, 'skip' as const),
    }),
  ),
});

const exits: fc.Arbitrary<ExitPlan[]> = fc.array(
  fc.record({
    event: fc.constantFrom(...EVENT_TYPES),
    where: fc.constantFrom(null, { 'event.total': { $gte: 100 } } as Condition),
    goal: fc.boolean(),
    goalWindowMs: fc.option(fc.integer({ min: HOUR, max: 10 * DAY })),
  }),
  { maxLength: 2 },
);

/** Turns shapes into steps: top-level successors point forward only; a repeat body leads back to its repeat. */
function build(shapes: Shape[]): Plan['steps'] {
  const steps: Plan['steps'] = {};
  const ids = shapes.map((_, i) => `s${i}`);
  shapes.forEach((s, i) => {
    const next = ids[i + 1] ?? null;
    const later = (jump: number): string | null => ids[i + 1 + jump] ?? null;
    addStep(steps, ids[i]!, s, next, later);
  });
  return steps;
}

function addStep(
  steps: Plan['steps'],
  id: string,
  s: Shape,
  next: string | null,
  later: (jump: number) => string | null,
): void {
  const loc = { line: 1, col: 1 };
  const put = (step: StepPlan): void => {
    steps[step.id] = step;
  };
  switch (s.kind) {
    case 'send':
      return put({ kind: 'send', id, loc, channel: s.channel, fallback: s.fallback, template: `t-${id}`, next });
    case 'wait':
      return put({ kind: 'wait', id, loc, durationMs: s.ms, next });
    case 'wait_until': {
      const target = {
        type: 'attribute' as const,
        source: 'profile' as const,
        path: 'renewalDate',
        offsetMs: s.offsetMs,
      };
      return put({
        kind: 'wait_until',
        id,
        loc,
        target,
        timeOfDay: s.timeOfDay,
        weekdays: s.weekdays === null ? null : [...s.weekdays],
        next,
      });
    }
    case 'wait_for': {
      const where = s.filtered ? { 'event.total': { $gte: 100 } } : null;
      return put({
        kind: 'wait_for',
        id,
        loc,
        event: s.event,
        where,
        timeoutMs: s.ms,
        onEvent: later(s.jump),
        onTimeout: next,
      });
    }
    case 'if':
      return put({ kind: 'if', id, loc, condition: CONDITIONS[s.condition]!, then: next, else: later(s.jump) });
    case 'split':
      return put({ kind: 'split', id, loc, variants: s.weights.map((weight, v) => ({ name: `v${v}`, weight, next })) });
    case 'update_profile':
      return put({ kind: 'update_profile', id, loc, set: { touched: true }, addTags: [s.tag], removeTags: [], next });
    case 'line_richmenu':
      return put({ kind: 'line_richmenu', id, loc, link: s.link, next });
    case 'exit':
      return put({ kind: 'exit', id, loc, outcome: 'left' });
    case 'repeat': {
      const bodyIds = s.body.map((_, b) => `${id}-b${b}`);
      const until = s.until === null ? null : { event: s.until, where: null };
      put({ kind: 'repeat', id, loc, times: s.times, everyMs: s.everyMs, until, body: bodyIds[0]!, next });
      s.body.forEach((b, k) => {
        const bodyNext = bodyIds[k + 1] ?? id;
        addStep(steps, bodyIds[k]!, b, bodyNext, () => bodyNext);
      });
      return;
    }
  }
}

export const planArb: fc.Arbitrary<Plan> = fc
  .record({
    shapes: fc.array(shape, { minLength: 1, maxLength: 8 }),
    policy,
    exits,
    goal: fc.option(fc.constantFrom(...EVENT_TYPES)),
    goalFiltered: fc.boolean(),
    holdoutPercent: fc.constantFrom(0, 0, 50, 100),
  })
  .map(({ shapes, policy: p, exits: e, goal, goalFiltered, holdoutPercent }) => ({
    planVersion: 1 as const,
    journeyId: 'generated',
    name: 'generated',
    contentHash: 'h',
    entry: { type: 'api' as const },
    reentry: { policy: 'always' as const },
    holdoutPercent,
    exits: e,
    goals:
      goal === null
        ? []
        : [
            {
              event: goal,
              where: goalFiltered ? { 'event.total': { $gte: 100 } } : null,
              windowMs: null,
            },
          ],
    policy: p,
    start: 's0',
    steps: build(shapes),
    listens: {},
    eventFields: {},
    templates: {},
  }));

export const profileArb: fc.Arbitrary<Profile> = fc.record({
  email: fc.constantFrom('a@example.com', ''),
  lineUserId: fc.constantFrom('U1', ''),
  lineFollowing: fc.boolean(),
  totalSpent: fc.integer({ min: 0, max: 60000 }),
  tags: fc.constantFrom([], ['vip']),
  timezone: fc.constantFrom(...ZONES, 'Not/AZone'),
  renewalDate: fc.integer({ min: T0 - 10 * DAY, max: T0 + 40 * DAY }).map((ms) => new Date(ms).toISOString()),
});

export const timelineArb: fc.Arbitrary<CustomerEvent[]> = fc
  .array(
    fc.record({
      id: fc.integer({ min: 1, max: 15 }).map((n) => `e${n}`),
      type: fc.constantFrom(...EVENT_TYPES),
      timeMs: fc.integer({ min: T0, max: T0 + 30 * DAY }),
      properties: fc.record({ total: fc.integer({ min: 0, max: 300 }) }),
    }),
    { maxLength: 8 },
  )
  .map((events) => [...events].sort((a, b) => a.timeMs - b.timeMs));
