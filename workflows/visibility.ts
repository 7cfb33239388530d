/**
 * Keeps the Temporal UI current: search attributes (step, outcome) and the current details line,
 * written only when they change so history does not grow with repeats. Under the `upsert-at-rest`
 * patch the search attributes are upserted only when the run waits or ends: one upsert (a billed
 * action) per rest, none for the phases a workflow task passes through.
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
  private published: { step: string; outcome: string | null };
  private wanted: { step: string; outcome: string | null };
  private details: string | null = null;
  /** Under `upsert-at-rest`: search attributes wait for {@link publish}; else each change is upserted at once. */
  atRest = false;

  constructor(
    private readonly plan: () => Plan | null,
    initialStep: string,
  ) {
    this.published = { step: initialStep, outcome: null };
    this.wanted = { ...this.published };
  }

  /** Takes the run's state: the current details at once, the search attributes now or at rest. */
  update(state: JourneyState): void {
    const plan = this.plan();
    this.wanted = { step: currentStep(state), outcome: state.outcome };
    if (!this.atRest) this.publish();
    const details = plan === null ? 'loading the journey' : describeState(plan, state);
    if (details !== this.details) setCurrentDetails(details);
    this.details = details;
  }

  /** Upserts what changed since the last upsert, in one command (the driver calls it when the run waits or ends). */
  publish(): void {
    const { step, outcome } = this.wanted;
    const attributes = [];
    if (step !== this.published.step) attributes.push({ key: KizunaStep, value: step });
    if (outcome !== null && outcome !== this.published.outcome) attributes.push({ key: KizunaOutcome, value: outcome });
    if (attributes.length > 0) upsertSearchAttributes(attributes);
    this.published = { ...this.wanted };
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
