/**
 * Runs the engine's requests as activities, one activity per request, each with a summary the
 * Temporal UI shows ("send winback-1 by LINE"). Workflow code: types of activities only.
 */
import { ApplicationFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities, Answer, JournalRow, RunContext } from '../activities/types.js';
import type { CommandResultInput, CustomerEvent, RequestCommand } from '../engine/index.js';

const RETRY: ActivityOptions['retry'] = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
};
const OPTIONS: ActivityOptions = { startToCloseTimeout: '1 minute', retry: RETRY };
// A send may wait on SMTP or LINE for a while, so its start-to-close timeout is long; it heartbeats every
// few seconds, so a send on a worker that died is retried after the heartbeat timeout instead. The
// delivery ledger's lease (20 s, renewed during the provider call) runs out about as soon.
const SEND_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: RETRY,
};

const activities = proxyActivities<Activities>(OPTIONS);

export { activities, OPTIONS as ACTIVITY_OPTIONS };

const CHANNEL_NAMES = { email: 'email', line: 'LINE', preferred: 'the preferred channel' } as const;

/** The line the Temporal UI shows for a request's activity. */
export function summarize(command: RequestCommand): string {
  switch (command.type) {
    case 'claim_entry':
      return `claim entry (re-entry: ${command.reentry.policy})`;
    case 'resolve_timezone':
      return `read the time zone (${command.path})`;
    case 'evaluate_conditions':
      return command.stepId === null
        ? `filter ${command.event?.type ?? 'an event'}`
        : `evaluate ${command.stepId} (${command.conditions.length} condition${command.conditions.length === 1 ? '' : 's'})`;
    case 'resolve_date':
      return `${command.stepId}: read ${command.source}.${command.path}`;
    case 'send':
      return `send ${command.template} by ${CHANNEL_NAMES[command.channel]}`;
    case 'update_profile':
      return `${command.stepId}: update the profile`;
    default:
      return assertNever(command);
  }
}

/**
 * Executes one request and resolves with the engine's answer (without `nowMs`). `journal` rides
 * along: the activity writes those rows first.
 */
export async function runRequest(
  command: RequestCommand,
  run: RunContext,
  journal: JournalRow[],
  entryEvent: CustomerEvent | null,
): Promise<Answer<CommandResultInput>> {
  const options = { ...OPTIONS, summary: summarize(command) };
  switch (command.type) {
    case 'claim_entry':
      return activities.claimEntry.executeWithOptions(options, [{ run, command, journal }]);
    case 'resolve_timezone':
      return activities.resolveTimezone.executeWithOptions(options, [{ run, command, journal }]);
    case 'evaluate_conditions':
      return activities.evaluateConditions.executeWithOptions(options, [{ run, command, journal }]);
    case 'resolve_date':
      return activities.resolveDate.executeWithOptions(options, [
        { run, command, journal, entryEventProperties: entryEvent?.properties ?? {} },
      ]);
    case 'send':
      return activities.send.executeWithOptions({ ...SEND_OPTIONS, summary: options.summary }, [
        { run, command, journal },
      ]);
    case 'update_profile':
      return activities.updateProfile.executeWithOptions(options, [{ run, command, journal }]);
    default:
      return assertNever(command);
  }
}

function assertNever(value: never): never {
  throw ApplicationFailure.nonRetryable(`unknown request ${JSON.stringify(value)}`, 'UNKNOWN_REQUEST');
}
