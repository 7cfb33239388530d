/**
 * The benchmark's baseline: the wait → branch → send journey written by hand as a Temporal workflow,
 * doing the same external work as the interpreter (the same activities: the entry claim, condition
 * evaluation, the send to SMTP, the same journal rows) without the engine or a plan. Workflow code:
 * bundled on its own by the benchmark's worker (`workflowsPath`).
 */
import { proxyActivities, proxyLocalActivities, sleep, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities, JournalRow, RunContext } from '../../activities/types.js';
import type { Condition } from '../../definitions/plan.js';

const retry: ActivityOptions['retry'] = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
};
// The same split as the interpreter (workflows/requests.ts): store work as local activities, sends on the queue.
const { claimEntry, evaluateConditions, flushJournal } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry,
});
const { send } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });

export interface HandWrittenInput {
  journeyId: string;
  version: number;
  customerId: string;
  waitMs: number;
  condition: Condition;
  then: { stepId: string; template: string };
  else: { stepId: string; template: string };
}

export async function handWrittenJourney(input: HandWrittenInput): Promise<{ outcome: string }> {
  const { workflowId, runId } = workflowInfo();
  const run: RunContext = {
    workflowId,
    journeyId: input.journeyId,
    version: input.version,
    customerId: input.customerId,
  };
  let seq = 0;
  const row = (stepId: string | null, stepKind: string | null, action: string, reason: string | null): JournalRow => ({
    ...run,
    rowId: `${workflowId}/${runId}/${String(++seq).padStart(8, '0')}`,
    stepId,
    stepKind,
    action,
    reason,
    detail: {},
    atMs: Date.now(),
  });
  const entryKey = `start:${runId}`;
  const claim = await claimEntry({
    run,
    command: {
      type: 'claim_entry',
      correlationId: 'entry',
      journeyId: input.journeyId,
      customerId: input.customerId,
      entryKey,
      reentry: { policy: 'always' },
      nowMs: Date.now(),
    },
    journal: [row(null, null, 'entered', null)],
  });
  if (!claim.granted) return { outcome: 'reentry-denied' };
  await flushJournal({ run, rows: [row('wait', 'wait', 'waiting', null)], end: null });
  await sleep(input.waitMs);
  const [vip] = (
    await evaluateConditions({
      run,
      command: {
        type: 'evaluate_conditions',
        correlationId: 'pick',
        stepId: 'pick',
        conditions: [input.condition],
        event: null,
        nowMs: Date.now(),
        zone: 'Asia/Tokyo',
      },
      journal: [],
    })
  ).decisions;
  const step = vip ? input.then : input.else;
  const sent = await send({
    run,
    command: {
      type: 'send',
      correlationId: step.stepId,
      stepId: step.stepId,
      template: step.template,
      channel: 'email',
      idempotencyKey: `${workflowId}/${entryKey}/${step.stepId}`,
      entryEventId: null,
      cap: null,
      nowMs: Date.now(),
    },
    journal: [row('pick', 'if', 'branched', vip ? 'then' : 'else')],
  });
  const rows = [row(step.stepId, 'send', sent.status, sent.reason), row(null, null, 'completed', 'completed')];
  await flushJournal({ run, rows, end: { entryKey, outcome: 'completed' } });
  return { outcome: 'completed' };
}
