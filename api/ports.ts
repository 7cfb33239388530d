/**
 * What the API needs from the journey runtime, as an interface: the app receives it in `createApp(deps)`
 * (api/server.ts binds it to `runtime/` and a Temporal client), so nothing in api/ depends on the
 * runtime's internals and api/events/event-router.ts stays the only module that causes Temporal calls.
 */
import type { LineBudgetStatus } from '../channels/line-budget.js';
import type { CustomerEvent } from '../engine/inputs.js';
import type { WaitingAtStep } from '../runtime/waiting.js';

export type { CustomerEvent };

/** The runtime's client side (runtime/enter-journey.ts, runtime/signal.ts, runtime/control.ts). */
export interface RuntimePort {
  /**
   * Starts the customer's run (`enterJourney`); `signalled` when a run was already going and got the
   * event, `dropped` when it was going and the event would do nothing in it (journaled).
   */
  enterJourney(input: {
    journeyId: string;
    customerId: string;
    event: CustomerEvent | null;
    /** A bulk source (a batch, many customers at once): the run starts behind due work. */
    bulk?: boolean;
  }): Promise<{ status: 'entered' | 'signalled' | 'dropped' | 'inactive'; workflowId: string }>;
  /** A `customerEvent` signal to the customer's run; `no-run` when there is none (not an error). */
  signalCustomerEvent(input: {
    journeyId: string;
    customerId: string;
    event: CustomerEvent;
  }): Promise<'signalled' | 'no-run'>;
  /** Pause / resume / archive with the runtime's semantics (head status + running workflows). */
  controlJourney(input: { journeyId: string; action: 'pause' | 'resume' | 'archive' }): Promise<void>;
  /** Erasure: ends every running journey of the customer; returns how many. */
  endCustomerJourneys(input: { customerId: string }): Promise<number>;
  /**
   * The running runs of a journey version at each step, from Temporal's visibility, with up to `sample` of them per
   * step (runtime/waiting.ts); absent where the runtime has no visibility (the console then shows none).
   */
  waitingRuns?(input: {
    journeyId: string;
    version: number;
    stepIds: readonly string[];
    sample: number;
  }): Promise<WaitingAtStep[]>;
}

/** Segment entry on Temporal Schedules (one per segment journey). */
export interface SchedulesPort {
  /** Creates or updates the journey's schedule for its current version (cron and zone from the plan). */
  upsert(input: { journeyId: string; version: number; cron: string; timezone: string }): Promise<void>;
  pause(journeyId: string): Promise<void>;
  resume(journeyId: string): Promise<void>;
  remove(journeyId: string): Promise<void>;
}

/** LINE's user profiles (`GET /v2/bot/profile/{userId}`), read after a follow. */
export interface LineProfilesPort {
  /** The user's LINE display name; `null` when LINE does not give one (unknown user, no consent). */
  displayName(userId: string): Promise<string | null>;
}

/** The LINE message budget's figures (`channels/line-budget.ts`), for `GET /v1/reports/line-budget`. */
export interface LineBudgetPort {
  status(): Promise<LineBudgetStatus>;
}
