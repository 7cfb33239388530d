/**
 * A dry run of one journey for one customer on a virtual clock: the engine driven exactly as
 * the Temporal workflow drives it, with every request answered by a {@link SimulatedWorld}.
 */
import type { DeliveryChannel, Plan } from '../../definitions/plan.js';
import type { Conversion, JournalRecord, JourneyCommand } from '../commands.js';
import type { CustomerEvent, JourneyInput } from '../inputs.js';
import { createJourneyState, type JourneyState } from '../state.js';
import { stepJourney } from '../step-journey.js';
import { type Profile, type SendLedger, SimulatedWorld, createSendLedger } from './world.js';

/** Inputs one simulated run may take before it is cut short (a run of a valid plan needs far fewer). */
export const MAX_SIMULATED_INPUTS = 10_000;

export interface SimulateCustomerOptions {
  plan: Plan;
  customerId: string;
  /** Copied; updates from `update_profile` steps apply to the copy. */
  profile: Profile;
  /** The event the customer enters on, `null` for segment and API entries. */
  entryEvent: CustomerEvent | null;
  /** The customer's later events, in time order; earlier ones and the entry event are ignored. */
  events: readonly CustomerEvent[];
  startMs: number;
  /** The virtual clock stops here; a run still going is reported as waiting. */
  untilMs: number;
  /** Overrides the holdout decision. */
  holdout?: boolean;
  /** The customer's sends across journeys, for the frequency cap (a fresh ledger by default). */
  ledger?: SendLedger;
  /** Answers the re-entry claim (granted by default). */
  claimEntry?: (nowMs: number) => boolean;
  /** Profile fields declared `date` (profile-fields.yaml): their ISO text reads as dates. None by default. */
  dateFields?: readonly string[];
}

/** One message that went out. */
export interface SimulatedSend {
  atMs: number;
  stepId: string;
  template: string;
  channel: DeliveryChannel | null;
}

export interface SimulationResult {
  /** The journal, in order: the timeline. */
  journal: JournalRecord[];
  sends: SimulatedSend[];
  /** The run's outcome, or `null` when it was still going at `untilMs`. */
  outcome: string | null;
  /** When the run ended (or `untilMs`). */
  endMs: number;
  conversion: Conversion | null;
  failure: { code: string; message: string } | null;
  /** What the run waits for when the clock stops, if it still runs. */
  waiting: { reason: string; untilMs: number | null } | null;
  state: JourneyState;
  /** The customer's time zone as the run resolved it. */
  zone: string | null;
  /** Calls of the step function. */
  engineSteps: number;
  profile: Profile;
}

/** Runs one customer through a journey. Pure: same options, same result. Never throws. */
export function simulateCustomer(options: SimulateCustomerOptions): SimulationResult {
  const { plan, startMs, untilMs } = options;
  const profile = JSON.parse(JSON.stringify(options.profile)) as Profile;
  const ledger = options.ledger ?? createSendLedger();
  const world = new SimulatedWorld(profile, options.entryEvent, ledger, options.claimEntry, options.dateFields);
  const run = new Run(plan, world);
  const events = options.events.filter((e) => e.timeMs >= startMs && e.id !== options.entryEvent?.id);
  const start: JourneyInput = {
    type: 'start',
    nowMs: startMs,
    customerId: options.customerId,
    entryEvent: options.entryEvent,
    ...(options.holdout === undefined ? {} : { holdout: options.holdout }),
  };
  run.feed(start);
  let next = 0;
  while (!run.done && run.steps < MAX_SIMULATED_INPUTS) {
    if (run.queue.length > 0) {
      run.feed(run.queue.shift()!);
      continue;
    }
    const event = events[next];
    const timerAt = run.timer?.untilMs ?? Number.POSITIVE_INFINITY;
    const at = Math.min(timerAt, event?.timeMs ?? Number.POSITIVE_INFINITY);
    if (!(at <= untilMs)) break;
    run.now = Math.max(run.now, at);
    if (event !== undefined && event.timeMs <= timerAt) {
      next += 1;
      world.observe(event);
      run.feed({ type: 'event', nowMs: run.now, event });
    } else if (run.timer !== null) {
      const { correlationId } = run.timer;
      run.timer = null;
      run.feed({ type: 'timer', nowMs: run.now, correlationId });
    }
  }
  return run.result(untilMs, world.profile);
}

class Run {
  state: JourneyState;
  readonly queue: JourneyInput[] = [];
  readonly journal: JournalRecord[] = [];
  readonly sends: SimulatedSend[] = [];
  timer: { correlationId: string; untilMs: number | null; reason: string } | null = null;
  now = 0;
  steps = 0;
  done = false;
  outcome: string | null = null;
  failure: { code: string; message: string } | null = null;
  endMs: number | null = null;

  constructor(
    readonly plan: Plan,
    readonly world: SimulatedWorld,
  ) {
    this.state = createJourneyState(plan.journeyId, plan.contentHash);
  }

  feed(input: JourneyInput): void {
    this.now = Math.max(this.now, input.nowMs);
    this.steps += 1;
    const result = stepJourney(this.plan, this.state, input);
    this.state = result.state;
    for (const command of result.commands) this.execute(command);
  }

  private execute(command: JourneyCommand): void {
    switch (command.type) {
      case 'journal':
        this.record(command.record);
        return;
      case 'sleep_until':
      case 'wait_for_events':
        this.timer = { correlationId: command.correlationId, untilMs: command.untilMs, reason: command.reason };
        return;
      case 'complete':
      case 'fail':
        this.done = true;
        this.endMs = this.now;
        this.outcome = command.type === 'complete' ? command.outcome : `failed:${command.code}`;
        if (command.type === 'fail') this.failure = { code: command.code, message: command.message };
        return;
      default:
        this.queue.push(this.world.answer(command, this.now));
    }
  }

  private record(record: JournalRecord): void {
    this.journal.push(record);
    if (record.action === 'sent' && record.stepId !== null) {
      const channel = record.detail.channel;
      this.sends.push({
        atMs: record.atMs,
        stepId: record.stepId,
        template: String(record.detail.template),
        channel: channel === 'email' || channel === 'line' ? channel : null,
      });
    }
  }

  result(untilMs: number, profile: Profile): SimulationResult {
    const waiting =
      this.done || this.timer === null ? null : { reason: this.timer.reason, untilMs: this.timer.untilMs };
    return {
      journal: this.journal,
      sends: this.sends,
      outcome: this.outcome,
      endMs: this.endMs ?? untilMs,
      conversion: this.state.conversion,
      failure: this.failure,
      waiting,
      state: this.state,
      zone: this.state.zone,
      engineSteps: this.steps,
      profile,
    };
  }
}
