// Keeps the Temporal worker's own logs to warnings, so test output shows what matters.
// Test files share one process (and so one Temporal runtime); this file runs before each of them.
import { DefaultLogger, Runtime } from '@temporalio/worker';

const installed = Symbol.for('kizuna.test.runtime');
const flags = globalThis as { [installed]?: boolean };
if (!flags[installed]) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  flags[installed] = true;
}
