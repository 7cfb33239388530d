import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker.js';
import { bundleQuietly, expectNoIoLibraries } from '../support/bundle.js';

describe('workflow bundle', () => {
  it('builds for Temporal’s sandbox and carries none of the I/O libraries', async () => {
    const { code } = await bundleQuietly(workflowsPath);
    expect(code).toContain('journeyWorkflow');
    expect(code).toContain('journeyControlFanOutWorkflow');
    expectNoIoLibraries(code);
  }, 60_000);
});
