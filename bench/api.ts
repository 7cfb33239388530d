/**
 * API throughput on loopback, JSON on stdout: events/s and latency for (a) an event no journey listens
 * to, (b) an event that enters a journey, beside a bare signal-with-start loop against the same
 * Temporal server, (c) batches of 1,000 events. Starts its own FerretDB and Temporal dev server (no
 * worker: entering costs the same whether or not a worker then runs the journey).
 *
 * The API runs as in production, in a process of its own (`api/server.ts`, logging at info), so the
 * load generator does not share its event loop. `--in-process` runs it inside this process instead,
 * which with BENCH_PROFILE=1 also counts the MongoDB commands of each phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createKizunaApi } from '../api/app.js';
import { loadProfileFieldTypes } from '../api/customers/profile-input.js';
import { bindRuntime } from '../api/temporal/runtime-binding.js';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import { localEnv } from '../scripts/local-env.js';
import { ensurePostgresIndexes } from '../store/postgres-indexes.js';
import { startFerretDB } from '../scripts/document-store.js';
import { freePort, launch, projectRoot, startTemporalDevServer } from '../scripts/servers.js';
import { createApiKey } from '../store/apikeys.js';
import mongoose from 'mongoose';
import { createModels } from '../store/models/index.js';
import { API_SCOPES } from '../store/models/apikey.js';
import { publishJourney } from '../store/journeys.js';
import { loop, postJson, type LoadResult } from './api-load.js';
import { assertWork, exactly, some, type WorkClaim } from './assert-work.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const IN_PROCESS = process.argv.includes('--in-process');
const run = Date.now().toString(36);
const POOL = 500;
const event = (type: string, i: number, pooled = false) => ({
  type,
  customerId: pooled ? `bench-${run}-pool-${i % POOL}` : `bench-${run}-${type}-${i}`,
  occurredAt: new Date().toISOString(),
  idempotencyKey: `${run}-${type}-${i}`,
});

/** The store as connectStore opens it, with command monitoring for the profile. */
async function openStore(uri: string, postgresUrl: string) {
  const connection = mongoose.createConnection(uri, { monitorCommands: true, autoIndex: false });
  await connection.asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  await ensurePostgresIndexes(postgresUrl, 'bench', Object.values(models) as never);
  return { connection, models, close: () => connection.close() };
}

/** With BENCH_PROFILE=1: MongoDB commands by name and collection, with count and mean ms. */
function profileCommands(client: ReturnType<mongoose.Connection['getClient']>) {
  const stats = new Map<string, { n: number; ms: number }>();
  const collections = new Map<number, string>();
  if (process.env.BENCH_PROFILE) {
    client.on('commandStarted', (e) => {
      const target = (e.command as Record<string, unknown>)[e.commandName];
      if (typeof target === 'string') collections.set(e.requestId, target);
    });
    client.on('commandSucceeded', (e) => {
      const key = `${e.commandName} ${collections.get(e.requestId) ?? ''}`.trim();
      collections.delete(e.requestId);
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n += 1;
      s.ms += e.duration;
      stats.set(key, s);
    });
  }
  return () => {
    const out = Object.fromEntries(
      [...stats].map(([k, s]) => [k, { n: s.n, meanMs: Math.round((s.ms / s.n) * 10) / 10 }]),
    );
    stats.clear();
    return out;
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kizuna-bench-api-'));
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];
  const servers = await Promise.all([
    startFerretDB({ port: mongoPort, dataDir: join(dir, 'ferretdb') }),
    startTemporalDevServer({ port: temporalPort, uiPort: null }),
  ]);
  const store = await openStore(`mongodb://127.0.0.1:${mongoPort}/bench`, servers[0].postgresUrl);
  const commands = profileCommands(store.connection.getClient());
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  const client = new Client({ connection });
  const yaml =
    'journey: bench-entry\nname: bench\nentry:\n  event: bench.enter\n  reentry: always\nsteps:\n  - id: pause\n    wait: 30d\n';
  const compiled = compileJourney(yaml, 'bench.yaml');
  if (!compiled.ok) throw new Error('bench journey does not compile');
  await publishJourney(store.models, { plan: compiled.plan, source: yaml });
  const api = IN_PROCESS
    ? await inProcessApi(store.models, client)
    : await apiProcess(mongoPort, temporalPort, servers[0].postgresUrl);
  const port = api.port;
  const { token } = await createApiKey(store.models, { name: 'bench', scopes: [...API_SCOPES] });
  const ms = SECONDS * 1000;

  // Warm-up: the pool's customers exist and this process has seen them (a shop's usual stream).
  await postJson(port, '/v1/events/batch', token, {
    events: Array.from({ length: POOL }, (_, i) => event('bench.warmup', i, true)),
  });
  const profile: Record<string, unknown> = {};
  commands();
  const ignored = await loop({
    concurrency: 32,
    durationMs: ms,
    call: async (i) => (await postJson(port, '/v1/events', token, event('bench.ignored', i, true))) === 201,
  });
  profile.ignored = commands();
  const ignoredNewCustomers = await loop({
    concurrency: 32,
    durationMs: ms,
    call: async (i) => (await postJson(port, '/v1/events', token, event('bench.new', i))) === 201,
  });
  profile.ignoredNewCustomers = commands();
  // Entering customers exist already (an order from a known customer), so the figure is the routing's.
  const ENTER_POOL = 3_000;
  for (let b = 0; b < ENTER_POOL / 1000; b++) {
    await postJson(port, '/v1/events/batch', token, {
      events: Array.from({ length: 1000 }, (_, i) => ({
        ...event('bench.known', b * 1000 + i),
        customerId: `bench-${run}-enter-${b * 1000 + i}`,
      })),
    });
  }
  profile.warmup = commands();
  const entering = await loop({
    concurrency: 8,
    durationMs: ms,
    maxRequests: ENTER_POOL,
    call: async (i) =>
      (await postJson(port, '/v1/events', token, {
        ...event('bench.enter', i),
        customerId: `bench-${run}-enter-${i}`,
      })) === 201,
  });
  profile.entering = commands();
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
  profile.bare = commands();
  const batch = await loop({
    concurrency: 1,
    durationMs: ms,
    maxRequests: 5,
    call: async (b) => {
      const events = Array.from({ length: 1000 }, (_, i) => event('bench.batch', b * 1000 + i));
      return (await postJson(port, '/v1/events/batch', token, { events })) === 200;
    },
  });
  profile.batch = commands();

  const answered = (r: LoadResult): Record<string, WorkClaim> => ({
    requests: some(r.requests),
    failed: exactly(r.errors, 0),
  });
  const phases = { ignored, ignoredNewCustomers, entering, bare, batch };
  assertWork('api', {
    ...Object.fromEntries(
      Object.entries(phases).flatMap(([name, r]) => Object.entries(answered(r)).map(([k, c]) => [`${name}.${k}`, c])),
    ),
    // Every entering POST started a run; the batches stored their events.
    runsEntered: exactly(
      await store.models.EventResult.countDocuments({ resultJson: /^\{"status":"entered"/ }),
      entering.requests,
    ),
    storedBatchEvents: exactly(await store.models.Event.countDocuments({ type: 'bench.batch' }), batch.requests * 1000),
  });
  console.log(
    JSON.stringify({
      bench: 'api',
      seconds: SECONDS,
      api: IN_PROCESS ? 'in process' : 'own process',
      ignoredEvent: ignored,
      ignoredEventNewCustomer: ignoredNewCustomers,
      enteringEvent: entering,
      bareSignalWithStart: bare,
      enteringVsBare: Math.round((entering.perSecond / Math.max(1, bare.perSecond)) * 100) / 100,
      batchOf1000: { ...batch, eventsPerSecond: batch.perSecond * 1000 },
      ...(process.env.BENCH_PROFILE ? { mongoCommands: profile } : {}),
    }),
  );
  await api.stop();
  await connection.close();
  await store.close();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}

/** The API as `npm run api` runs it, on a free port, with its output discarded. */
async function apiProcess(mongoPort: number, temporalPort: number, postgresUrl: string) {
  const port = await freePort();
  const server = await launch({
    name: 'API',
    command: process.execPath,
    args: ['--import', 'tsx', join(projectRoot, 'api/server.ts')],
    port,
    env: localEnv({
      KIZUNA_ENV: 'development',
      PORT: String(port),
      MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/bench`,
      KIZUNA_POSTGRES_URL: postgresUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      KIZUNA_DEFINITIONS_DIR: join(projectRoot, 'definitions'),
    }),
  });
  return { port, stop: () => server.stop() };
}

async function inProcessApi(models: ReturnType<typeof createModels>, client: Client) {
  const definitions = join(projectRoot, 'definitions');
  const api = createKizunaApi({
    readiness: {},
    models,
    runtime: bindRuntime(client, models),
    profileFields: loadProfileFieldTypes(join(definitions, 'profile-fields.yaml')),
    compileOptions: loadCompileOptions(definitions, projectRoot),
  });
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const port = (server.address() as AddressInfo).port;
  return { port, stop: () => new Promise<void>((ok) => server.close(() => ok())) };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
