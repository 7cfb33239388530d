import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker.js';

describe('workflow bundle', () => {
  it('builds for Temporal’s sandbox and carries none of the I/O libraries', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(code).toContain('skeletonWorkflow');
    for (const forbidden of [
      'node_modules/mongoose',
      'node_modules/nodemailer',
      'node_modules/@line/bot-sdk',
      'node_modules/yaml/',
      'node_modules/zod/',
    ]) {
      expect(code).not.toContain(forbidden);
    }
  }, 60_000);
});
