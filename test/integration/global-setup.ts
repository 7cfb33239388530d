/**
 * Starts the real servers the integration tests share: FerretDB (a fresh SQLite directory) and the
 * Temporal dev server (in memory, headless, with Kizuna's search attributes), each on a free port.
 * A missing tool fails the run with the command that installs it; nothing is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startFerretDB, startTemporalDevServer, startTogether, toolPath } from '../../scripts/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    temporalAddress: string;
    temporalTestServerPath: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kizuna-test-'));
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];
  // Started together: when one fails, the other is stopped before the error ends the run.
  const servers = await startTogether([
    () => startFerretDB({ port: mongoPort, dataDir: join(dataDir, 'ferretdb') }),
    () => startTemporalDevServer({ port: temporalPort, uiPort: null }),
  ]).catch((err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  project.provide('mongoUri', `mongodb://127.0.0.1:${mongoPort}/`);
  project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
  project.provide('temporalTestServerPath', toolPath('temporal-test-server'));
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
