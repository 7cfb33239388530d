import { bundleWorkflowCode } from '@temporalio/worker';
import { expect } from 'vitest';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Bundles workflow code as the worker does, without the bundler's log lines. */
export async function bundleQuietly(workflowsPath: string) {
  return bundleWorkflowCode({ workflowsPath, logger: quiet });
}

/** Workflow code must not carry the I/O libraries (the import rules of DESIGN.md). */
export function expectNoIoLibraries(code: string): void {
  for (const library of ['mongoose', 'nodemailer', '@line/bot-sdk', 'yaml/', 'zod/', 'liquidjs']) {
    expect(code, library).not.toContain(`node_modules/${library}`);
  }
}
