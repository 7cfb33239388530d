// The engine must run inside Temporal's workflow sandbox: a workflow importing it has to bundle.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../fixtures/engine-bundle-entry.ts', import.meta.url));
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('engine in the workflow sandbox', () => {
  it('bundles as workflow code, with the engine and none of the I/O libraries', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: entry, logger: quiet });
    expect(code).toContain('engineProbeWorkflow');
    expect(code).toContain('stepJourney');
    for (const forbidden of [
      'node_modules/mongoose',
      'node_modules/nodemailer',
      'node_modules/yaml/',
      'node_modules/zod/',
    ]) {
      expect(code).not.toContain(forbidden);
    }
  }, 60_000);
});
