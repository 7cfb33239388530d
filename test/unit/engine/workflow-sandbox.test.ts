// The engine must run inside Temporal's workflow sandbox: a workflow importing it has to bundle.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleQuietly, expectNoIoLibraries } from '../../support/bundle.js';

const entry = fileURLToPath(new URL('../../fixtures/engine-bundle-entry.ts', import.meta.url));

describe('engine in the workflow sandbox', () => {
  it('bundles as workflow code, with the engine and none of the I/O libraries', async () => {
    const { code } = await bundleQuietly(entry);
    expect(code).toContain('engineProbeWorkflow');
    expect(code).toContain('stepJourney');
    expectNoIoLibraries(code);
  }, 60_000);
});
