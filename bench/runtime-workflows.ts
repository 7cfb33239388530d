/**
 * The benchmark's workflow bundle: the journey workflow, and a hand-written workflow doing the same
 * external work as the benchmark journey (claim the entry, wait, evaluate the branch condition,
 * send, write the journal) with no interpreter, as the baseline.
 */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities, JournalRow } from '../activities/types.js';

export { journeyWorkflow } from '../workflows/journey.js';

const { claimEntry, evaluateConditions, send, flushJournal } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface HandWrittenInput {
  journeyId: string;
  version: number;
  customerId: string;
  waitMs: number;
}

/** wait -> if totalSpent >= 30000 -> send one of two templates, as the benchmark journey does. */
export async function handWrittenWorkflow(input: HandWrittenInput): Promise<string> {
  const { workflowId } = workflowInfo();
  const run = { workflowId, journeyId: input.journeyId, version: input.version, customerId: input.customerId };
  const rows: JournalRow[] = [];
  const row = (stepId: string | null, action: string) =>
    rows.push({
      rowId: `${workflowId}/${rows.length}`,
      ...run,
      stepId,
      stepKind: null,
      action,
      reason: null,
      detail: {},
      atMs: Date.now(),
    });
  const startMs = Date.now();
  const claim = await claimEntry({
    run,
    journal: [],
    command: {
      type: 'claim_entry',
      correlationId: 'c1',
      journeyId: input.journeyId,
      customerId: input.customerId,
      entryKey: `start:${startMs}`,
      reentry: { policy: 'always' },
      nowMs: startMs,
    },
  });
  if (!claim.granted) return 'reentry-denied';
  row(null, 'entered');
  await sleep(input.waitMs);
  const decided = await evaluateConditions({
    run,
    journal: rows.splice(0),
    command: {
      type: 'evaluate_conditions',
      correlationId: 'c2',
      stepId: 'vip-check',
      conditions: [{ totalSpent: { $gte: 30000 } }],
      event: null,
      nowMs: Date.now(),
      zone: 'Asia/Tokyo',
    },
  });
  row('vip-check', 'branched');
  const template = decided.decisions[0] ? 'winback-vip-coupon' : 'winback-coupon';
  await send({
    run,
    journal: rows.splice(0),
    command: {
      type: 'send',
      correlationId: 'c3',
      stepId: template,
      template,
      channel: 'email',
      idempotencyKey: `${workflowId}/${startMs}/${template}`,
      entryEventId: null,
      cap: null,
      nowMs: Date.now(),
    },
  });
  row(template, 'sent');
  row(null, 'completed');
  await flushJournal({ run, rows, end: null });
  return 'completed';
}
