/**
 * API throughput on loopback, JSON on stdout: events/s and latency for (a) an event no journey listens
 * to, (b) an event that enters a journey, beside a bare signal-with-start loop against the same
 * Temporal server, (c) batches of 1,000 events. Starts its own FerretDB and Temporal dev server (no
 * worker: entering costs the same whether or not a worker then runs the journey).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createKizunaApi } from '../api/app.js';
import { loadProfileFieldTypes } from '../api/profile-input.js';
import { bindRuntime } from '../api/runtime-binding.js';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import { freePort, projectRoot, startFerretDB, startTemporalDevServer } from '../scripts/servers.js';
import { createApiKey } from '../store/apikeys.js';
import { connectStore } from '../store/connection.js';
import { API_SCOPES } from '../store/models/apikey.js';
import { publishJourney } from '../store/journeys.js';
import { loop, postJson } from './api-load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const run = Date.now().toString(36);
const event = (type: string, i: number) => ({
  type,
  customerId: `bench-${run}-${type}-${i}`,
  occurredAt: new Date().toISOString(),
  idempotencyKey: `${run}-${type}-${i}`,
});

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-bench-api-'));
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];
  const servers = await Promise.all([
    startFerretDB({ port: mongoPort, dataDir: join(dir, 'ferretdb') }),
    startTemporalDevServer({ port: temporalPort, uiPort: null }),
  ]);
  const store = await connectStore(`mongodb://127.0.0.1:${mongoPort}/bench`);
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  const client = new Client({ connection });
  const definitions = join(projectRoot, 'definitions');
  const yaml =
    'journey: bench-entry\nname: bench\nentry:\n  event: bench.enter\n  reentry: always\nsteps:\n  - id: pause\n    wait: 30d\n';
  const compiled = compileJourney(yaml, 'bench.yaml');
  if (!compiled.ok) throw new Error('bench journey does not compile');
  await publishJourney(store.models, { plan: compiled.plan, source: yaml });
  const api = createKizunaApi({
    readiness: {},
    models: store.models,
    runtime: bindRuntime(client, store.models),
    profileFields: loadProfileFieldTypes(join(definitions, 'profile-fields.yaml')),
    compileOptions: loadCompileOptions(definitions, projectRoot),
  });
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const port = (server.address() as AddressInfo).port;
  const { token } = await createApiKey(store.models, { name: 'bench', scopes: [...API_SCOPES] });
  const ms = SECONDS * 1000;

  const ignored = await loop({
    concurrency: 32,
    durationMs: ms,
    call: async (i) => (await postJson(port, '/v1/events', token, event('bench.ignored', i))) === 201,
  });
  const entering = await loop({
    concurrency: 8,
    durationMs: ms,
    call: async (i) => (await postJson(port, '/v1/events', token, event('bench.enter', i))) === 201,
  });
  const bare = await loop({
    concurrency: 8,
    durationMs: ms,
    call: async (i) => {
      await client.workflow.signalWithStart('journeyWorkflow', {
        taskQueue: 'kizuna-bench-bare',
        workflowId: `bench-bare/${run}/${i}`,
        args: [{}],
        signal: 'customerEvent',
        signalArgs: [{ event: { id: String(i), type: 'bench.enter', timeMs: Date.now(), properties: {} } }],
      });
      return true;
    },
  });
  const batch = await loop({
    concurrency: 1,
    durationMs: ms,
    maxRequests: 10,
    call: async (b) => {
      const events = Array.from({ length: 1000 }, (_, i) => event('bench.batch', b * 1000 + i));
      return (await postJson(port, '/v1/events/batch', token, { events })) === 200;
    },
  });

  console.log(
    JSON.stringify({
      bench: 'api',
      seconds: SECONDS,
      ignoredEvent: ignored,
      enteringEvent: entering,
      bareSignalWithStart: bare,
      enteringVsBare: Math.round((entering.perSecond / Math.max(1, bare.perSecond)) * 100) / 100,
      batchOf1000: { ...batch, eventsPerSecond: batch.perSecond * 1000 },
    }),
  );
  server.close();
  await connection.close();
  await store.close();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
