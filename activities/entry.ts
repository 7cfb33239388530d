import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Plan } from '../definitions/plan.js';
import type { ClaimEntryCommand, EntryClaimedInput, HeadControl } from '../engine/index.js';
import { claimEntry as claimLedgerEntry, listOpenRuns } from '../store/entries.js';
import { getJourneyHead, loadJourneyVersion } from '../store/journeys.js';
import { appendJournal } from '../store/journal.js';
import type { Models } from '../store/connection.js';
import { PlanCache } from './plan-cache.js';
import type { Answer, RequestInput } from './run-context.js';

export interface LoadPlanInput {
  journeyId: string;
  version: number;
  contentHash: string;
}

/**
 * The plan a run pinned at entry, read from the store once per worker (`PlanCache`). Fails
 * non-retryably with `JOURNEY_VERSION_NOT_FOUND` when the version does not exist and
 * `JOURNEY_CONTENT_MISMATCH` when its content is not the pinned one (neither is kept).
 */
export function makeLoadPlan(deps: { models: Models }, cache = new PlanCache()) {
  return function loadPlan(input: LoadPlanInput): Promise<Plan> {
    return cache.get(input, () => readPlan(deps.models, input));
  };
}

async function readPlan(models: Models, input: LoadPlanInput): Promise<Plan> {
  const found = await loadJourneyVersion(models, input.journeyId, input.version);
  if (found === null) {
    throw ApplicationFailure.nonRetryable(
      `journey ${input.journeyId} v${input.version} is not published`,
      'JOURNEY_VERSION_NOT_FOUND',
    );
  }
  if (found.contentHash !== input.contentHash) {
    throw ApplicationFailure.nonRetryable(
      `journey ${input.journeyId} v${input.version} has content ${found.contentHash}, not the pinned ${input.contentHash}`,
      'JOURNEY_CONTENT_MISMATCH',
    );
  }
  return found.plan;
}

/**
 * Asks the re-entry ledger; the same entry key always gets the same answer. A granted answer carries
 * the journey's head as read after the grant was written: a control's fan-out lists the ledger after
 * it changed the head, so either the fan-out finds this entry or this read finds the new head.
 */
export function makeClaimEntry(deps: { models: Models }) {
  return async function claimEntry(input: RequestInput<ClaimEntryCommand>): Promise<Answer<EntryClaimedInput>> {
    await appendJournal(deps.models, input.journal);
    const { command, run } = input;
    const granted = await claimLedgerEntry(deps.models, {
      journeyId: command.journeyId,
      customerId: command.customerId,
      entryKey: command.entryKey,
      ...(command.scope === undefined ? {} : { scope: command.scope }),
      ...runOf(Context.current().info.workflowExecution?.runId),
      reentry: command.reentry,
      nowMs: command.nowMs,
      workflowId: run.workflowId,
      version: run.version,
    });
    if (!granted) return { type: 'entry_claimed', correlationId: command.correlationId, granted };
    const head = await getJourneyHead(deps.models, command.journeyId);
    return {
      type: 'entry_claimed',
      correlationId: command.correlationId,
      granted,
      ...(head === null ? {} : { head: { status: head.status, generation: head.generation } }),
    };
  };
}

/** A page of open runs and the journey's head as read before it, for the control fan-out. */
export interface OpenRunsPage {
  workflowIds: string[];
  next: string | null;
  /** The head's status and generation: the control the page's runs get (the latest, whoever started the fan-out). */
  head: HeadControl | null;
}

/** The claiming run's id for the ledger, when the activity runs for a workflow. */
function runOf(runId: string | undefined): { runId?: string } {
  return runId === undefined ? {} : { runId };
}

/** One page of a journey's open runs, for the control fan-out, with the head read first. */
export function makeListOpenRuns(deps: { models: Models }) {
  return async function listOpenRunsActivity(input: {
    journeyId: string;
    afterId: string | null;
    limit: number;
  }): Promise<OpenRunsPage> {
    const head = await getJourneyHead(deps.models, input.journeyId);
    const page = await listOpenRuns(deps.models, input);
    return { ...page, head: head === null ? null : { status: head.status, generation: head.generation } };
  };
}
