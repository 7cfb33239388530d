/**
 * The journey workflow: one run per customer per journey, a thin driver of the pure engine
 * (`stepJourney`). It owns no journey semantics: requests become activities, waits become one timer
 * (a `condition` with a timeout that inputs interrupt), `complete`/`fail` end the run. Inputs reach
 * the engine one at a time, in arrival order, stamped with workflow time.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Plan } from '../definitions/plan.js';
import type { RunContext } from '../activities/types.js';
import {
  createJourneyState,
  outstandingCommands,
  stepJourney,
  type JourneyCommand,
  type JourneyInput,
  type JourneyState,
  type RequestCommand,
  type WaitCommand,
} from '../engine/index.js';
import { JournalBuffer } from './journal-buffer.js';
import { CLOSE_FAILED_ENTRY_PATCH, decideRunCosts, queuedFirstStart, type RunCosts } from './patches.js';
import { runRequest, storeActivity } from './requests.js';
import { END_AFTER_REQUESTS_PATCH, buildStartInput } from './start-input.js';
import {
  customerEvent,
  journeyControl,
  stateQuery,
  type JourneyWorkflowInput,
  type JourneyWorkflowResult,
} from './signals.js';
import { Visibility, currentStep, timerSummary, viewState } from './visibility.js';
import { WaitTimer } from './wait-timer.js';

/** Continue-as-new once a run's history passes this many events (Temporal's suggestion comes earlier on big histories). */
export const DEFAULT_HISTORY_BOUND = 2_000;

/** An input as it waits in the driver's queue; `nowMs` is stamped when the engine takes it. */
type Queued = JourneyInput extends infer T ? (T extends unknown ? Omit<T, 'nowMs'> : never) : never;

type Ending =
  | { kind: 'complete'; outcome: string; result: JourneyWorkflowResult }
  | { kind: 'fail'; code: string; message: string };

const isWait = (c: JourneyCommand | null): c is WaitCommand =>
  c?.type === 'sleep_until' || c?.type === 'wait_for_events';

export async function journeyWorkflow(input: JourneyWorkflowInput): Promise<JourneyWorkflowResult> {
  const driver = new JourneyDriver(input);
  return driver.run();
}

class JourneyDriver {
  private readonly ctx: RunContext;
  private readonly queue: Queued[] = [];
  private plan: Plan | null;
  private state: JourneyState;
  private readonly chainId: string;
  private readonly journal: JournalBuffer;
  private requests = 0;
  /** Local activities out, and whether one ran in the current workflow task (`journal-rides`). */
  private local = { out: 0, inTask: false };
  private fatal: unknown = null;
  private ending: Ending | null = null;
  private firedTimer: string | null = null;
  private readonly visibility: Visibility;
  private readonly timer = new WaitTimer((correlationId) => void this.queue.push({ type: 'timer', correlationId }));
  private costs: RunCosts = { upsertAtRest: false, timerPerWait: false, journalRides: false };

  constructor(private readonly input: JourneyWorkflowInput) {
    const info = workflowInfo();
    const { journeyId, version, customerId, carried } = input;
    this.ctx = { workflowId: info.workflowId, journeyId, version, customerId };
    this.plan = carried?.plan ?? null;
    this.state = carried?.state ?? createJourneyState(journeyId, input.contentHash);
    this.chainId = carried?.chainId ?? info.runId;
    this.journal = new JournalBuffer(this.ctx, this.chainId, carried?.journalSeq ?? 0, (err) => {
      this.fatal ??= err;
    });
    this.visibility = new Visibility(() => this.plan, carried ? currentStep(this.state) : 'entry');
    // Handlers first: a signal-with-start delivers its signal in the first workflow task.
    setHandler(customerEvent, ({ event }) => void this.queue.push({ type: 'event', event }));
    setHandler(
      journeyControl,
      ({ action, generation }) =>
        void this.queue.push(generation === undefined ? { type: action } : { type: action, generation }),
    );
    setHandler(stateQuery, () =>
      viewState({ journeyId, version, customerId }, this.state, this.visibility.currentDetails),
    );
  }

  async run(): Promise<JourneyWorkflowResult> {
    const { input } = this;
    this.costs = decideRunCosts();
    this.visibility.atRest = this.costs.upsertAtRest;
    if (this.plan === null) {
      this.plan = await storeActivity('loadPlan', `load ${input.journeyId} v${input.version}`, [
        { journeyId: input.journeyId, version: input.version, contentHash: input.contentHash },
      ]);
    }
    if (input.carried) {
      // Continue-as-new happens only while waiting, so this is the wait (timers derive from state).
      for (const command of outstandingCommands(this.state)) if (!isWait(command)) this.startRequest(command);
      this.visibility.update(this.state);
    } else {
      // An exit that came while the claim was out stops the first step (runs from before: just after it).
      this.feed({ ...buildStartInput(input), ...queuedFirstStart() });
      if (input.paused === true) this.feed({ type: 'pause' });
    }
    while (this.ending === null) {
      if (this.queue.length === 0) {
        this.rest();
        if (this.shouldContinueAsNew()) await this.continueAsNew();
        await this.nextInput();
      }
      // An activity that failed for good (its retry policy exhausted or non-retryable) fails the run.
      if (this.fatal !== null) await this.failOnFatal(this.fatal);
      const next = this.queue.shift();
      if (next !== undefined) this.feed(next);
    }
    return this.finish(this.ending);
  }

  private feed(input: Queued): void {
    const plan = this.plan;
    if (plan === null) return;
    const result = stepJourney(plan, this.state, { ...input, nowMs: Date.now() });
    this.state = result.state;
    for (const command of result.commands) this.execute(command);
    this.visibility.update(this.state);
  }

  private execute(command: JourneyCommand): void {
    switch (command.type) {
      case 'journal':
        this.journal.add(command.record);
        return;
      case 'sleep_until':
      case 'wait_for_events':
        // The timer is derived from `state.awaiting` in nextInput: one timer, replaced by each wait.
        return;
      case 'complete':
        this.ending = {
          kind: 'complete',
          outcome: command.outcome,
          result: { outcome: command.outcome, conversion: command.conversion },
        };
        return;
      case 'fail':
        this.ending = { kind: 'fail', code: command.code, message: command.message };
        return;
      default:
        this.startRequest(command);
    }
  }

  private startRequest(command: RequestCommand): void {
    const rows = this.journal.take();
    const local = command.type !== 'send';
    this.requests += 1;
    if (local) this.local = { out: this.local.out + 1, inTask: true };
    void runRequest(command, this.ctx, rows, this.state.entryEvent)
      .then((answer) => {
        this.queue.push(answer);
      })
      .catch((err: unknown) => {
        this.fatal ??= err;
      })
      .finally(() => {
        this.requests -= 1;
        if (local) this.local.out -= 1;
      });
  }

  /**
   * The run has no input to take. Before the patches: flush the journal. Under `upsert-at-rest`, a run
   * with no request out rests on a timer or a signal, so the UI's search attributes are upserted now.
   * Under `journal-rides`, rows wait for the next request or the closing flush, unless a local
   * activity already ran in this workflow task (its markers are billed as one action, so a flush
   * beside them costs nothing) or they say what happened to a message (the funnel shows it at once).
   */
  private rest(): void {
    if (this.costs.upsertAtRest && this.requests === 0) this.visibility.publish();
    if (!this.costs.journalRides) {
      void this.flushJournal();
      return;
    }
    if (this.local.out > 0) return; // the workflow task goes on: decide when it ends
    const free = this.local.inTask;
    this.local.inTask = false;
    if (free || this.journal.holdsPrompt()) void this.flushJournal();
  }

  /** Waits for the next input: a signal, an answer, or the current wait's timer. */
  private async nextInput(): Promise<void> {
    const ready = () => this.queue.length > 0 || this.fatal !== null;
    const wait = this.state.awaiting;
    if (this.costs.timerPerWait) {
      const current = isWait(wait) ? wait : null;
      this.timer.keep(current, () => (current === null ? '' : timerSummary(this.state, current)));
      await condition(ready);
      return;
    }
    if (!isWait(wait) || wait.untilMs === null || wait.correlationId === this.firedTimer) {
      await condition(ready);
      return;
    }
    const remaining = wait.untilMs - Date.now();
    const interrupted =
      remaining > 0 && (await condition(ready, remaining, { summary: timerSummary(this.state, wait) }));
    if (interrupted) return;
    this.firedTimer = wait.correlationId;
    this.queue.push({ type: 'timer', correlationId: wait.correlationId });
  }

  /** Writes the rows that rode on no request (see {@link rest}); with `end`, closes the run's entry. */
  private flushJournal(end: { entryKey: string; outcome: string } | null = null): Promise<void> {
    return this.journal.flush(end);
  }

  /** Waiting, nothing outstanding: the only moment a run may continue as new. */
  private idle(): boolean {
    const { state } = this;
    const waiting = state.awaiting === null || isWait(state.awaiting);
    return (
      state.status === 'active' &&
      waiting &&
      state.eventCheck === null &&
      this.queue.length === 0 &&
      this.requests === 0
    );
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const bound = this.input.historyBound ?? DEFAULT_HISTORY_BOUND;
    return this.idle() && (info.continueAsNewSuggested || info.historyLength > bound);
  }

  private async continueAsNew(): Promise<void> {
    // Rows riding on the next request would not reach the next run: they go now.
    if (this.costs.journalRides) void this.flushJournal();
    await condition(() => allHandlersFinished() && this.journal.flushes === 0);
    if (!this.idle() || this.journal.size > 0 || this.plan === null) return;
    const { carried: _carried, paused: _paused, ...rest } = this.input;
    // Search attributes go with the chain explicitly, so the UI keeps finding the customer's run.
    const next = makeContinueAsNewFunc<typeof journeyWorkflow>({
      typedSearchAttributes: workflowInfo().typedSearchAttributes,
    });
    await next({
      ...rest,
      carried: { plan: this.plan, state: this.state, journalSeq: this.journal.seq, chainId: this.chainId },
    });
  }

  /**
   * Fails the run with the activity failure that ended it. Its entry is closed first (`failed:<type>`),
   * so the ledger holds no open row for a run that is gone; a close that fails too does not hide the
   * first failure. Runs recorded before this (no `close-failed-entry` marker) fail as they did.
   */
  private async failOnFatal(fatal: unknown): Promise<never> {
    const failure =
      fatal instanceof Error ? fatal : ApplicationFailure.nonRetryable('an activity failed', 'ACTIVITY_FAILED');
    if (patched(CLOSE_FAILED_ENTRY_PATCH)) {
      const cause =
        failure instanceof ActivityFailure && failure.cause instanceof ApplicationFailure ? failure.cause : null;
      const outcome = `failed:${cause?.type ?? 'ACTIVITY_FAILED'}`;
      await condition(() => this.journal.flushes === 0);
      await this.flushJournal({ entryKey: this.state.entryKey, outcome }).catch(() => undefined);
    }
    throw failure;
  }

  private async finish(ending: Ending): Promise<JourneyWorkflowResult> {
    const outcome = ending.kind === 'complete' ? ending.outcome : `failed:${ending.code}`;
    // A request still out (a filter, a claim) is answered before the run closes its ledger row, so a
    // late write of that request cannot land after the close.
    if (patched(END_AFTER_REQUESTS_PATCH)) await condition(() => this.requests === 0 || this.fatal !== null);
    await this.flushJournal({ entryKey: this.state.entryKey, outcome });
    await condition(() => this.journal.flushes === 0);
    // Under `upsert-at-rest` the step and outcome go in one upsert, in the run's last workflow task.
    if (this.costs.upsertAtRest) this.visibility.publish();
    if (ending.kind === 'fail') throw ApplicationFailure.nonRetryable(ending.message, ending.code);
    return ending.result;
  }
}
