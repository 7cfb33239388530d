/**
 * Runs of a journey waiting at each step, from Temporal's visibility: each run keeps its current step
 * in the `KizunaStep` search attribute (workflows/visibility.ts), so a count per step is one indexed
 * visibility query, whatever the number of runs. A few runs per step are listed too (workflow and
 * customer ids), for the caller to read until when they wait.
 */
import { KizunaCustomer } from '../workflows/search-attributes.js';
import type { RuntimeDeps } from './deps.js';

/** The runs waiting at one step: how many, and up to `sample` of them. */
export interface WaitingAtStep {
  stepId: string;
  count: number;
  sample: { workflowId: string; customerId: string }[];
}

// Journey and step ids are plain identifiers; anything else would not be a literal of the query.
const LITERAL = /^[\w.:@-]+$/;

/**
 * Counts the running runs of the journey version at each of `stepIds` and lists up to `sample` of each. Throws when an
 * id cannot be written as a visibility query literal (journey and step ids never hold such characters).
 */
export async function countWaitingRuns(
  deps: Pick<RuntimeDeps, 'client'>,
  input: { journeyId: string; version: number; stepIds: readonly string[]; sample: number },
): Promise<WaitingAtStep[]> {
  for (const id of [input.journeyId, ...input.stepIds]) {
    if (!LITERAL.test(id)) throw new Error(`not a journey or step id: ${JSON.stringify(id)}`);
  }
  return Promise.all(
    input.stepIds.map(async (stepId) => {
      const query = [
        `KizunaJourney = '${input.journeyId}'`,
        `KizunaJourneyVersion = ${Math.trunc(input.version)}`,
        `KizunaStep = '${stepId}'`,
        `ExecutionStatus = 'Running'`,
      ].join(' AND ');
      const { count } = await deps.client.workflow.count(query);
      const sample: WaitingAtStep['sample'] = [];
      if (count > 0 && input.sample > 0) {
        for await (const run of deps.client.workflow.list({ query, pageSize: input.sample })) {
          const customerId = run.typedSearchAttributes.get(KizunaCustomer);
          if (customerId) sample.push({ workflowId: run.workflowId, customerId });
          if (sample.length >= input.sample) break;
        }
      }
      return { stepId, count, sample };
    }),
  );
}
