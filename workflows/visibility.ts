/**
 * Keeps the Temporal UI current: search attributes (step, outcome) and the current details line,
 * written only when they change so history does not grow with repeats.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { Plan } from '../definitions/plan.js';
import { formatLocalTime, isValidTimeZone } from '../definitions/time-windows.js';
import { describeState, type JourneyState, type WaitCommand } from '../engine/index.js';
import { KizunaOutcome, KizunaStep } from './search-attributes.js';
import type { JourneyStateView } from './signals.js';

/** The KizunaStep value: the current step id, or the phase outside steps. */
export function currentStep(state: JourneyState): string {
  if (state.status === 'done' || state.status === 'failed') return 'done';
  const cursor = state.cursor;
  if (cursor === null) return state.status === 'new' ? 'entry' : 'between-steps';
  return cursor.phase === 'step' ? cursor.stepId : cursor.phase;
}

export class Visibility {
  private step: string | null = null;
  private outcome: string | null = null;
  private details: string | null = null;

  constructor(
    private readonly plan: () => Plan | null,
    initialStep: string,
  ) {
    this.step = initialStep;
  }

  /** Publishes what changed since the last call. */
  update(state: JourneyState): void {
    const plan = this.plan();
    const step = currentStep(state);
    const attributes = [];
    if (step !== this.step) attributes.push({ key: KizunaStep, value: step });
    if (state.outcome !== null && state.outcome !== this.outcome) {
      attributes.push({ key: KizunaOutcome, value: state.outcome });
    }
    if (attributes.length > 0) upsertSearchAttributes(attributes);
    this.step = step;
    this.outcome = state.outcome;
    const details = plan === null ? 'loading the journey' : describeState(plan, state);
    if (details !== this.details) setCurrentDetails(details);
    this.details = details;
  }

  get currentDetails(): string {
    return this.details ?? '';
  }
}

/** The summary of a timer: "wait-3d: wait until 2026-11-05 10:00 +09:00". */
export function timerSummary(state: JourneyState, wait: WaitCommand): string {
  const step = state.cursor?.phase === 'step' ? `${state.cursor.stepId}: ` : '';
  const zone = isValidTimeZone(state.zone) ? state.zone : 'UTC';
  const until = wait.untilMs === null ? '' : ` until ${formatLocalTime(wait.untilMs, zone)}`;
  const what =
    wait.type === 'wait_for_events' && wait.eventTypes.length > 0
      ? `wait for ${wait.eventTypes.join(', ')}`
      : wait.reason;
  return `${step}${what}${until}`;
}

/** The `state` query's answer. */
export function viewState(
  ids: { journeyId: string; version: number; customerId: string },
  state: JourneyState | null,
  details: string,
): JourneyStateView {
  const cursor = state?.cursor ?? null;
  const awaiting = state?.awaiting ?? null;
  const wait =
    awaiting !== null && (awaiting.type === 'sleep_until' || awaiting.type === 'wait_for_events') ? awaiting : null;
  const untilMs = wait?.untilMs ?? null;
  return {
    ...ids,
    status: state?.status ?? 'new',
    paused: state?.paused ?? false,
    stepId: cursor?.phase === 'step' ? cursor.stepId : null,
    stage: cursor === null ? null : cursor.phase === 'step' ? cursor.stage : cursor.phase,
    waitingFor:
      wait === null
        ? []
        : wait.type === 'wait_for_events' && wait.eventTypes.length > 0
          ? wait.eventTypes
          : [wait.reason],
    untilMs,
    until: untilMs === null ? null : new Date(untilMs).toISOString(),
    visited: { ...(state?.visits ?? {}) },
    outcome: state?.outcome ?? null,
    conversion: state?.conversion ?? null,
    details,
  };
}
