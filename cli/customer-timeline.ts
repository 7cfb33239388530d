/** `kizuna customer timeline <id>`: a customer's story, newest first, one line an item (through the API). */
import type { Command } from 'commander';
import { apiClientFromEnv, runCommand } from './api-client.js';

interface Item {
  at: string;
  category: string;
  [field: string]: unknown;
}

/** What an item says in one line, after its time and category. */
export function describeItem(item: Item): string {
  const text = (value: unknown) =>
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  switch (item.kind) {
    case 'event':
      return `${text(item.type)} ${JSON.stringify(item.properties ?? {})}`;
    case 'journal':
      return [item.journeyId, item.stepId ?? '-', item.action, text(item.reason)].map(text).join(' ').trim();
    case 'delivery':
      return [item.journeyId, item.stepId, item.template, 'by', item.channel ?? '-', item.status, text(item.reason)]
        .map(text)
        .join(' ')
        .trim();
    default:
      return '';
  }
}

/** Registers `timeline` under `kizuna customer`. */
export function registerCustomerTimeline(customer: Command): void {
  customer
    .command('timeline')
    .description('events, journey steps, messages, consent and route changes of a customer, newest first')
    .argument('<id>', 'customer id')
    .option('--limit <n>', 'items to show', '50')
    .option('--before <cursor>', 'a cursor printed by an earlier page, or an ISO 8601 time')
    .option('--json', 'print the page as JSON')
    .action((id: string, opts: { limit: string; before?: string; json?: boolean }) =>
      runCommand(async () => {
        const query = new URLSearchParams({ limit: opts.limit, ...(opts.before ? { before: opts.before } : {}) });
        const { body } = await apiClientFromEnv().call<{ items: Item[]; next: string | null }>(
          'GET',
          `/v1/customers/${encodeURIComponent(id)}/timeline?${query.toString()}`,
        );
        if (opts.json) return console.log(JSON.stringify(body, null, 2));
        for (const item of body.items) console.log(`${item.at}  ${item.category.padEnd(13)} ${describeItem(item)}`);
        if (body.next) console.log(`more: --before ${body.next}`);
      }),
    );
}
