/**
 * What the load benchmark runs on: FerretDB and the Temporal dev server (with the project's dynamic
 * config: priority and fairness on), the LINE stand-in and an SMTP counter in process, the real
 * worker process (`worker.ts`, prebuilt workflow bundle), the hand-written baseline's worker, and the
 * API in process on a free port, all on one database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createKizunaApi } from '../../api/app.js';
import { loadProfileFieldTypes } from '../../api/customers/profile-input.js';
import { bindRuntime } from '../../api/temporal/runtime-binding.js';
import { loadCompileOptions } from '../../definitions/catalog.js';
import { compileJourney } from '../../definitions/compile.js';
import { createLineStandin } from '../../line-standin/app.js';
import { freePort, projectRoot } from '../../scripts/servers.js';
import { createApiKey } from '../../store/apikeys.js';
import { connectStore } from '../../store/connection.js';
import { pinTemplates, publishJourney } from '../../store/journeys.js';
import { API_SCOPES } from '../../store/models/apikey.js';
import { workflowsPath } from '../../worker.js';
import { startServers, startSmtpCounter, startWorker } from '../runtime/stack.js';

const TOKEN = 'load-bench-token';
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const definitions = join(projectRoot, 'definitions');
const compileOptions = loadCompileOptions(definitions, projectRoot);

/** Starts everything; `close()` stops it all and removes the data folder. */
export async function startLoadStack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kizuna-bench-load-'));
  const servers = await startServers(dataDir);
  const smtp = await startSmtpCounter();
  const standin = createLineStandin({ channelAccessToken: TOKEN });
  const linePort = await freePort();
  const lineServer = await new Promise<Server>((ok) => {
    const s = standin.app.listen(linePort, '127.0.0.1', () => ok(s));
  });
  const store = await connectStore(servers.mongoUri, { dbName: 'load', postgresUrl: servers.postgresUrl });
  const connection = await Connection.connect({ address: servers.temporalAddress });
  const client = new Client({ connection });
  const bundleFile = join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundleFile, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  const vars = {
    // The local stack's settings: no production delivery settings (unsubscribe secret, DKIM) required.
    KIZUNA_ENV: 'development',
    KIZUNA_WORKFLOW_BUNDLE: bundleFile,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    MONGODB_URI: `${servers.mongoUri}load`,
    KIZUNA_POSTGRES_URL: servers.postgresUrl,
    SMTP_URL: smtp.url,
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    LINE_API_BASE_URL: `http://127.0.0.1:${linePort}`,
  };
  const workers = [await startWorker('worker.ts', vars), await startWorker('bench/runtime/baseline-worker.ts', vars)];
  const api = createKizunaApi({
    readiness: {},
    models: store.models,
    runtime: bindRuntime(client, store.models),
    profileFields: loadProfileFieldTypes(join(definitions, 'profile-fields.yaml')),
    compileOptions,
  });
  api.pipeline.startOutbox();
  const http = api.app.listen(0, '127.0.0.1');
  await new Promise((ok) => http.once('listening', ok));
  const { token } = await createApiKey(store.models, { name: 'load', scopes: [...API_SCOPES] });
  return {
    store,
    client,
    smtp,
    standin,
    token,
    apiPort: (http.address() as AddressInfo).port,
    /** A new process of the real worker with `extra` variables beside the stack's, after stopping the first. */
    async restartWorker(extra: Record<string, string>) {
      await workers[0]!.stop();
      workers[0] = await startWorker('worker.ts', { ...vars, ...extra });
    },
    /** Publishes a journey; answers its version. */
    async publish(yaml: string): Promise<number> {
      const result = compileJourney(yaml, 'load.yaml', compileOptions);
      if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
      const templates = pinTemplates(result.plan, compileOptions.templates ?? {});
      return (await publishJourney(store.models, { plan: result.plan, source: yaml, templates })).version;
    },
    /** Arrivals at the stand-in, by LINE user id (ms since the epoch). */
    pushArrivals(): Map<string, number[]> {
      const out = new Map<string, number[]>();
      for (const p of standin.pushes) out.set(p.to, [...(out.get(p.to) ?? []), Date.parse(p.receivedAt)]);
      return out;
    },
    async close() {
      await api.pipeline.stopOutbox();
      await new Promise<void>((ok) => http.close(() => ok()));
      for (const worker of workers) await worker.stop();
      lineServer.close();
      await connection.close();
      await smtp.close();
      await store.close();
      await servers.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type LoadStack = Awaited<ReturnType<typeof startLoadStack>>;
