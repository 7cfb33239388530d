import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { projectRoot } from '../../scripts/servers.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../workflows/search-attributes.js';

// temporal.api.enums.v1.IndexedValueType values (the proto enum is not exported by the SDK packages).
const TYPE = { Keyword: 2, Int: 3 } as const;

/** The time-skipping test server from .tools/, with Kizuna's search attributes registered. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, TYPE[type]]),
    ),
  });
  return env;
}

/**
 * With KIZUNA_RECORD_HISTORIES=1, writes a run's history to test/fixtures/histories/<name>.json,
 * where the replay test picks it up. Record again only when a workflow change is meant to be
 * incompatible (and guarded with `patched()`); otherwise the committed histories are the contract.
 */
export function recordHistory(name: string, history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): void {
  if (process.env.KIZUNA_RECORD_HISTORIES !== '1') return;
  writeFileSync(join(projectRoot, 'test', 'fixtures', 'histories', `${name}.json`), historyToJSON(history));
}
