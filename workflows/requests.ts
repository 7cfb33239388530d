/**
 * Runs the engine's requests as activities, one activity per request, each with a summary the
 * Temporal UI shows ("send winback-1 by LINE"). Workflow code: types of activities only.
 *
 * Sends are activities on the task queue (heartbeats, their own timeout, the delivery ledger). Every
 * other request is a short, idempotent store operation and runs as a local activity: in the worker
 * that runs the workflow task, recorded as a marker, with no task-queue round trip of its own. Requests
 * a history recorded as activities (before the `local-activities` marker) replay as activities; a run's
 * later live tasks answer `patched` true and use local activities (docs/runtime.md, patching).
 */
import {
  ApplicationFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { Activities, Answer, JournalRow, RunContext } from '../activities/types.js';
import type { CommandResultInput, CustomerEvent, RequestCommand } from '../engine/index.js';
import { boundedRetry } from './activity-options.js';

// Store requests are short and idempotent: a store that stays away for hours fails the run (its
// entry is closed), rather than keeping it waiting without bound. See activity-options.ts.
const RETRY = boundedRetry(60, '5 minutes');
const OPTIONS: ActivityOptions = { startToCloseTimeout: '1 minute', scheduleToCloseTimeout: '4 hours', retry: RETRY };
// A send may wait on SMTP or LINE for a while, so its start-to-close timeout is long; it heartbeats every
// few seconds, so a send on a worker that died is retried after the heartbeat timeout instead. The
// delivery ledger's lease (20 s, renewed during the provider call) runs out about as soon. A provider
// away for a day fails the send for good.
const SEND_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '1 day',
  heartbeatTimeout: '20 seconds',
  retry: boundedRetry(300, '5 minutes'),
};

// A rich menu link calls LINE: an activity on the task queue (not a local one), retried through a LINE
// outage as a send is; linking again is harmless, so no ledger guards it.
const RICH_MENU_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: boundedRetry(300, '5 minutes'),
};

const LOCAL_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '4 hours',
  retry: RETRY,
};

const activities = proxyActivities<Activities>(OPTIONS);
const localActivities = proxyLocalActivities<Activities>(LOCAL_OPTIONS);

/** The patch that moved the store requests to local activities (see the header). */
export const LOCAL_ACTIVITIES_PATCH = 'local-activities';

type StoreActivity = Exclude<keyof Activities, 'send' | 'lineRichMenu'>;

/** Runs a store request (anything but a send): a local activity, or an activity in older runs. */
export function storeActivity<K extends StoreActivity>(
  name: K,
  summary: string,
  args: Parameters<Activities[K]>,
): Promise<Awaited<ReturnType<Activities[K]>>> {
  type Result = Promise<Awaited<ReturnType<Activities[K]>>>;
  type Call = { executeWithOptions(options: object, args: unknown[]): Result };
  if (patched(LOCAL_ACTIVITIES_PATCH)) {
    return (localActivities[name] as unknown as Call).executeWithOptions({ ...LOCAL_OPTIONS, summary }, args);
  }
  return (activities[name] as unknown as Call).executeWithOptions({ ...OPTIONS, summary }, args);
}

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
    case 'line_richmenu':
      return command.link === null
        ? `${command.stepId}: unlink the LINE rich menu`
        : `${command.stepId}: link LINE rich menu ${command.link}`;
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
  const summary = summarize(command);
  switch (command.type) {
    case 'claim_entry':
      return storeActivity('claimEntry', summary, [{ run, command, journal }]);
    case 'resolve_timezone':
      return storeActivity('resolveTimezone', summary, [{ run, command, journal }]);
    case 'evaluate_conditions':
      return storeActivity('evaluateConditions', summary, [{ run, command, journal }]);
    case 'resolve_date':
      return storeActivity('resolveDate', summary, [
        { run, command, journal, entryEventProperties: entryEvent?.properties ?? {} },
      ]);
    case 'send':
      return activities.send.executeWithOptions({ ...SEND_OPTIONS, summary }, [{ run, command, journal }]);
    case 'update_profile':
      return storeActivity('updateProfile', summary, [{ run, command, journal }]);
    case 'line_richmenu':
      return activities.lineRichMenu.executeWithOptions({ ...RICH_MENU_OPTIONS, summary }, [{ run, command, journal }]);
    default:
      return assertNever(command);
  }
}

function assertNever(value: never): never {
  throw ApplicationFailure.nonRetryable(`unknown request ${JSON.stringify(value)}`, 'UNKNOWN_REQUEST');
}
