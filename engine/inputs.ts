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
  holdout?: boolean;
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
 * Answer to `check_frequency_cap`. `channel` is the channel the send would use (`preferred`
 * resolved: LINE when the customer follows the account, else email), `null` when none is reachable.
 * When not allowed, `retryAtMs` is when the cap next frees a slot.
 */
export interface FrequencyCheckedInput {
  type: 'frequency_checked';
  nowMs: number;
  correlationId: string;
  allowed: boolean;
  channel: DeliveryChannel | null;
  retryAtMs: number | null;
}

/**
 * Answer to `send`. Transient failures are retried by the runtime and never arrive here;
 * `failed` is permanent (invalid address, blocked, unsubscribed, no reachable channel).
 */
export interface SendResultInput {
  type: 'send_result';
  nowMs: number;
  correlationId: string;
  status: 'sent' | 'failed';
  channel: DeliveryChannel | null;
  reason: string | null;
}

/** Answer to `update_profile`. */
export interface ProfileUpdatedInput {
  type: 'profile_updated';
  nowMs: number;
  correlationId: string;
}

/** Operator actions: pause holds before the next send, resume releases it, archive exits. */
export type ControlInput =
  { type: 'pause'; nowMs: number } | { type: 'resume'; nowMs: number } | { type: 'archive'; nowMs: number };

/** Answers to the commands that expect one; matched to their command by `correlationId`. */
export type CommandResultInput =
  | EntryClaimedInput
  | TimezoneResolvedInput
  | ConditionsEvaluatedInput
  | DateResolvedInput
  | FrequencyCheckedInput
  | SendResultInput
  | ProfileUpdatedInput;

export type JourneyInput = StartInput | EventInput | TimerInput | CommandResultInput | ControlInput;
