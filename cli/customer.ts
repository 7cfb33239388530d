/** `kizuna customer get|erase|timeline <id>` (through the API). */
import type { Command } from 'commander';
import { apiClientFromEnv, runCommand } from './api-client.js';
import { registerCustomerTimeline } from './customer-timeline.js';

export function registerCustomer(program: Command): void {
  const customer = program.command('customer').description('read or erase a customer (through the API)');
  customer
    .command('get')
    .argument('<id>', 'customer id')
    .action((id: string) =>
      runCommand(async () => {
        const { body } = await apiClientFromEnv().call<{ customer: unknown }>(
          'GET',
          `/v1/customers/${encodeURIComponent(id)}`,
        );
        console.log(JSON.stringify(body.customer, null, 2));
      }),
    );
  customer
    .command('erase')
    .description('erase the profile, events, journal and delivery traces; ends every running journey')
    .argument('<id>', 'customer id')
    .action((id: string) =>
      runCommand(async () => {
        const { body } = await apiClientFromEnv().call<{ erased: Record<string, number> }>(
          'DELETE',
          `/v1/customers/${encodeURIComponent(id)}`,
        );
        console.log(
          `erased ${id}: ${Object.entries(body.erased)
            .map(([what, n]) => `${what} ${n}`)
            .join(', ')}`,
        );
      }),
    );
  registerCustomerTimeline(customer);
}
