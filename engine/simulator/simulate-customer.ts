/**
 * A dry run of one journey for one customer on a virtual clock: the engine driven exactly as
 * the Temporal workflow drives it, with every request answered by a {@link SimulatedWorld}.
 */
import type { DeliveryChannel, Plan } from '../../definitions/plan.js';
import type { Conversion, JournalRecord, JourneyCommand } from '../commands.js';
import { HOLD_RECHECK_MS } from '../control.js';
import type { ControlInput, CustomerEvent, JourneyInput } from '../inputs.js';
import { createJourneyState, type JourneyState } from '../state.js';
import { stepJourney } from '../step-journey.js';
import { type JourneyStatus, type Profile, type SendLedger, SimulatedWorld, createSendLedger } from './world.js';

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
  /**
   * The operator's pauses, resumes and archives of the journey, in time order: the run hears each at
   * its moment, and every send re-checks the status they leave, as the runtime's do. A run that starts
   * while the journey is paused starts held. None by default.
   */
  controls?: readonly OperatorControl[];
  /**
   * When the entry claim's answer reaches the run (epoch ms); default `startMs`, at once. Events and
   * controls before it come while the claim is out: the run applies them before its first step, as the
   * runtime's runs do. A differential test passes the moment its runtime run took the answer.
   */
  claimAnsweredMs?: number;
}

/** An operator's action on the journey at `atMs`. */
export interface OperatorControl {
  type: ControlInput['type'];
  atMs: number;
}

const STATUS: Record<ControlInput['type'], JourneyStatus> = { pause: 'paused', resume: 'active', archive: 'archived' };

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
  const run = new Run(plan, world, options.claimAnsweredMs ?? startMs);
  const events = options.events.filter((e) => e.timeMs >= startMs && e.id !== options.entryEvent?.id);
  const controls = options.controls ?? [];
  for (const c of controls) if (c.atMs <= startMs) world.status = STATUS[c.type];
  const start: JourneyInput = {
    type: 'start',
    nowMs: startMs,
    customerId: options.customerId,
    entryEvent: options.entryEvent,
    // As the runtime's runs: a held send re-checks the journey after a while, and inputs that come
    // while the entry claim is out wait for it and are applied before the first step.
    holdRecheckMs: HOLD_RECHECK_MS,
    // As the runtime's runs: waits count from the journey's schedule moment (engine/schedule.ts).
    keepSchedule: true,
    queueUntilClaimed: true,
    queuedFirst: true,
    ...(options.holdout === undefined ? {} : { holdout: options.holdout }),
  };
  run.feed(start);
  if (world.status === 'paused') run.feed({ type: 'pause', nowMs: startMs });
  const outside = mergeByTime(
    events,
    controls.filter((c) => c.atMs > startMs),
  );
  let next = 0;
  while (!run.done && run.steps < MAX_SIMULATED_INPUTS) {
    if (run.queue.length > 0) {
      run.feed(run.queue.shift()!);
      continue;
    }
    const item = outside[next];
    const timerAt = run.timer?.untilMs ?? Number.POSITIVE_INFINITY;
    const claim = run.claim;
    const at = Math.min(timerAt, claim?.atMs ?? Number.POSITIVE_INFINITY, item?.atMs ?? Number.POSITIVE_INFINITY);
    if (!(at <= untilMs)) break;
    run.now = Math.max(run.now, at);
    if (claim !== null && claim.atMs <= at && !(item !== undefined && item.atMs < claim.atMs)) {
      run.claim = null;
      run.feed({ ...claim.answer, nowMs: run.now });
    } else if (item !== undefined && item.atMs <= timerAt) {
      next += 1;
      feedOutside(run, world, item);
    } else if (run.timer !== null) {
      const { correlationId } = run.timer;
      run.timer = null;
      run.feed({ type: 'timer', nowMs: run.now, correlationId });
    }
  }
  return run.result(untilMs, world.profile);
}

type Outside = { atMs: number; event: CustomerEvent } | { atMs: number; control: OperatorControl };

/** Events and controls in one timeline; at the same moment, events first (stable within each list). */
function mergeByTime(events: readonly CustomerEvent[], controls: readonly OperatorControl[]): Outside[] {
  const items: Outside[] = [
    ...events.map((event) => ({ atMs: event.timeMs, event })),
    ...controls.map((control) => ({ atMs: control.atMs, control })),
  ];
  return items.sort((a, b) => a.atMs - b.atMs);
}

function feedOutside(run: Run, world: SimulatedWorld, item: Outside): void {
  if ('event' in item) {
    world.observe(item.event);
    run.feed({ type: 'event', nowMs: run.now, event: item.event });
    return;
  }
  // The head changes first; the run hears of it after (the runtime's fan-out signals it).
  world.status = STATUS[item.control.type];
  run.feed({ type: item.control.type, nowMs: run.now });
}

class Run {
  state: JourneyState;
  readonly queue: JourneyInput[] = [];
  readonly journal: JournalRecord[] = [];
  readonly sends: SimulatedSend[] = [];
  timer: { correlationId: string; untilMs: number | null; reason: string } | null = null;
  /** The entry claim's answer, held until {@link claimAnsweredMs}. */
  claim: { answer: JourneyInput; atMs: number } | null = null;
  now = 0;
  steps = 0;
  done = false;
  outcome: string | null = null;
  failure: { code: string; message: string } | null = null;
  endMs: number | null = null;

  constructor(
    readonly plan: Plan,
    readonly world: SimulatedWorld,
    private readonly claimAnsweredMs: number,
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
      default: {
        const answer = this.world.answer(command, this.now);
        if (command.type === 'claim_entry' && this.claimAnsweredMs > this.now) {
          this.claim = { answer, atMs: this.claimAnsweredMs };
        } else this.queue.push(answer);
      }
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
