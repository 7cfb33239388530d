/**
 * What a journey run receives: the start, customer events, fired timers, the answers to its
 * commands, and operator actions. Every input carries `nowMs`, the only clock the engine knows.
 */
import type { DeliveryChannel, JsonValue } from '../definitions/plan.js';

/** A customer event as a journey sees it (the signal payload): only the properties the plan reads. */
export interface CustomerEvent {
  /** Unique per event; a repeated id is ignored. */
  id: string;
  type: string;
  /** When the event happened, epoch ms. */
  timeMs: number;
  properties: { [key: string]: JsonValue };
}

/** Starts a run. `holdout` overrides the engine's own stable-hash decision when given. */
export interface StartInput {
  type: 'start';
  nowMs: number;
  customerId: string;
  /** The event that made the customer enter; `null` for segment and API entries. */
  entryEvent: CustomerEvent | null;
  /**
   * The re-entry ledger's key for an entry without an event; default `start:<nowMs>`. A runtime
   * passes one that a retried workflow task cannot change (the run id), since its clock can.
   */
  startKey?: string;
  holdout?: boolean;
  /**
   * The entry moment (epoch ms): the entry event's time as the runtime bounds it; default and upper
   * bound `nowMs`. Goals count from here, so an order placed just after the entry event converts even
   * when the run's first task ran later.
   */
  enteredMs?: number;
  /**
   * The generation of the journey's head when the run was started. Given, the run orders controls by
   * generation (an older one is ignored); absent, controls apply in arrival order (runs from before).
   */
  controlGeneration?: number;
  /** A held send re-checks the journey after this long (ms); absent, a hold waits for `resume` alone. */
  holdRecheckMs?: number;
  /** Events and archives that arrive while the entry claim is out wait for its answer; default false (runs from before). */
  queueUntilClaimed?: boolean;
  /**
   * The run keeps a schedule moment (from the entry moment on): `wait`, `wait_for` and `repeat` count
   * from the journey's last due moment, not from the turn that reaches them. Default false (runs from
   * before count from the turn).
   */
  keepSchedule?: boolean;
  /**
   * With `queueUntilClaimed`: the inputs that waited for the claim are applied before the first step is
   * entered (an exit among them ends the run before its first send); default false (runs from before).
   */
  queuedFirst?: boolean;
}

export interface EventInput {
  type: 'event';
  nowMs: number;
  event: CustomerEvent;
}

/** The timer armed for a `sleep_until` / `wait_for_events` command fired. */
export interface TimerInput {
  type: 'timer';
  nowMs: number;
  correlationId: string;
}

/** Answer to `claim_entry`: whether the re-entry ledger let the customer in. */
export interface EntryClaimedInput {
  type: 'entry_claimed';
  nowMs: number;
  correlationId: string;
  granted: boolean;
  /**
   * The journey's head as read after the grant was recorded: a control whose fan-out listed the
   * ledger before this entry was in it is applied from here (runs that order controls by generation).
   */
  head?: HeadControl;
}

/** A journey head's status and generation, as a control the run applies when it is newer than its own. */
export interface HeadControl {
  status: 'active' | 'paused' | 'archived';
  generation: number;
}

/** Answer to `resolve_timezone`: the profile's zone, or `null` when absent (the plan's fallback applies). */
export interface TimezoneResolvedInput {
  type: 'timezone_resolved';
  nowMs: number;
  correlationId: string;
  zone: string | null;
}

/** Answer to `evaluate_conditions`: one decision per condition, in order. */
export interface ConditionsEvaluatedInput {
  type: 'conditions_evaluated';
  nowMs: number;
  correlationId: string;
  decisions: boolean[];
}

/** Answer to `resolve_date`: the attribute as epoch ms, or `null` when missing or not a date. */
export interface DateResolvedInput {
  type: 'date_resolved';
  nowMs: number;
  correlationId: string;
  atMs: number | null;
}

/**
 * What became of a `send`:
 * - `sent`: the provider accepted the message on `channel`;
 * - `skipped`: nothing was sent because the channel cannot reach the customer (`reason`:
 *   `unsubscribed`, `bounced`, `blocked`, `not-following`, `no-address`, `no-channel`...);
 * - `failed`: the provider refused the message for good (`reason`: `monthly-limit`, `line-400`,
 *   `invalid-address`...);
 * - `capped`: the frequency cap had no free slot; `retryAtMs` is when the next one frees;
 * - `held`: the executor found the journey paused (a pause the run has not heard of yet).
 *
 * After `skipped` or `failed` the engine journals the reason and tries the step's fallback channel
 * once, if it has one that differs; `capped` defers the step until `retryAtMs` or skips it, as the
 * policy's `frequencyCap.over` says; `held` holds the run as if paused until a `resume`.
 * Transient failures are retried by the executor and never arrive here.
 */
export interface SendResultInput {
  type: 'send_result';
  nowMs: number;
  correlationId: string;
  status: SendStatus;
  /** The channel used or tried (`preferred` resolved); `null` when none was chosen. */
  channel: DeliveryChannel | null;
  /**
   * Why nothing was sent (`skipped`, `failed`); for `sent`, `possible-duplicate` when an email was resent
   * after an attempt that may have been accepted too; `null` otherwise.
   */
  reason: string | null;
  /** `capped`: when the cap frees a slot; `null` otherwise. */
  retryAtMs: number | null;
}

/** The statuses of {@link SendResultInput}. */
export type SendStatus = 'sent' | 'skipped' | 'failed' | 'capped' | 'held';

/** Answer to `update_profile`. */
export interface ProfileUpdatedInput {
  type: 'profile_updated';
  nowMs: number;
  correlationId: string;
}

/** Why a `line_richmenu` request did nothing. */
export type RichMenuMissReason =
  /** the customer has no LINE user id */
  | 'no-line-user'
  /** the worker has no LINE channel access token */
  | 'line-not-configured'
  /** no menu of that name is published (no alias at LINE) */
  | 'unknown-rich-menu'
  /** LINE refused the call for good, with this HTTP status */
  | `line-${number}`;

/**
 * Answer to `line_richmenu`: `done` (linked or unlinked), `skipped` (the customer cannot have one:
 * no LINE user id) or `failed` (LINE or the setup refused it for good). Transient failures are retried
 * by the executor and never arrive here.
 */
export interface RichMenuResultInput {
  type: 'richmenu_result';
  nowMs: number;
  correlationId: string;
  status: 'done' | 'skipped' | 'failed';
  reason: RichMenuMissReason | null;
}

/**
 * Operator actions: pause holds before the next send, resume releases it, archive exits. `generation`
 * is the head's generation the action set: a run that orders controls ignores one not newer than the
 * last it applied, so a resume overtaken by the pause it followed cannot leave the run paused.
 */
export type ControlInput =
  | { type: 'pause'; nowMs: number; generation?: number }
  | { type: 'resume'; nowMs: number; generation?: number }
  | { type: 'archive'; nowMs: number; generation?: number };

/** Answers to the commands that expect one; matched to their command by `correlationId`. */
export type CommandResultInput =
  | EntryClaimedInput
  | TimezoneResolvedInput
  | ConditionsEvaluatedInput
  | DateResolvedInput
  | SendResultInput
  | ProfileUpdatedInput
  | RichMenuResultInput;

export type JourneyInput = StartInput | EventInput | TimerInput | CommandResultInput | ControlInput;
