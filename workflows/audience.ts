/**
 * Segment entry: run by a journey's Temporal Schedule, it pages through the customers matching the
 * segment (a cursor on customer id, evaluated at the time the pass started) and enters each page,
 * continuing as new between pages before the history grows, with its progress in the current details
 * ("page 12: 6,000 / 100,000 entered").
 */
import { makeContinueAsNewFunc, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/types.js';
import { boundedRetry } from './activity-options.js';

const { findAudiencePage, enterAudience } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: boundedRetry(60, '1 minute'),
});

/** Customers per page (one activity call enters a page). */
export const AUDIENCE_PAGE = 500;
/** Continue as new every this many pages (each page adds a handful of history events). */
const PAGES_PER_RUN = 20;

export interface AudienceInput {
  journeyId: string;
  version: number;
  /** Set by the first run of a pass and carried across continue-as-new. */
  nowMs?: number;
  afterCustomerId?: string | null;
  page?: number;
  total?: number | null;
  entered?: number;
  seen?: number;
}

export async function audienceWorkflow(input: AudienceInput): Promise<{ entered: number; seen: number }> {
  const nowMs = input.nowMs ?? Date.now();
  let { afterCustomerId = null, page = 0, total = null, entered = 0, seen = 0 } = input;
  for (let pagesThisRun = 0; ; pagesThisRun++) {
    if (pagesThisRun >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await makeContinueAsNewFunc<typeof audienceWorkflow>()({
        journeyId: input.journeyId,
        version: input.version,
        nowMs,
        afterCustomerId,
        page,
        total,
        entered,
        seen,
      });
    }
    const batch = await findAudiencePage({
      journeyId: input.journeyId,
      version: input.version,
      nowMs,
      afterCustomerId,
      limit: AUDIENCE_PAGE,
    });
    if (batch.total !== null) total = batch.total;
    if (batch.customerIds.length === 0) break;
    // Journey runs go to the task queue this pass runs on (the schedule's), where the journey workers poll.
    const result = await enterAudience({
      journeyId: input.journeyId,
      customerIds: batch.customerIds,
      taskQueue: workflowInfo().taskQueue,
      passMs: nowMs,
    });
    page += 1;
    seen += batch.customerIds.length;
    entered += result.entered;
    afterCustomerId = batch.customerIds[batch.customerIds.length - 1] ?? afterCustomerId;
    setCurrentDetails(`page ${page}: ${entered} entered, ${seen} / ${total ?? '?'} seen`);
    if (batch.customerIds.length < AUDIENCE_PAGE) break;
  }
  setCurrentDetails(`done: ${entered} entered of ${seen} matching`);
  return { entered, seen };
}
