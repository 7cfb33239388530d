// Hand-written plans for the engine tests: plain JSON, as the compiler emits it.
import type { Plan, PolicyPlan, StepPlan } from '../../../definitions/plan.js';
import type { CustomerEvent, JourneyInput } from '../../../engine/inputs.js';

type StepInput = StepPlan extends infer S ? (S extends StepPlan ? Omit<S, 'loc'> : never) : never;

export const T0 = Date.parse('2026-11-02T01:00:00Z'); // Monday 10:00 in Tokyo
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const utcPolicy: PolicyPlan = {
  timezone: { source: 'fixed', zone: 'UTC' },
  quietHours: null,
  frequencyCap: null,
};

/** A plan from steps (the first is the start); exits, goals and policy as given. */
export function makePlan(steps: StepInput[], extra: Partial<Plan> = {}): Plan {
  const table: Plan['steps'] = {};
  steps.forEach((step, i) => {
    table[step.id] = { ...step, loc: { line: i + 1, col: 3 } };
  });
  return {
    planVersion: 1,
    journeyId: 'test-journey',
    name: 'test',
    contentHash: 'hash',
    entry: { type: 'api' },
    reentry: { policy: 'always' },
    holdoutPercent: 0,
    exits: [],
    goals: [],
    policy: utcPolicy,
    start: steps[0]?.id ?? null,
    steps: table,
    listens: {},
    eventFields: {},
    templates: {},
    ...extra,
  };
}

export function send(id: string, template: string, next: string | null, more: Partial<StepInput> = {}): StepInput {
  return { kind: 'send', id, channel: 'email', template, fallback: null, next, ...more } as StepInput;
}

export function wait(id: string, durationMs: number, next: string | null): StepInput {
  return { kind: 'wait', id, durationMs, next };
}

export function waitFor(
  id: string,
  event: string,
  timeoutMs: number,
  onEvent: string | null,
  onTimeout: string | null,
): StepInput {
  return { kind: 'wait_for', id, event, where: null, timeoutMs, onEvent, onTimeout };
}

export function exitOn(event: string, goal = false, goalWindowMs: number | null = null): Plan['exits'][number] {
  return { event, where: null, goal, goalWindowMs };
}

export function event(
  id: string,
  type: string,
  timeMs: number,
  properties: CustomerEvent['properties'] = {},
): CustomerEvent {
  return { id, type, timeMs, properties };
}

export function startInput(nowMs = T0, customerId = 'cust-1', entryEvent: CustomerEvent | null = null): JourneyInput {
  return { type: 'start', nowMs, customerId, entryEvent };
}
