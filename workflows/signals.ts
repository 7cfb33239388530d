/**
 * The journey workflow's wire contract: its input, signals and query. The client side (`runtime/`)
 * and the workflow import these, so both spell the names the same way.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Plan } from '../definitions/plan.js';
import type { Conversion, CustomerEvent, JourneyState } from '../engine/index.js';

/** The workflow type's name, as the client starts it. */
export const JOURNEY_WORKFLOW = 'journeyWorkflow';

/** Starts a run of one journey for one customer; the plan is pinned by version and content hash. */
export interface JourneyWorkflowInput {
  journeyId: string;
  version: number;
  contentHash: string;
  customerId: string;
  /** The event that made the customer enter (only the properties the plan reads); `null` for segment/API entries. */
  entryEvent: CustomerEvent | null;
  /** The journey was paused when the customer entered: the run starts held before its first send. */
  paused?: boolean;
  /** The re-entry ledger's key of an entry without an event (a segment pass's); default: the run id. */
  entryKey?: string;
  /** The journey head's generation at entry: controls not newer than it are ignored. */
  generation?: number;
  /** Continue-as-new once history holds more events than this (Temporal's own suggestion also counts). */
  historyBound?: number;
  /** Set by continue-as-new: the run goes on from here instead of starting. */
  carried?: CarriedRun;
}

/** What continue-as-new carries to the next run of the chain. */
export interface CarriedRun {
  plan: Plan;
  state: JourneyState;
  /** Journal rows written so far in the chain, so row ids stay unique and stable. */
  journalSeq: number;
  /** Identifies the chain (the first run's id) in journal row ids. */
  chainId: string;
}

export interface JourneyWorkflowResult {
  outcome: string;
  conversion: Conversion | null;
}

/** A customer event for the run (id, type, time, and only the properties the plan's conditions read). */
export interface CustomerEventSignal {
  event: CustomerEvent;
}

/**
 * An operator action: `pause` holds before the next send, `resume` releases, `archive` ends the run.
 * `generation` is the journey head's generation the action belongs to: a run ignores one not newer
 * than the last it applied (absent in signals sent before generations existed).
 */
export interface JourneyControlSignal {
  action: 'pause' | 'resume' | 'archive';
  generation?: number;
}

/** What the `state` query answers: where the run stands and why it waits. No profile data. */
export interface JourneyStateView {
  journeyId: string;
  version: number;
  customerId: string;
  status: JourneyState['status'];
  paused: boolean;
  /** The current step, or `null` between steps / before entry / when done. */
  stepId: string | null;
  stage: string | null;
  /** What the run waits for: event types, or a reason such as `wait`, `quiet-hours`, `paused`. */
  waitingFor: string[];
  /** When the current wait ends (epoch ms and ISO), `null` when not waiting or waiting without end. */
  untilMs: number | null;
  until: string | null;
  /** Steps visited so far and how often. */
  visited: { [stepId: string]: number };
  outcome: string | null;
  conversion: Conversion | null;
  /** The one-line account the Temporal UI shows as current details. */
  details: string;
}

export const customerEvent = defineSignal<[CustomerEventSignal]>('customerEvent');
export const journeyControl = defineSignal<[JourneyControlSignal]>('journeyControl');
export const stateQuery = defineQuery<JourneyStateView>('state');
