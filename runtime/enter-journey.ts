/**
 * Entry: starts a customer's run of a journey on the workflow id `kizuna/<journeyId>/<customerId>`,
 * or hands the event to the run already going.
 */
import type { WorkflowStartOptions } from '@temporalio/client';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/common';
import type { CustomerEvent } from '../engine/index.js';
import { forgetStartedRun, recordStartedRun } from '../store/entries.js';
import { getJourneyHead, loadJourneyPlan, loadListensUpTo, type JourneyHead } from '../store/journeys.js';
import {
  KizunaCustomer,
  KizunaJourney,
  KizunaJourneyVersion,
  KizunaStep,
  TASK_QUEUE,
} from '../workflows/search-attributes.js';
import { JOURNEY_WORKFLOW, customerEvent, type JourneyWorkflowInput } from '../workflows/signals.js';
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';
import { keptByHead } from './head-cache.js';
import { trimEvent } from './event-fields.js';
import { entryPriority } from './priority.js';
import { trimForRuns } from './signal.js';
import { actsOnBeyondEntry, journalDroppedEntry, type DropReason } from './dropped-entry.js';
import { entryKeyValue } from '../definitions/entry-key.js';

export interface EnterJourneyInput {
  journeyId: string;
  customerId: string;
  /** The event the customer enters on; `null` for segment and API entries. */
  event: CustomerEvent | null;
  /** True when a bulk source enters many customers (a batch, a segment pass): the run starts behind due work. */
  bulk?: boolean;
  /**
   * The re-entry ledger's key of an entry without an event (a segment pass gives its own, the same
   * for a retried page, so the ledger refuses the retry a second run); default: the run's id.
   */
  entryKey?: string;
}

export interface EnterJourneyResult {
  /**
   * `entered`: a new run started; `signalled`: a run was going and got the event (it acts on it as an
   * exit, goal, wait_for or repeat event); `dropped`: a run was going and the event would do nothing in
   * it, or a keyed journey's entry event has no key (`reason`; journaled); `inactive`: archived or unpublished.
   */
  status: 'entered' | 'signalled' | 'dropped' | 'inactive';
  workflowId: string;
  reason?: DropReason;
}

/** Thrown when the head points at a version that is not stored (a damaged store). */
export class JourneyVersionMissingError extends Error {
  readonly code = 'JOURNEY_VERSION_MISSING';
  constructor(journeyId: string, version: number) {
    super(`journey ${journeyId} v${version} is the current version but is not stored`);
    this.name = 'JourneyVersionMissingError';
  }
}

/**
 * Enters a customer into a journey. The run pins the head's version and content hash; a paused
 * journey's new runs start held. One Temporal call in the usual case: a start that fails when a run
 * is going. A running run then receives the event as a `customerEvent` signal (its engine drops an
 * event id it has seen, which also covers a client retry that delivers the signal twice); a run that
 * ended in between is followed by a new one. A closed run may be followed by a new one (re-entry is
 * decided by the ledger inside the run). Without an event, a running run is left as it is. A keyed
 * start is recorded in the entries ledger first (a started row), so events without the key find the
 * run before its entry claim is answered.
 */
export async function enterJourney(deps: RuntimeDeps, input: EnterJourneyInput): Promise<EnterJourneyResult> {
  const head = await getJourneyHead(deps.models, input.journeyId);
  if (head === null || head.status === 'archived') {
    return { status: 'inactive', workflowId: journeyWorkflowId(input.journeyId, input.customerId) };
  }
  const plan = await pinnedPlan(deps.models, head);
  if (plan === null) throw new JourneyVersionMissingError(head.journeyId, head.version);
  const event = input.event === null ? null : trimEvent(plan, input.event);
  const key = event === null ? null : entryKeyValue(plan, event.properties);
  const workflowId = journeyWorkflowId(input.journeyId, input.customerId, key);
  const drop = async (reason: DropReason): Promise<EnterJourneyResult> => {
    if (event !== null)
      await journalDroppedEntry(deps, { workflowId, head, customerId: input.customerId, event, reason });
    return { status: 'dropped', workflowId, reason };
  };
  if (key === null && plan.entry.type === 'event' && plan.entry.key !== undefined && event?.type === plan.entry.event) {
    return drop('missing-key');
  }
  const options = startOptions(deps, head, input, workflowId, event);
  const attempt: StartAttempt = { deps, head, workflowId, options, event, original: input.event, drop };
  return key === null || event === null ? startOrSignal(attempt) : startKeyed(attempt, input.customerId, event);
}

/** The start of the run: its input (the pinned version, the head's status and generation) and options. */
function startOptions(
  deps: RuntimeDeps,
  head: JourneyHead,
  input: EnterJourneyInput,
  workflowId: string,
  event: CustomerEvent | null,
): StartAttempt['options'] {
  const args: JourneyWorkflowInput = {
    journeyId: head.journeyId,
    version: head.version,
    contentHash: head.contentHash,
    customerId: input.customerId,
    entryEvent: event,
    ...(head.status === 'paused' ? { paused: true } : {}),
    generation: head.generation,
    ...(input.entryKey === undefined || event !== null ? {} : { entryKey: input.entryKey }),
    ...(deps.historyBound === undefined ? {} : { historyBound: deps.historyBound }),
  };
  return {
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    workflowId,
    args: [args],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    // Visible before the first workflow task: the UI can list the run at once.
    typedSearchAttributes: [
      { key: KizunaJourney, value: head.journeyId },
      { key: KizunaJourneyVersion, value: head.version },
      { key: KizunaCustomer, value: input.customerId },
      { key: KizunaStep, value: 'entry' },
    ],
    staticSummary: `${head.journeyId} v${head.version} · customer ${input.customerId}`,
    priority: entryPriority(head.journeyId, input.bulk ? 'bulk' : 'single'),
  };
}

/**
 * A keyed entry: events without the key reach a keyed journey's runs through the entries ledger,
 * which knows a run only once its claim is answered, so the run is recorded as started before its
 * start (its claim deletes the record). One insert; a start that starts nothing deletes it again.
 */
async function startKeyed(
  attempt: StartAttempt,
  customerId: string,
  event: CustomerEvent,
): Promise<EnterJourneyResult> {
  const { deps, head, workflowId } = attempt;
  const started = { journeyId: head.journeyId, customerId, entryKey: event.id, workflowId };
  const recorded = await recordStartedRun(deps.models, { ...started, enteredMs: event.timeMs });
  let result: EnterJourneyResult | null = null;
  try {
    result = await startOrSignal(attempt);
    return result;
  } finally {
    // No run of this event started: its record would name a run that never claims it.
    if (recorded && result?.status !== 'entered') await forgetStartedRun(deps.models, started);
  }
}

interface StartAttempt {
  deps: RuntimeDeps;
  head: JourneyHead;
  workflowId: string;
  options: WorkflowStartOptions<(input: JourneyWorkflowInput) => Promise<unknown>>;
  /** The entry event as the head's plan trims it, and as it came. */
  event: CustomerEvent | null;
  original: CustomerEvent | null;
  drop: (reason: DropReason) => Promise<EnterJourneyResult>;
}

/**
 * Starts the run; when one is going, hands it the event (if it acts on it). A run that ends between
 * the refused start and the signal is followed by a new one (bounded: it cannot race for ever).
 */
async function startOrSignal(attempt: StartAttempt): Promise<EnterJourneyResult> {
  const { deps, head, workflowId, options, event } = attempt;
  for (let tries = 0; ; tries++) {
    try {
      await deps.client.workflow.start(JOURNEY_WORKFLOW, options);
      return { status: 'entered', workflowId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    // Without an event there is nothing to hand the running run.
    if (event === null) return { status: 'dropped', workflowId, reason: 'already-in-journey' };
    // The run is going: it takes the event only as an exit, goal, wait_for or repeat event.
    // Any version a going run may be pinned to counts, not the head's alone.
    if (!actsOnBeyondEntry(await listensUpTo(deps.models, head), event.type)) return attempt.drop('already-in-journey');
    try {
      // The going run may be pinned to an older version than the head: it gets what any version reads.
      const running = await trimForRuns(deps.models, head, attempt.original ?? event);
      await deps.client.workflow.getHandle(workflowId).signal(customerEvent, { event: running });
      return { status: 'signalled', workflowId };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || tries >= 3) throw err;
    }
  }
}

// Published versions never change: their plans are kept by head (a version not found is not kept).
// The versions up to a head never change: their union of listens is kept by head.
const listensUpTo = keptByHead((models, head) => loadListensUpTo(models, head.journeyId, head.version));

const pinnedPlan = keptByHead(
  (models, head) => loadJourneyPlan(models, head.journeyId, head.version),
  (plan) => plan !== null,
);
