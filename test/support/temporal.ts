import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
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
