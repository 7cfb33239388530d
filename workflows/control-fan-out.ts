/**
 * Reaches every open run of a journey with a `journeyControl` signal, a page of the entries ledger at
 * a time, continuing as new before its history grows large. One fan-out per journey: a newer action
 * replaces a running one, and every page signals the head as it stands then (its status and
 * generation), so whichever fan-out runs last carries the latest action. Started by `controlJourney`
 * after it changed the head, so no HTTP request loops over customers.
 */
import { getExternalWorkflowHandle, makeContinueAsNewFunc, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/types.js';
import { boundedRetry } from './activity-options.js';
import type { HeadControl } from '../engine/index.js';
import { journeyControl, type JourneyControlSignal } from './signals.js';

const { listOpenRuns } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '2 hours',
  retry: boundedRetry(120, '1 minute'),
});

/** Runs signalled per ledger page. */
const PAGE = 200;
/** Continue-as-new past this many history events (each signal adds about three). */
const HISTORY_BOUND = 4_000;

const ACTIONS: Record<HeadControl['status'], JourneyControlSignal['action']> = {
  active: 'resume',
  paused: 'pause',
  archived: 'archive',
};

export interface JourneyControlFanOutInput {
  journeyId: string;
  /** The action that started the fan-out (the summary's); the signals carry the head's. */
  action: JourneyControlSignal['action'];
  /** Ledger position to continue after (continue-as-new); `null` to start. */
  afterId: string | null;
  signalled: number;
}

export async function journeyControlFanOutWorkflow(input: JourneyControlFanOutInput): Promise<{ signalled: number }> {
  let { afterId, signalled } = input;
  for (;;) {
    const page = await listOpenRuns({ journeyId: input.journeyId, afterId, limit: PAGE });
    const head = page.head;
    const control: JourneyControlSignal =
      head === null ? { action: input.action } : { action: ACTIONS[head.status], generation: head.generation };
    const results = await Promise.all(
      page.workflowIds.map((workflowId) =>
        getExternalWorkflowHandle(workflowId)
          .signal(journeyControl, control)
          .then(
            () => true,
            // A run that ended meanwhile cannot be signalled; there is nothing left to control.
            () => false,
          ),
      ),
    );
    signalled += results.filter(Boolean).length;
    if (page.next === null) return { signalled };
    afterId = page.next;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_BOUND) {
      await makeContinueAsNewFunc<typeof journeyControlFanOutWorkflow>()({ ...input, afterId, signalled });
    }
  }
}
