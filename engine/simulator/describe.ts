/** Journal records as sentences a marketer can read ("sent winback-1 by LINE"). Pure. */
import { formatLocalTime } from '../../definitions/time-windows.js';
import type { JournalRecord } from '../commands.js';

/** One line of a simulated timeline. */
export interface TimelineEntry {
  /** ISO time (UTC). */
  at: string;
  /** Local time in the customer's zone, "YYYY-MM-DD HH:MM +09:00". */
  local: string;
  stepId: string | null;
  action: JournalRecord['action'];
  reason: string | null;
  text: string;
}

const REASONS: Record<string, string> = {
  'quiet-hours': 'quiet hours',
  'frequency-cap': 'frequency cap',
  holdout: 'holdout',
  'not-following': 'not following the LINE account',
  'no-address': 'no address for the channel',
  'no-channel': 'no channel reaches the customer',
  bounced: 'the address bounced',
  blocked: 'blocked the LINE account',
  'monthly-limit': "LINE's monthly message limit reached",
  unsubscribed: 'unsubscribed',
  'no-line-user': 'no LINE user id',
  'line-not-configured': 'LINE is not configured',
  'unknown-rich-menu': 'no rich menu of that name is published',
};

function channelName(value: unknown): string {
  return value === 'line' ? 'LINE' : value === 'email' ? 'email' : 'no channel';
}

function reasonText(reason: string | null): string {
  return reason === null ? '' : (REASONS[reason] ?? reason);
}

/** The sentence for one record; times are shown in `zone`. */
export function describeRecord(record: JournalRecord, zone: string): string {
  const d = record.detail;
  const until = typeof d.untilMs === 'number' ? formatLocalTime(d.untilMs, zone) : '';
  const template = String(d.template ?? '');
  if (record.stepKind === 'line_richmenu' && (record.action === 'skipped' || record.action === 'failed')) {
    const what = d.menu === null ? 'rich menu unlink' : `rich menu ${String(d.menu)}`;
    return `${what} ${record.action}: ${reasonText(record.reason)}`;
  }
  switch (record.action) {
    case 'entered':
      return record.reason === 'holdout' ? 'entered (holdout: nothing will be sent)' : 'entered';
    case 'entry-denied':
      return 'not entered: re-entry not allowed yet';
    case 'sent':
      return `sent ${template} by ${channelName(d.channel)}`;
    case 'skipped':
      return d.channel === undefined || d.channel === null
        ? `skipped ${template}: ${reasonText(record.reason)}`
        : `skipped ${template} by ${channelName(d.channel)}: ${reasonText(record.reason)}`;
    case 'deferred':
      return `deferred ${template}: ${reasonText(record.reason)}, until ${until}`;
    case 'failed':
      return `${template} by ${channelName(d.channel)} failed: ${reasonText(record.reason)}`;
    case 'held':
      return `held ${template}: journey paused`;
    case 'resumed':
      return 'resumed';
    case 'waiting':
      return typeof d.event === 'string' ? `waiting for ${d.event} until ${until}` : `waiting until ${until}`;
    case 'proceeded':
      return describeProceeded(record, until);
    case 'matched':
      return `${String(d.event)} received`;
    case 'timed-out':
      return `no ${String(d.event)}: timed out`;
    case 'branched':
      return `took ${String(record.reason)}`;
    case 'split':
      return `variant ${String(record.reason)}`;
    case 'repeat':
      return `run ${String(d.iteration)} of ${String(d.times)}`;
    case 'repeat-stopped':
      return `stopped repeating: ${String(record.reason)}`;
    case 'profile-updated':
      return `profile updated${describeUpdate(record)}`;
    case 'richmenu-linked':
      return `rich menu ${String(d.menu)} linked`;
    case 'richmenu-unlinked':
      return 'rich menu unlinked';
    case 'converted':
      return `converted: ${String(record.reason)}${d.template === null ? '' : ` (attributed to ${template})`}`;
    case 'exited':
      // The reason is the run's outcome, `exited:<event>` for an exit event: say the event once.
      return `exited: ${String(record.reason).replace(/^exited:/, '')}`;
    case 'completed':
      return record.reason === 'completed' ? 'journey complete' : `journey complete: ${String(record.reason)}`;
    case 'dropped':
      return `${String(d.event)} dropped: too many events at once`;
    default: {
      const unknown: never = record.action;
      return String(unknown);
    }
  }
}

function describeProceeded(record: JournalRecord, until: string): string {
  switch (record.reason) {
    case 'moment-passed':
      return `${until} already past: going on at once`;
    case 'no-date':
      return 'no date to wait for: going on at once';
    case 'fallback':
      return `trying ${channelName(record.detail.channel)} instead`;
    case 'repeat-done':
      return `repeated ${String(record.detail.times)} times: going on`;
    default:
      return `going on: ${String(record.reason)}`;
  }
}

function describeUpdate(record: JournalRecord): string {
  const { set, addTags, removeTags } = record.detail;
  const parts = [
    typeof addTags === 'string' ? `+${addTags.split(',').join(' +')}` : '',
    typeof removeTags === 'string' ? `-${removeTags.split(',').join(' -')}` : '',
    typeof set === 'string' ? `set ${set}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** The journal as a timeline in `zone`. */
export function toTimeline(journal: readonly JournalRecord[], zone: string): TimelineEntry[] {
  return journal.map((record) => ({
    at: new Date(record.atMs).toISOString(),
    local: formatLocalTime(record.atMs, zone),
    stepId: record.stepId,
    action: record.action,
    reason: record.reason,
    text: describeRecord(record, zone),
  }));
}
