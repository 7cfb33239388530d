/**
 * Entry: starts a customer's run of a journey, or hands the event to the run already going, in one
 * signal-with-start on the workflow id `kizuna/<journeyId>/<customerId>`.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import type { CustomerEvent } from '../engine/index.js';
import { getJourneyHead, loadJourneyVersion } from '../store/journeys.js';
import {
  KizunaCustomer,
  KizunaJourney,
  KizunaJourneyVersion,
  KizunaStep,
  TASK_QUEUE,
} from '../workflows/search-attributes.js';
import { JOURNEY_WORKFLOW, customerEvent, type JourneyWorkflowInput } from '../workflows/signals.js';
import { journeyWorkflowId, type RuntimeDeps } from './deps.js';
import { trimEvent } from './event-fields.js';

export interface EnterJourneyInput {
  journeyId: string;
  customerId: string;
  /** The event the customer enters on; `null` for segment and API entries. */
  event: CustomerEvent | null;
}

export interface EnterJourneyResult {
  /** `entered`: a new run started; `signalled`: a run was going and got the event; `inactive`: archived or unpublished. */
  status: 'entered' | 'signalled' | 'inactive';
  workflowId: string;
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
 * journey's new runs start held. Conflict policy: a running run receives the event as a
 * `customerEvent` signal (its engine drops an event id it has seen, which also covers a client retry
 * that delivers the signal twice); a closed run may be followed by a new one (re-entry is then decided
 * by the ledger inside the run). Without an event, a running run is left as it is.
 */
export async function enterJourney(deps: RuntimeDeps, input: EnterJourneyInput): Promise<EnterJourneyResult> {
  const workflowId = journeyWorkflowId(input.journeyId, input.customerId);
  const head = await getJourneyHead(deps.models, input.journeyId);
  if (head === null || head.status === 'archived') return { status: 'inactive', workflowId };
  const version = await loadJourneyVersion(deps.models, head.journeyId, head.version);
  if (version === null) throw new JourneyVersionMissingError(head.journeyId, head.version);
  const event = input.event === null ? null : trimEvent(version.plan, input.event);
  const args: JourneyWorkflowInput = {
    journeyId: head.journeyId,
    version: head.version,
    contentHash: head.contentHash,
    customerId: input.customerId,
    entryEvent: event,
    ...(head.status === 'paused' ? { paused: true } : {}),
    ...(deps.historyBound === undefined ? {} : { historyBound: deps.historyBound }),
  };
  const options = {
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    workflowId,
    args: [args] as [JourneyWorkflowInput],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    // Visible before the first workflow task: the UI can list the run at once.
    typedSearchAttributes: [
      { key: KizunaJourney, value: head.journeyId },
      { key: KizunaJourneyVersion, value: head.version },
      { key: KizunaCustomer, value: input.customerId },
      { key: KizunaStep, value: 'entry' },
    ],
    staticSummary: `${head.journeyId} v${head.version} · customer ${input.customerId}`,
  };
  // Which run was going before, to tell "entered" from "signalled" (signal-with-start does not say).
  const before = await runningRunId(deps, workflowId);
  if (event === null) {
    const handle = await deps.client.workflow.start(JOURNEY_WORKFLOW, options);
    return { status: handle.firstExecutionRunId === before ? 'signalled' : 'entered', workflowId };
  }
  const handle = await deps.client.workflow.signalWithStart(JOURNEY_WORKFLOW, {
    ...options,
    signal: customerEvent,
    signalArgs: [{ event }],
  });
  return { status: handle.signaledRunId === before ? 'signalled' : 'entered', workflowId };
}

/** The id of the run going under `workflowId`, or `null` when none is. */
async function runningRunId(deps: RuntimeDeps, workflowId: string): Promise<string | null> {
  try {
    const description = await deps.client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? description.runId : null;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}
