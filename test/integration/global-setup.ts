/**
 * Starts the real servers the integration tests share: FerretDB over PostgreSQL (a fresh data folder,
 * or the PostgreSQL of KIZUNA_POSTGRES_URL) and the Temporal dev server (in memory, headless, with
 * Kizuna's search attributes), each on a free port. A missing tool fails the run with the command that
 * installs it; nothing is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDocumentStore, startFerretDB } from '../../scripts/document-store.js';
import { freePort, startTemporalDevServer, startTogether, toolPath } from '../../scripts/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    /** The PostgreSQL database FerretDB stores into. */
    postgresUrl: string;
    temporalAddress: string;
    temporalTestServerPath: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kizuna-test-'));
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];
  const ownPostgres = process.env.KIZUNA_POSTGRES_URL;
  const startStore = () =>
    ownPostgres
      ? startDocumentStore({ port: mongoPort, stateDir: join(dataDir, 'ferretdb'), postgres: { url: ownPostgres } })
      : startFerretDB({ port: mongoPort, dataDir });
  // Started together: when one fails, the other is stopped before the error ends the run.
  const [store, ...others] = await startTogether([
    startStore,
    () => startTemporalDevServer({ port: temporalPort, uiPort: null }),
  ]).catch((err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  project.provide('mongoUri', `mongodb://127.0.0.1:${mongoPort}/`);
  project.provide('postgresUrl', (store as Awaited<ReturnType<typeof startStore>>).postgresUrl);
  project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
  project.provide('temporalTestServerPath', toolPath('temporal-test-server'));
  return async () => {
    await Promise.all([store, ...others].map((server) => server!.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
