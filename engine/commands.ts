/**
 * What a journey run asks its driver to do. Commands with a `correlationId` expect an answer
 * ({@link CommandResultInput}) or a timer; the others are fire-and-forget.
 */
import type {
  Condition,
  DeliveryChannel,
  JsonValue,
  ReentryPlan,
  SendChannel,
  StepId,
  StepKind,
} from '../definitions/plan.js';
import type { CustomerEvent } from './inputs.js';

/** Ask the re-entry ledger, atomically, whether this customer may enter now. Answer: `entry_claimed`. */
export interface ClaimEntryCommand {
  type: 'claim_entry';
  correlationId: string;
  journeyId: string;
  customerId: string;
  /** Identifies this entry: the entry event id, or `start:<nowMs>` without one. */
  entryKey: string;
  /** A keyed entry's key value: the re-entry policy applies per key. Absent for unkeyed journeys. */
  scope?: string;
  reentry: ReentryPlan;
  nowMs: number;
}

/** Read the customer's time zone from the profile. Answer: `timezone_resolved`. */
export interface ResolveTimezoneCommand {
  type: 'resolve_timezone';
  correlationId: string;
  path: string;
}

/**
 * Evaluate conditions against the profile (bare paths) and `event` (`event.*` paths).
 * Answer: `conditions_evaluated` with decisions only, so profile data never enters the history.
 */
export interface EvaluateConditionsCommand {
  type: 'evaluate_conditions';
  correlationId: string;
  /** The step deciding, or `null` when the conditions filter an incoming event (exit, goal, wait_for, repeat). */
  stepId: StepId | null;
  conditions: Condition[];
  event: CustomerEvent | null;
  nowMs: number;
  /** The run's zone: date text in the profile is read in it (`definitions/dates.ts`). */
  zone: string;
}

/** Read a date attribute of the profile or the entry event. Answer: `date_resolved`. */
export interface ResolveDateCommand {
  type: 'resolve_date';
  correlationId: string;
  stepId: StepId;
  source: 'profile' | 'event';
  /** Path inside the profile or the entry event's properties (no `event.` prefix). */
  path: string;
  entryEventId: string | null;
  /** The run's zone: a date-only or offset-less value is read in it (`readDateValue`). */
  zone: string;
}

/** The frequency cap a send must respect: at most `max` sends per customer and channel in any window of `perMs`. */
export interface SendCap {
  max: number;
  perMs: number;
}

/**
 * Render and deliver a template, exactly once per `idempotencyKey`. Answer: `send_result`.
 *
 * The executor, in one go and in this order:
 * 1. checks the journey is still active; a paused journey answers `held` (nothing is sent);
 * 2. resolves `preferred` (LINE when the customer follows the account, else email) and checks the
 *    channel's consent and address; one that cannot reach the customer answers `skipped` with a reason;
 * 3. when `cap` is given, reserves a cap slot atomically with the delivery claim: with `max` sends
 *    of this customer on this channel already inside the window of `perMs` ending now (every
 *    journey counts), it answers `capped` with `retryAtMs`, when the oldest of them leaves the window;
 * 4. renders and hands the message to the provider: `sent`, or `failed` for a permanent refusal.
 *
 * Transient failures are retried by the executor and never answered. A retry of the same
 * `idempotencyKey` never sends twice: once `sent`, `skipped` or `failed`, the key answers that
 * again. `capped` and `held` claim nothing, and the engine issues the same key again after them
 * (when the slot frees, on resume), which must then be tried afresh.
 */
export interface SendCommand {
  type: 'send';
  correlationId: string;
  stepId: StepId;
  template: string;
  channel: SendChannel;
  idempotencyKey: string;
  entryEventId: string | null;
  /** The policy's frequency cap, `null` when the journey has none. */
  cap: SendCap | null;
  nowMs: number;
}

/** Set attributes and add/remove tags on the profile. Answer: `profile_updated`. */
export interface UpdateProfileCommand {
  type: 'update_profile';
  correlationId: string;
  stepId: StepId;
  set: { [path: string]: JsonValue };
  addTags: string[];
  removeTags: string[];
}

/**
 * Link the rich menu named `link` (its alias at LINE) to the customer's LINE user, or unlink the
 * user's own menu when `link` is `null`. Answer: `richmenu_result`. Doing it twice is harmless: a
 * link replaces the user's menu, an unlink of a user without one changes nothing.
 */
export interface LineRichMenuCommand {
  type: 'line_richmenu';
  correlationId: string;
  stepId: StepId;
  link: string | null;
}

/** What happened at a step, for per-step funnels and the simulator's timeline. */
export type JournalAction =
  | 'entered'
  | 'entry-denied'
  | 'sent'
  | 'skipped'
  | 'deferred'
  | 'failed'
  | 'held'
  | 'resumed'
  | 'waiting'
  | 'proceeded'
  | 'matched'
  | 'timed-out'
  | 'branched'
  | 'split'
  | 'repeat'
  | 'repeat-stopped'
  | 'profile-updated'
  | 'richmenu-linked'
  | 'richmenu-unlinked'
  | 'converted'
  | 'exited'
  | 'completed'
  | 'dropped';

/** One journal row. `detail` holds small facts (template, channel, until, variant...), never profile data. */
export interface JournalRecord {
  atMs: number;
  stepId: StepId | null;
  stepKind: StepKind | null;
  action: JournalAction;
  reason: string | null;
  detail: { [key: string]: string | number | boolean | null };
}

export interface JournalCommand {
  type: 'journal';
  record: JournalRecord;
}

/** Arm a timer; when it fires, feed a `timer` input with this correlation id. Events still arrive meanwhile. */
export interface SleepUntilCommand {
  type: 'sleep_until';
  correlationId: string;
  untilMs: number;
  reason: string;
}

/**
 * Wait for customer events (`eventTypes`, for display) until `untilMs` (arm a timer) or, when
 * `untilMs` is `null`, until an input moves the journey on (a pause hold).
 */
export interface WaitForEventsCommand {
  type: 'wait_for_events';
  correlationId: string;
  eventTypes: string[];
  untilMs: number | null;
  reason: string;
}

/** The conversion a run is credited with, attributed to the last message sent (or that would have been, in holdout). */
export interface Conversion {
  eventId: string;
  eventType: string;
  atMs: number;
  stepId: StepId | null;
  template: string | null;
  channel: DeliveryChannel | null;
}

/**
 * The run is over. `outcome` is `completed`, `converted`, `exited:<event>`, `archived`,
 * `reentry-denied`, `holdout`, or the label of an `exit` step. A holdout run that reaches the end
 * or converts ends as `holdout`; whether it converted is in `conversion`.
 */
export interface CompleteCommand {
  type: 'complete';
  outcome: string;
  conversion: Conversion | null;
}

/** Stable codes of {@link FailCommand}. */
export type FailureCode = 'INVALID_PLAN' | 'INVALID_STATE' | 'INVALID_INPUT' | 'NO_PROGRESS' | 'UNKNOWN_STEP';

/** The plan or state is malformed, or the journey made no progress; the run must stop. */
export interface FailCommand {
  type: 'fail';
  code: FailureCode;
  message: string;
}

/** Commands that expect an answer input with the same correlation id. */
export type RequestCommand =
  | ClaimEntryCommand
  | ResolveTimezoneCommand
  | EvaluateConditionsCommand
  | ResolveDateCommand
  | SendCommand
  | UpdateProfileCommand
  | LineRichMenuCommand;

/** Commands that arm a timer or hold the run until an input arrives. */
export type WaitCommand = SleepUntilCommand | WaitForEventsCommand;

export type JourneyCommand = RequestCommand | WaitCommand | JournalCommand | CompleteCommand | FailCommand;
