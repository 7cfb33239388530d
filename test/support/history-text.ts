/** A run's history as searchable text: the history JSON with every payload's data decoded. */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export async function historyText(handle: WorkflowHandle): Promise<string> {
  const json = historyToJSON(await handle.fetchHistory());
  const decoded: string[] = [];
  for (const match of json.matchAll(/"data"\s*:\s*"([A-Za-z0-9+/=]+)"/g)) {
    decoded.push(Buffer.from(match[1]!, 'base64').toString('utf8'));
  }
  return `${json}\n${decoded.join('\n')}`;
}

/**
 * The profile's values that must not reach history: every string (deep) of at least two characters
 * that the journey itself does not contain (a tag the journey adds is the journey's, not the
 * customer's), minus `skip` (fields whose value the run legitimately holds, such as the time zone).
 */
export function personalValues(profile: Record<string, unknown>, planText: string, skip: readonly string[]): string[] {
  const values: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 2 && !planText.includes(value)) values.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null && !(value instanceof Date))
      Object.values(value).forEach(walk);
  };
  for (const [field, value] of Object.entries(profile)) if (!skip.includes(field) && field !== 'consent') walk(value);
  return values;
}
