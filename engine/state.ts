/**
 * The state of one journey run: plain JSON, small, and everything a run needs to go on after
 * continue-as-new (the driver passes it to the next run and re-issues {@link JourneyState.awaiting}).
 */
import type { DeliveryChannel, StepId } from '../definitions/plan.js';
import type { Conversion, EvaluateConditionsCommand, RequestCommand, WaitCommand } from './commands.js';
import type { CustomerEvent, JourneyInput } from './inputs.js';

/** Version of the state format; a run refuses a state it does not know. */
export const STATE_VERSION = 1;

/** How many event ids a run remembers to ignore duplicates. */
export const SEEN_EVENT_LIMIT = 100;

/** How many messages a run remembers, newest last, to attribute goal events that arrive late. */
export const TOUCH_LIMIT = 20;

/** How many inputs may queue behind an event whose filters are being evaluated. */
export const INBOX_LIMIT = 50;

/** Where a run stands inside a step. */
export type StepStage =
  /** waiting for condition decisions (if, branch) */
  | 'evaluate'
  /** waiting for a date attribute (wait_until) */
  | 'resolve'
  /** sleeping until `untilMs` (wait, wait_until, repeat between runs) */
  | 'sleep'
  /** waiting for an event until `untilMs` (wait_for) */
  | 'wait-event'
  /** send: held by a pause */
  | 'hold'
  /** send: deferred by quiet hours */
  | 'quiet'
  /** send: deferred by the frequency cap */
  | 'cap-wait'
  /** send: waiting for the delivery result */
  | 'send'
  /** update_profile: waiting for the update */
  | 'update'
  /** line_richmenu: waiting for LINE */
  | 'richmenu';

export type Cursor =
  | { phase: 'claim' }
  /** The entry is granted; the inputs that waited for the claim are applied before the first step. */
  | { phase: 'entered' }
  | { phase: 'timezone' }
  | {
      phase: 'step';
      stepId: StepId;
      stage: StepStage;
      /** When the step (or the current wait in it) began; `wait_for` sees only events from here on. */
      sinceMs: number;
      untilMs: number | null;
      /** send: 0 for the step's channel, 1 for its fallback. */
      attempt: number;
      /** send: the channel the last attempt used, once answered. */
      channel: DeliveryChannel | null;
      /** send: a `resume` arrived while the delivery was out, so a `held` answer is already stale. */
      resumed: boolean;
    };

/** An active `repeat`: its step, the runs of its body done so far, and when it began. */
export interface LoopFrame {
  stepId: StepId;
  iteration: number;
  sinceMs: number;
}

/** A message sent (or, in holdout, that would have been): goals are attributed to the last one before them. */
export interface Touch {
  stepId: StepId;
  template: string;
  channel: DeliveryChannel | null;
  atMs: number;
}

/** What an incoming event could mean; decided once its `where` filters are evaluated. */
export interface EventCandidates {
  exits: number[];
  goals: number[];
  /** The `wait_for` step it may satisfy, with the wait's correlation id. */
  waitFor: { stepId: StepId; correlationId: string } | null;
  /** `repeat` steps it may stop. */
  repeats: StepId[];
}

/** An event whose filters are being evaluated; `slots` maps each candidate to its condition index (-1: no filter). */
export interface EventCheck {
  command: EvaluateConditionsCommand;
  event: CustomerEvent;
  candidates: EventCandidates;
  slots: { exits: number[]; goals: number[]; waitFor: number; repeats: number[] };
}

/**
 * An exit (or archive) decided while a delivery or profile update was out: the run ends once that
 * request is answered and its result journaled, so the journal never misses a message that went out.
 */
export interface Ending {
  /** The outcome the run ends with (`exited:<event>`, `converted`, `archived`...). */
  outcome: string;
  /** Facts of the exit for its journal row (event, eventId, converted). */
  detail: { [key: string]: string | number | boolean | null };
  /** Events that arrived meanwhile (ignored); past {@link INBOX_LIMIT} the run ends without the answer. */
  waited: number;
}

export interface JourneyState {
  stateVersion: typeof STATE_VERSION;
  journeyId: string;
  contentHash: string;
  status: 'new' | 'active' | 'done' | 'failed';
  customerId: string;
  entryEvent: CustomerEvent | null;
  entryKey: string;
  enteredMs: number;
  /**
   * The schedule moment (`schedule.ts`): the entry moment, then the instant each fired timer was armed
   * for, an awaited event's time or a resume. `wait`, `wait_for` and `repeat` count from it, so time a
   * run spends in queues does not shift its schedule. `null` in runs from before: they count from the
   * turn that reaches the step.
   */
  scheduleMs: number | null;
  holdout: boolean;
  paused: boolean;
  /** The generation of the last control applied; `null` when the run takes controls in arrival order. */
  controlGeneration: number | null;
  /** A held send re-checks the journey after this long; `null`: it waits for `resume` alone. */
  holdRecheckMs: number | null;
  /** Inputs that arrive while the entry claim is out wait for its answer (false in runs from before). */
  queueUntilClaimed: boolean;
  /**
   * Inputs that waited for the entry claim are applied before the first step is entered, so an exit
   * that came with the entry stops its first send (false in runs from before).
   */
  queuedFirst: boolean;
  /** The customer's time zone once known. */
  zone: string | null;
  cursor: Cursor | null;
  /** The outstanding request or wait of the main line; re-issue it after continue-as-new. */
  awaiting: RequestCommand | WaitCommand | null;
  /** An incoming event being filtered; main-line inputs queue in `inbox` meanwhile. */
  eventCheck: EventCheck | null;
  inbox: JourneyInput[];
  /** Set while an exit waits for the answer of the request out (see {@link Ending}). */
  ending: Ending | null;
  /**
   * Set when a `repeat` was stopped while a request of its body was out: once the answer is
   * journaled (no fallback, no deferral), the run goes on at `next`.
   */
  resumeAt: { next: StepId | null } | null;
  loops: LoopFrame[];
  /** Times each step was entered; keys idempotency of repeated sends. */
  visits: { [stepId: StepId]: number };
  /** The event each `wait_for` step received, for conditions that read it (`eventFrom`). */
  received: { [stepId: StepId]: CustomerEvent };
  /** The last {@link TOUCH_LIMIT} messages, oldest first. */
  touches: Touch[];
  conversion: Conversion | null;
  outcome: string | null;
  seenEventIds: string[];
  /** Next correlation number; correlation ids are `c<n>`, so they replay identically. */
  nextCorrelation: number;
  /** Transitions over the whole run, bounded to catch plans that never settle. */
  transitions: number;
}

/** A fresh state for a run of `plan`'s journey; {@link stepJourney} fills it on `start`. */
export function createJourneyState(journeyId: string, contentHash: string): JourneyState {
  return {
    stateVersion: STATE_VERSION,
    journeyId,
    contentHash,
    status: 'new',
    customerId: '',
    entryEvent: null,
    entryKey: '',
    enteredMs: 0,
    scheduleMs: null,
    holdout: false,
    paused: false,
    controlGeneration: null,
    holdRecheckMs: null,
    queueUntilClaimed: false,
    queuedFirst: false,
    zone: null,
    cursor: null,
    awaiting: null,
    eventCheck: null,
    inbox: [],
    ending: null,
    resumeAt: null,
    loops: [],
    visits: {},
    received: {},
    touches: [],
    conversion: null,
    outcome: null,
    seenEventIds: [],
    nextCorrelation: 1,
    transitions: 0,
  };
}
