/**
 * The worker's composition root: reads the environment, opens MongoDB, SMTP, LINE and Temporal, and
 * polls the `kizuna` task queue until SIGTERM/SIGINT (then finishes in-flight tasks and closes).
 * `createKizunaWorker` is the same composition without the environment, for tests and benchmarks.
 *
 * `tsx worker.ts build-bundle [file]` (`npm run build:workflows`) writes the prebuilt workflow bundle
 * that production workers load with KIZUNA_WORKFLOW_BUNDLE instead of bundling at start.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import {
  DeliveryConfigError,
  deliveryFromEnv,
  deliverySettingsFromEnv,
  isProductionEnv,
} from './channels/delivery-config.js';
import { createLineRichMenus } from './channels/line-richmenus.js';
import { WorkspaceSettingsError, loadWorkspace } from './definitions/workspace.js';
import { TzDataMismatchError, checkTzData, enforceTzData } from './runtime/tz-data.js';
import { temporalConnectionOptions } from './runtime/temporal-connection.js';
import { logMemoryEvery } from './runtime/worker-memory.js';
import {
  DEFAULT_MAX_CONCURRENT_ACTIVITIES,
  WorkerSettingsError,
  heapLimitLine,
  workerSettingsFromEnv,
  type WorkerSettings,
} from './runtime/worker-settings.js';
import { connectStore } from './store/connection.js';
import { TASK_QUEUE } from './workflows/search-attributes.js';

// From source (tsx) this file is worker.ts beside workflows/; from the build it is dist/worker.js beside
// dist/workflows/: the bundle is made from the code that runs, and written to dist/ either way.
const compiled = import.meta.url.endsWith('.js');
export const workflowsPath = fileURLToPath(
  new URL(compiled ? './workflows/index.js' : './workflows/index.ts', import.meta.url),
);
const DEFAULT_BUNDLE = fileURLToPath(
  new URL(compiled ? './workflow-bundle.js' : './dist/workflow-bundle.js', import.meta.url),
);

export interface KizunaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A prebuilt bundle's code (production); without it the worker bundles `workflows/` at start. */
  workflowBundleCode?: string;
  /** Workflows kept in the worker's cache; default {@link DEFAULT_CACHED_WORKFLOWS}. */
  maxCachedWorkflows?: number;
  /** Activities at once; default {@link DEFAULT_MAX_CONCURRENT_ACTIVITIES}. */
  maxConcurrentActivityTaskExecutions?: number;
  /** Workflow tasks held at once; default the SDK's (40). */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Local activities (store requests) at once; default the SDK's (100). */
  maxConcurrentLocalActivityExecutions?: number;
}

/**
 * Journeys sleep for days: a run evicted from the cache replays its (short) history when it wakes, so
 * a small cache bounds the worker's memory however many journeys sleep, at the cost of a replay per
 * wake. Measured (bench/runtime.ts --cached-workflows 500,50, docs/operations.md "Worker memory"): a
 * cached workflow holds about 0.6 MB; thousands of sleepers with 500 cached kept the worker near
 * 690 MB, with 50 near 430 MB. A cache of 500 barely helps sleepers anyway (a wake days later finds
 * its run evicted), while 50 still covers the runs a worker is moving at once (40 workflow task slots).
 */
export const DEFAULT_CACHED_WORKFLOWS = 50;

/** Creates a worker on an open Temporal connection with the given activity dependencies. */
export async function createKizunaWorker(opts: KizunaWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundleCode === undefined
      ? { workflowsPath }
      : { workflowBundle: { code: opts.workflowBundleCode } }),
    activities: createActivities(opts.deps),
    maxCachedWorkflows: opts.maxCachedWorkflows ?? DEFAULT_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
    ...(opts.maxConcurrentWorkflowTaskExecutions === undefined
      ? {}
      : { maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions }),
    ...(opts.maxConcurrentLocalActivityExecutions === undefined
      ? {}
      : { maxConcurrentLocalActivityExecutions: opts.maxConcurrentLocalActivityExecutions }),
    // On SIGTERM, activities in flight (a send) get this long to finish before the worker stops.
    shutdownGraceTime: '30 seconds',
  });
}

/** Connection options from the environment (shared with the API: runtime/temporal-connection.ts). */
export { temporalConnectionOptions };

/** Writes the workflow bundle for production workers. */
export async function buildWorkflowBundle(file: string = DEFAULT_BUNDLE): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  return file;
}

/** The prebuilt bundle in production (required there), bundling at start elsewhere. */
function loadBundle(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.KIZUNA_WORKFLOW_BUNDLE ?? (env.NODE_ENV === 'production' ? DEFAULT_BUNDLE : undefined);
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`the workflow bundle ${file} cannot be read: run \`npm run build:workflows\` first`);
  }
}

/** LINE's rich menu client for `line_richmenu` steps, on the channel token the sends use; null without one. */
function richMenusFromEnv(env: NodeJS.ProcessEnv): ActivityDeps['richMenus'] {
  const token = env.LINE_CHANNEL_ACCESS_TOKEN;
  if (!token) return null;
  return createLineRichMenus({
    channelAccessToken: token,
    ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
  });
}

/** The settings that size the worker, without the memory log's. */
function sizing({ memoryLogSeconds: _log, ...rest }: WorkerSettings): Partial<KizunaWorkerOptions> {
  return rest;
}

async function main() {
  const env = process.env;
  // Checked before anything else: production without its delivery settings refuses to start.
  deliverySettingsFromEnv(env);
  // The LINE budget of definitions/workspace.yaml: a file typed wrong stops the start, not the budget.
  const workspace = loadWorkspace(env.KIZUNA_DEFINITIONS_DIR ?? 'definitions');
  const budget = workspace.lineBudget;
  console.log(
    budget
      ? `kizuna worker: LINE budget ${budget.monthly} messages a month, ${budget.reserve} reserved for transactional journeys`
      : 'kizuna worker: no LINE budget (definitions/workspace.yaml sets none)',
  );
  const settings = workerSettingsFromEnv(env);
  // Workflow code computes quiet hours and dates with this Node's tz data: it must be the pinned one.
  const tz = enforceTzData(
    checkTzData(env.KIZUNA_TZDATA, { tz: process.versions.tz, icu: process.versions.icu }),
    isProductionEnv(env),
  );
  (tz.level === 'warn' ? console.warn : console.log)(`kizuna worker: ${tz.line}`);
  const heap = heapLimitLine(getHeapStatistics().heap_size_limit);
  (heap.level === 'warn' ? console.warn : console.log)(`kizuna worker: ${heap.line}`);
  const workflowBundleCode = loadBundle(env);
  const store = await connectStore(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/kizuna', {
    postgresUrl: env.KIZUNA_POSTGRES_URL || undefined,
  });
  const delivery = deliveryFromEnv(env, store.models, workspace);
  const connection = await NativeConnection.connect(temporalConnectionOptions(env));
  const worker = await createKizunaWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    deps: { models: store.models, delivery, richMenus: richMenusFromEnv(env) },
    ...(workflowBundleCode === undefined ? {} : { workflowBundleCode }),
    ...sizing(settings),
  });
  if (settings.memoryLogSeconds !== undefined) {
    logMemoryEvery(settings.memoryLogSeconds, {
      memoryUsage: () => process.memoryUsage(),
      cachedWorkflows: () => worker.getStatus().numCachedWorkflows,
    });
  }
  console.log(`kizuna worker: polling task queue "${TASK_QUEUE}" on ${env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'}`);
  // Worker.run resolves after SIGINT/SIGTERM (the SDK's default shutdown signals) once in-flight
  // activities and workflow tasks are done; only then are the connections closed.
  await worker.run();
  await connection.close();
  delivery.close();
  await store.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const run =
    process.argv[2] === 'build-bundle'
      ? buildWorkflowBundle(process.argv[3]).then((file) => console.log(`kizuna: workflow bundle written to ${file}`))
      : main();
  run.catch((err: unknown) => {
    // A configuration problem is the operator's to fix: its sentence, not a stack trace.
    const known =
      err instanceof DeliveryConfigError ||
      err instanceof TzDataMismatchError ||
      err instanceof WorkspaceSettingsError ||
      err instanceof WorkerSettingsError;
    console.error('kizuna worker: failed to start:', known ? err.message : err);
    process.exit(1);
  });
}
