/**
 * The stack's smoke-test workflow: waits, then sends one email, keeping the Temporal UI informed
 * (search attributes, current details). `npm start` runs it once and the integration tests drive it;
 * journeys proper run in the journey workflow.
 */
import { proxyActivities, setCurrentDetails, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/types.js';
import { KizunaCustomer, KizunaJourney, KizunaOutcome, KizunaStep } from './search-attributes.js';

const { deliverEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export interface SkeletonInput {
  journeyId: string;
  customerId: string;
  waitMs: number;
  subject: string;
  text: string;
}

export interface SkeletonResult {
  outcome: 'completed';
  messageId: string;
}

export async function skeletonWorkflow(input: SkeletonInput): Promise<SkeletonResult> {
  upsertSearchAttributes([
    { key: KizunaJourney, value: input.journeyId },
    { key: KizunaCustomer, value: input.customerId },
    { key: KizunaStep, value: 'wait' },
  ]);
  // Workflow time, not the wall clock: deterministic on replay.
  const until = new Date(Date.now() + input.waitMs).toISOString();
  setCurrentDetails(`waiting until ${until}, then sending "${input.subject}"`);
  await sleep(input.waitMs, { summary: `wait until ${until}` });

  upsertSearchAttributes([{ key: KizunaStep, value: 'send' }]);
  setCurrentDetails(`sending "${input.subject}"`);
  const sent = await deliverEmail({
    customerId: input.customerId,
    subject: input.subject,
    text: input.text,
    idempotencyKey: `${workflowInfo().workflowId}/send/${workflowInfo().firstExecutionRunId}`,
  });

  upsertSearchAttributes([
    { key: KizunaStep, value: 'done' },
    { key: KizunaOutcome, value: 'completed' },
  ]);
  setCurrentDetails(`completed: sent ${sent.messageId}`);
  return { outcome: 'completed', messageId: sent.messageId };
}
